package openstack_test

import (
	"context"
	"errors"
	"net/http"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/gophercloud/gophercloud/v2"
	"github.com/gophercloud/gophercloud/v2/openstack/identity/v3/roles"

	"github.com/iamkit/iamkit/iam"
	"github.com/iamkit/iamkit/internal/keystone"
	"github.com/iamkit/iamkit/policy"
)

// failRoleUpdate answers every PATCH of a role with Keystone's 503,
// without sending it, while on is set.
type failRoleUpdate struct {
	base http.RoundTripper
	on   atomic.Bool
}

func (f *failRoleUpdate) RoundTrip(r *http.Request) (*http.Response, error) {
	if f.on.Load() && r.Method == http.MethodPatch && strings.Contains(r.URL.Path, "/roles/") {
		return unavailable(r), nil
	}
	return f.base.RoundTrip(r)
}

// TestUpdatePolicyRollsBackImplications: when UpdatePolicy cannot store
// the new document, the role's implied roles are those of the stored one
// again (a reader policy updated to a writer one must not be left
// implying member), and a later update starts from the truth.
func TestUpdatePolicyRollsBackImplications(t *testing.T) {
	t.Parallel() // most of the time is spent waiting on Keystone
	srv := keystone.Start(t)
	f := &failRoleUpdate{base: http.DefaultTransport}
	p := providerVia(t, srv, f)
	ctx := t.Context()
	name := "upd-" + randomName()
	pol, err := p.CreatePolicy(ctx, iam.PolicyInput{Name: name, Document: policy.ReadOnly(policy.Compute)})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = p.DeletePolicy(context.Background(), name) })
	ids := map[string]string{}
	for _, n := range []string{"reader", "member"} {
		pages, err := roles.List(p.ServiceClient(), roles.ListOpts{Name: n}).AllPages(ctx)
		if err != nil {
			t.Fatal(err)
		}
		rs, err := roles.ExtractRoles(pages)
		if err != nil || len(rs) != 1 {
			t.Fatalf("role %s: %v %v", n, rs, err)
		}
		ids[n] = rs[0].ID
	}
	implies := func(level string) bool {
		t.Helper()
		_, err := roles.GetRoleInferenceRule(ctx, p.ServiceClient(), pol.ID, ids[level]).Extract()
		if err != nil && !gophercloud.ResponseCodeIs(err, http.StatusNotFound) {
			t.Fatal(err)
		}
		return err == nil
	}
	f.on.Store(true)
	if _, err := p.UpdatePolicy(ctx, name, policy.Build(policy.Allowing("compute:Write")), policy.TranslateOptions{}); !errors.Is(err, iam.ErrThrottled) {
		t.Fatalf("UpdatePolicy: %v, want the injected ErrThrottled", err)
	}
	f.on.Store(false)
	if implies("member") || !implies("reader") {
		t.Errorf("after the failed update the policy implies member %v, reader %v; want reader only", implies("member"), implies("reader"))
	}
}
