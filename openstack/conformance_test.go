package openstack_test

import (
	"testing"

	"github.com/iamkit/iamkit/iam"
	"github.com/iamkit/iamkit/internal/keystone"
	"github.com/iamkit/iamkit/openstack"
	"github.com/iamkit/iamkit/provider/providertest"
)

// TestConformance runs the provider contract against a real Keystone, as
// its bootstrap admin.
func TestConformance(t *testing.T) {
	t.Parallel() // most of the time is spent waiting on Keystone
	srv := keystone.Start(t)
	counters := map[*openstack.Provider]*counting{}
	providertest.Run(t, providertest.Harness{
		NewProvider: func(t *testing.T) iam.Provider {
			p, c := newProvider(t, srv)
			counters[p] = c
			return p
		},
		Calls: func(p iam.Provider) int { return int(counters[p.(*openstack.Provider)].n.Load()) },
		// Keystone answers identity listings in one page.
		Unpaged: []string{"ListUsers", "ListGroups", "ListPolicies", "ListGroupMembers", "ListGroupsForUser", "ListAccessKeys", "ListAttachedPolicies"},
	})
}
