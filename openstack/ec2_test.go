package openstack_test

import (
	"context"
	"errors"
	"testing"

	"github.com/iamkit/iamkit/iam"
	"github.com/iamkit/iamkit/internal/keystone"
	"github.com/iamkit/iamkit/openstack"
	"github.com/iamkit/iamkit/policy"
	"github.com/iamkit/iamkit/provider/providertest"
)

// ec2Provider returns a provider whose keys are EC2 credentials.
func ec2Provider(t testing.TB, srv *keystone.Server, wide bool) (*openstack.Provider, *counting) {
	t.Helper()
	return keysProvider(t, srv, openstack.EC2Credentials, wide)
}

// TestConformanceEC2 runs the clauses of the contract that keys take part
// in with EC2 credentials (allowed wider than the suite's policies: the
// suite's users have none). Groups, policies, paging and names do not
// depend on the kind of key, and TestConformance covers them.
func TestConformanceEC2(t *testing.T) {
	t.Parallel() // most of the time is spent waiting on Keystone
	if testing.Short() {
		t.Skip("short")
	}
	srv := keystone.Start(t)
	counters := map[*openstack.Provider]*counting{}
	providertest.Run(t, providertest.Harness{
		NewProvider: func(t *testing.T) iam.Provider {
			p, c := ec2Provider(t, srv, true)
			counters[p] = c
			return p
		},
		Calls:   func(p iam.Provider) int { return int(counters[p.(*openstack.Provider)].n.Load()) },
		Unpaged: []string{"ListUsers", "ListGroups", "ListPolicies", "ListGroupMembers", "ListGroupsForUser", "ListAccessKeys", "ListAttachedPolicies"},
		Clauses: []string{"Users", "AccessKeys", "InvalidInput", "Concurrency", "Cancellation", "Errors", "Secrets", "Unsupported", "Workflows"},
	})
}

// TestEC2Width: an EC2 credential carries the user's roles, so it is
// refused when they grant more than the user's policies, unless
// AllowWideKeys.
func TestEC2Width(t *testing.T) {
	t.Parallel() // most of the time is spent waiting on Keystone
	srv := keystone.Start(t)
	strict, _ := ec2Provider(t, srv, false)
	wide, _ := ec2Provider(t, srv, true)
	all := policy.FullAccess(policy.Compute, policy.Image, policy.BlockStorage, policy.Network, policy.ObjectStorage)
	for _, tc := range []struct {
		name string
		p    *openstack.Provider
		doc  policy.Document
		want error
	}{
		{"read-only compute is narrower than the reader role", strict, policy.ReadOnly(policy.Compute), iam.ErrInvalid},
		// The reader role also reads what the model files under
		// Permissions, such as a server's password.
		{"read-only on every service is narrower than the reader role", strict, policy.ReadOnly(policy.AnyService), iam.ErrInvalid},
		// Member also changes the services outside the catalog: the key
		// manager, orchestration, load balancers.
		{"the catalog's services are narrower than the member role", strict, all, iam.ErrInvalid},
		{"every service matches the member role", strict, policy.FullAccess(policy.AnyService), nil},
		{"wider with AllowWideKeys", wide, policy.ReadOnly(policy.Compute), nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			user := "ec2-" + randomName()
			acct, err := iam.Provision(t.Context(), tc.p, iam.ServiceAccount{User: user, Policy: tc.doc})
			if err == nil {
				t.Cleanup(func() { _ = iam.Deprovision(context.Background(), tc.p, user, iam.WithCleanup()) })
			}
			if !errors.Is(err, tc.want) && !(err == nil && tc.want == nil) {
				t.Fatalf("Provision: %v, want %v", err, tc.want)
			}
			if err != nil {
				if _, gerr := tc.p.GetUser(t.Context(), user); !errors.Is(gerr, iam.ErrNotFound) {
					t.Errorf("refused account left behind: %v", gerr)
				}
				return
			}
			keys, err := iam.Collect(tc.p.ListAccessKeys(t.Context(), user))
			if err != nil || len(keys) != 1 || keys[0].ID != acct.Key.ID || keys[0].CreatedAt.IsZero() {
				t.Errorf("listed %+v (%v), want the key %s with its creation time", keys, err, acct.Key.ID)
			}
		})
	}
}

// TestEC2WidthAcrossPolicies: a policy implying member whose writes
// another policy denies leaves rules that only read, but the credential
// still carries member: refused.
func TestEC2WidthAcrossPolicies(t *testing.T) {
	t.Parallel() // most of the time is spent waiting on Keystone
	srv := keystone.Start(t)
	p, _ := ec2Provider(t, srv, false)
	ctx := t.Context()
	var denies []policy.Action
	for _, svc := range []string{"compute", "image", "volumev3", "network", "object-store"} {
		for _, m := range []string{"POST", "PUT", "PATCH", "DELETE"} {
			denies = append(denies, policy.Action("openstack:"+svc+":"+m+":/*"))
		}
	}
	user, full, noWrites := "ec2x-"+randomName(), "full-"+randomName(), "nowrite-"+randomName()
	docs := map[string]policy.Document{
		full:     policy.FullAccess(policy.Compute, policy.Image, policy.BlockStorage, policy.Network, policy.ObjectStorage),
		noWrites: {Version: policy.Version, Statements: []policy.Statement{{Effect: policy.Deny, Actions: denies, Resources: []policy.Resource{"*"}}}},
	}
	if _, err := p.CreateUser(ctx, user, nil); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		_ = iam.Deprovision(context.Background(), p, user, iam.WithCleanup())
		_ = p.DeletePolicy(context.Background(), noWrites)
	})
	for name, doc := range docs {
		if _, err := p.CreatePolicy(ctx, iam.PolicyInput{Name: name, Document: doc}); err != nil {
			t.Fatal(err)
		}
		if err := p.AttachPolicy(ctx, name, iam.UserPrincipal(user)); err != nil {
			t.Fatal(err)
		}
	}
	k, err := p.CreateAccessKey(ctx, user, nil)
	if !errors.Is(err, iam.ErrInvalid) {
		t.Errorf("CreateAccessKey: %v, want ErrInvalid (the credential would carry member)", err)
	}
	if k != nil {
		_ = p.DeleteAccessKey(context.Background(), user, k.ID)
	}
	if keys, err := iam.Collect(p.ListAccessKeys(ctx, user)); err != nil || len(keys) != 0 {
		t.Errorf("keys after the refusal: %v (%v)", keys, err)
	}
}
