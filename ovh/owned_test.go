package ovh_test

import (
	"errors"
	"testing"

	"github.com/iamkit/iamkit/iam"
	"github.com/iamkit/iamkit/internal/ovhfake"
	"github.com/iamkit/iamkit/policy"
)

// rawPolicy is a policy made outside iamkit, as the API takes it.
func rawPolicy(name, desc string) map[string]any {
	p := map[string]any{
		"name": name, "identities": []string{},
		"resources":   []map[string]string{{"urn": "urn:v1:eu:resource:publicCloudProject:" + project}},
		"permissions": map[string]any{"allow": []map[string]string{{"action": "publicCloudProject:openstack:infrastructureSupervisor"}}},
	}
	if desc != "" {
		p["description"] = desc
	}
	return p
}

// TestPolicyOwnership: the description marks iamkit's policies, whoever
// reads them; nothing else (a name, a missing description) does.
func TestPolicyOwnership(t *testing.T) {
	srv, p := newFake(t)
	ctx := t.Context()
	root := srv.Client()
	cases := []struct {
		name, stored string // stored: the description as the API keeps it
		create       func(name string) error
		wantDesc     string
		wantOwned    bool
	}{
		{"made-no-desc", "created by iamkit", func(n string) error {
			_, err := p.CreatePolicy(ctx, iam.PolicyInput{Name: n, Document: policy.OVHInfrastructureSupervisor(project)})
			return err
		}, "", true},
		{"made-with-desc", "created by iamkit: watchers of the CI", func(n string) error {
			_, err := p.CreatePolicy(ctx, iam.PolicyInput{Name: n, Description: "watchers of the CI", Document: policy.OVHInfrastructureSupervisor(project)})
			return err
		}, "watchers of the CI", true},
		// Made by an earlier iamkit without a description: the same mark.
		{"legacy", "created by iamkit", func(n string) error { return root.Post("/v2/iam/policy", rawPolicy(n, "created by iamkit"), nil) }, "", true},
		{"by-hand", "Demo for service account guide", func(n string) error {
			return root.Post("/v2/iam/policy", rawPolicy(n, "Demo for service account guide"), nil)
		}, "Demo for service account guide", false},
		{"by-hand-no-desc", "", func(n string) error { return root.Post("/v2/iam/policy", rawPolicy(n, ""), nil) }, "", false},
		{"mark-inside", "not created by iamkit", func(n string) error {
			return root.Post("/v2/iam/policy", rawPolicy(n, "not created by iamkit"), nil)
		}, "not created by iamkit", false},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			if err := c.create(c.name); err != nil {
				t.Fatal(err)
			}
			var raw struct {
				ID, Description string
			}
			for _, s := range rawPolicies(t, srv) {
				if s.Name == c.name {
					raw.ID, raw.Description = s.ID, s.Description
				}
			}
			if raw.Description != c.stored {
				t.Errorf("stored description %q, want %q", raw.Description, c.stored)
			}
			// A provider that did not create it reads the same.
			pol, err := p.GetPolicy(ctx, c.name)
			if err != nil {
				t.Fatal(err)
			}
			if pol.Description != c.wantDesc || (pol.Path == iam.DefaultPath) != c.wantOwned {
				t.Errorf("GetPolicy: Description %q Path %q, want %q and owned %v", pol.Description, pol.Path, c.wantDesc, c.wantOwned)
			}
		})
	}
	// UpdatePolicy keeps the mark.
	if _, err := p.UpdatePolicy(ctx, "made-with-desc", policy.OVHInfrastructureSupervisor("fedcba9876543210fedcba9876543210"), policy.TranslateOptions{}); err != nil {
		t.Fatal(err)
	}
	if pol, err := p.GetPolicy(ctx, "made-with-desc"); err != nil || pol.Path != iam.DefaultPath || pol.Description != "watchers of the CI" {
		t.Errorf("after UpdatePolicy: %+v %v, want still iamkit's", pol, err)
	}
}

// TestDeprovisionLeavesForeignPolicy: a policy named after the service
// account but made by hand is not iamkit's, even attached to it:
// Deprovision detaches it and leaves it.
func TestDeprovisionLeavesForeignPolicy(t *testing.T) {
	srv, p := newFake(t)
	ctx := t.Context()
	if _, err := p.CreateUser(ctx, "watcher_2", nil); err != nil {
		t.Fatal(err)
	}
	if err := srv.Client().Post("/v2/iam/policy", rawPolicy("watcher_2", "made by the operator"), nil); err != nil {
		t.Fatal(err)
	}
	if err := p.AttachPolicy(ctx, "watcher_2", iam.UserPrincipal("watcher_2")); err != nil {
		t.Fatal(err)
	}
	if err := iam.Deprovision(ctx, p, "watcher_2"); err != nil {
		t.Fatal(err)
	}
	pol, err := p.GetPolicy(ctx, "watcher_2")
	if err != nil {
		t.Fatalf("the operator's policy after Deprovision: %v, want kept", err)
	}
	if pol.Path != "" {
		t.Errorf("the operator's policy: Path %q, want none", pol.Path)
	}
	if _, err := p.GetUser(ctx, "watcher_2"); !errors.Is(err, iam.ErrNotFound) {
		t.Errorf("user after Deprovision: %v", err)
	}
}

// storedPolicy is the part of a stored policy the tests read.
type storedPolicy struct {
	ID, Name, Description string
}

// rawPolicies lists the account's policies as the API stores them.
func rawPolicies(t *testing.T, srv *ovhfake.Server) []storedPolicy {
	t.Helper()
	var out []storedPolicy
	if err := srv.Client().Get("/v2/iam/policy", &out); err != nil {
		t.Fatal(err)
	}
	return out
}
