package ovh_test

import (
	"testing"

	"github.com/iamkit/iamkit/iam"
	"github.com/iamkit/iamkit/internal/ovhfake"
	"github.com/iamkit/iamkit/ovh"
	"github.com/iamkit/iamkit/policy"
	"github.com/iamkit/iamkit/provider/providertest"
)

// newFake starts the fake OVHcloud API and a provider on it.
func newFake(t *testing.T) (*ovhfake.Server, *ovh.Provider) {
	t.Helper()
	srv := ovhfake.New(t, ovhfake.Options{})
	p, err := ovh.New(t.Context(), ovh.Options{Client: srv.Client(), TokenURL: srv.TokenURL(), PageSize: 2})
	if err != nil {
		t.Fatalf("ovh.New: %v", err)
	}
	return srv, p
}

// The suite stores policy.ReadOnly(policy.Compute) and blockstorage reads
// on "*": on OVHcloud each exists only inside the wider
// infrastructureSupervisor role, so the harness opts in to widening
// (Harness.Translate); strict translation refuses them.

func TestConformance(t *testing.T) {
	srv := ovhfake.New(t, ovhfake.Options{})
	providertest.Run(t, providertest.Harness{
		NewProvider: func(t *testing.T) iam.Provider {
			p, err := ovh.New(t.Context(), ovh.Options{Client: srv.Client(), PageSize: 2})
			if err != nil {
				t.Fatalf("ovh.New: %v", err)
			}
			return p
		},
		Calls:       func(p iam.Provider) int { return p.(*ovh.Provider).Requests() },
		Translate:   policy.TranslateOptions{AllowWidening: true},
		Unpaged:     []string{"ListUsers", "ListGroups", "ListGroupMembers", "ListGroupsForUser", "ListAccessKeys"},
		Consistency: 1,
	})
}

// TestConformanceOAuth2 runs the suite with the provider authenticated as
// a service account (OAuth2 client credentials) instead of an application
// key.
func TestConformanceOAuth2(t *testing.T) {
	if testing.Short() {
		t.Skip("short")
	}
	srv := ovhfake.New(t, ovhfake.Options{})
	providertest.Run(t, providertest.Harness{
		NewProvider: func(t *testing.T) iam.Provider {
			p, err := ovh.New(t.Context(), ovh.Options{Endpoint: srv.Endpoint(), ClientID: ovhfake.DefaultClientID,
				ClientSecret: iam.NewSecret(ovhfake.DefaultClientSecret), TokenURL: srv.TokenURL(), PageSize: 2})
			if err != nil {
				t.Fatalf("ovh.New: %v", err)
			}
			return p
		},
		Calls:       func(p iam.Provider) int { return p.(*ovh.Provider).Requests() },
		Translate:   policy.TranslateOptions{AllowWidening: true},
		Unpaged:     []string{"ListUsers", "ListGroups", "ListGroupMembers", "ListGroupsForUser", "ListAccessKeys"},
		Consistency: 1,
	})
}
