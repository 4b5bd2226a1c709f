package openstack_test

import (
	"context"
	"slices"
	"testing"

	"github.com/iamkit/iamkit/iam"
	"github.com/iamkit/iamkit/internal/keystone"
	"github.com/iamkit/iamkit/policy"
)

// TestNarrowingRevokesKeys: an application credential keeps the access
// rules it was made with, so each change that narrows a user's rights
// deletes the iamkit keys those rules exceed, and only those.
func TestNarrowingRevokesKeys(t *testing.T) {
	t.Parallel() // most of the time is spent waiting on Keystone
	srv := keystone.Start(t)
	p, _ := newProvider(t, srv)
	ctx := t.Context()
	readBoth := policy.ReadOnly(policy.Compute, policy.Image)
	readImages := policy.ReadOnly(policy.Image)
	keyIDs := func(user string) []string {
		t.Helper()
		keys, err := iam.Collect(p.ListAccessKeys(ctx, user))
		if err != nil {
			t.Fatal(err)
		}
		var ids []string
		for _, k := range keys {
			ids = append(ids, k.ID)
		}
		return ids
	}
	for _, tc := range []struct {
		name   string
		group  bool
		narrow func(t *testing.T, user, group string) error
		// widen leaves the key as it is: widening needs a new key.
		revoked bool
	}{
		{"update narrows the policy", true, func(t *testing.T, user, group string) error {
			_, err := p.UpdatePolicy(ctx, group, readImages, policy.TranslateOptions{})
			return err
		}, true},
		{"update widens the policy", true, func(t *testing.T, user, group string) error {
			_, err := p.UpdatePolicy(ctx, group, policy.ReadOnly(policy.Compute, policy.Image, policy.Network), policy.TranslateOptions{})
			return err
		}, false},
		{"detach from the group", true, func(t *testing.T, user, group string) error {
			return p.DetachPolicy(ctx, group, iam.GroupPrincipal(group))
		}, true},
		{"leave the group", true, func(t *testing.T, user, group string) error {
			return p.RemoveUserFromGroup(ctx, group, user)
		}, true},
		{"detach from the user", false, func(t *testing.T, user, group string) error {
			return p.DetachPolicy(ctx, user, iam.UserPrincipal(user))
		}, true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			user := "nr-" + randomName()
			sa := iam.ServiceAccount{User: user, Policy: readBoth}
			if tc.group {
				sa.Group = user + "-g"
			}
			acct, err := iam.Provision(ctx, p, sa)
			if err != nil {
				t.Fatal(err)
			}
			t.Cleanup(func() {
				if err := iam.Deprovision(context.Background(), p, user, iam.WithCleanup()); err != nil {
					t.Errorf("Deprovision: %v", err)
				}
			})
			if err := tc.narrow(t, user, sa.Group); err != nil {
				t.Fatalf("change: %v", err)
			}
			kept := slices.Contains(keyIDs(user), acct.Key.ID)
			if kept == tc.revoked {
				t.Errorf("key kept = %v, want %v", kept, !tc.revoked)
			}
		})
	}
}
