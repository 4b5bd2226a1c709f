package ovh_test

import (
	"context"
	"encoding/json"
	"errors"
	"reflect"
	"strings"
	"testing"

	goovh "github.com/ovh/go-ovh/ovh"

	"github.com/iamkit/iamkit/iam"
	"github.com/iamkit/iamkit/ovh"
	"github.com/iamkit/iamkit/policy"
)

const project = "0f0f0f0f0f0f0f0f0f0f0f0f0f0f0f0f"

// TestGuideScenario runs the OVHcloud guide through iam.Provision: a
// service account and the infrastructureSupervisor policy on one project,
// JSON-equal to the guide's with the fake's NIC and the new client's id,
// and the guide's description behind iamkit's ownership mark ("created by
// iamkit: "; OVHcloud policies have no path nor tags to carry it).
func TestGuideScenario(t *testing.T) {
	srv, p := newFake(t)
	ctx := t.Context()
	acct, err := iam.Provision(ctx, p, iam.ServiceAccount{
		User:        "watcher_1",
		Group:       "monitoring", // ignored: service accounts cannot join groups
		Policy:      policy.OVHInfrastructureSupervisor(project),
		PolicyName:  "Demo-service-account",
		Description: "Demo for service account guide with openstack",
	})
	if err != nil {
		t.Fatal(err)
	}
	if acct.Group != nil {
		t.Errorf("Provision used group %v; service accounts cannot join groups", acct.Group.Name)
	}
	if acct.Key == nil || acct.Key.Secret.IsZero() {
		t.Fatal("no key")
	}
	var list []map[string]any
	if err := srv.Client().Get("/v2/iam/policy", &list); err != nil {
		t.Fatal(err)
	}
	var got map[string]any
	for _, pol := range list {
		if pol["name"] == "Demo-service-account" {
			got = pol
		}
	}
	if got == nil {
		t.Fatalf("policy not stored: %v", list)
	}
	// The fields the guide's request sets, as the API reads them back.
	sub := map[string]any{}
	for _, k := range []string{"name", "description", "identities", "permissions", "resources"} {
		sub[k] = got[k]
	}
	if rs, ok := sub["resources"].([]any); ok {
		for i, r := range rs {
			rs[i] = map[string]any{"urn": r.(map[string]any)["urn"]}
		}
	}
	if pm, ok := sub["permissions"].(map[string]any); ok {
		for k, v := range pm {
			if v == nil {
				delete(pm, k)
			}
		}
	}
	want := strings.NewReplacer("urn:v1:us:", "urn:v1:"+srv.Region()+":", "xx11111-ovh", srv.NIC(), "oauth2-0f0f0f0f0f0f0f0f", "oauth2-"+acct.Key.ID,
		`"description": "`, `"description": "created by iamkit: `).Replace(guidePolicy)
	var w map[string]any
	if err := json.Unmarshal([]byte(want), &w); err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(sub, w) {
		g, _ := json.Marshal(sub)
		t.Errorf("stored policy\n got: %s\nwant: %s", g, want)
	}
	if acct.User.ID != srv.CredentialURN(acct.Key.ID) {
		t.Errorf("user ID %q, want %q", acct.User.ID, srv.CredentialURN(acct.Key.ID))
	}

	// The new service account may do what the policy allows, through the
	// fake's authorization check.
	sac, err := srv.ClientCredentials(ctx, acct.Key.ID, acct.Key.Secret.Reveal())
	if err != nil {
		t.Fatal(err)
	}
	var res struct {
		AuthorizedActions   []string `json:"authorizedActions"`
		UnauthorizedActions []string `json:"unauthorizedActions"`
	}
	urn := "urn:v1:" + srv.Region() + ":resource:publicCloudProject:" + project
	if err := sac.Post("/v2/iam/resource/"+urn+"/authorization/check", map[string]any{"actions": []string{
		"publicCloudProject:openstack:compute_read", "publicCloudProject:openstack:objectstore_all"}}, &res); err != nil {
		t.Fatal(err)
	}
	if len(res.AuthorizedActions) != 1 || res.AuthorizedActions[0] != "publicCloudProject:openstack:compute_read" {
		t.Errorf("authorization check = %+v, want compute_read only", res)
	}

	// The same through the provider's Authorize.
	if err := p.Authorize(ctx, acct.Key.ID, acct.Key.Secret, "ovh:publicCloudProject:openstack:infrastructureSupervisor", "project/"+project); err != nil {
		t.Errorf("Authorize infrastructureSupervisor: %v", err)
	}
	if err := p.Authorize(ctx, acct.Key.ID, acct.Key.Secret, "ovh:publicCloudProject:openstack:objectstoreOperator", "project/"+project); !errors.Is(err, iam.ErrDenied) {
		t.Errorf("Authorize objectstoreOperator: %v, want ErrDenied", err)
	}
	if err := p.Authorize(ctx, acct.Key.ID, acct.Key.Secret, "ovh:publicCloudProject:openstack:infrastructureSupervisor", "project/other"); !errors.Is(err, iam.ErrDenied) {
		t.Errorf("Authorize on another project: %v, want ErrDenied", err)
	}
	if err := p.Authorize(ctx, acct.Key.ID, acct.Key.Secret, "compute:Read", "project/"+project); !errors.Is(err, iam.ErrInvalid) {
		t.Errorf("Authorize with a portable action: %v, want ErrInvalid", err)
	}

	// A key exists already: a second one is over the limit; Deprovision
	// removes everything.
	if _, err := p.CreateAccessKey(ctx, "watcher_1", nil); !errors.Is(err, iam.ErrLimit) {
		t.Errorf("second key: %v, want ErrLimit", err)
	}
	if err := iam.Deprovision(ctx, p, "watcher_1"); err != nil {
		t.Fatal(err)
	}
	if pol, err := p.GetPolicy(ctx, "Demo-service-account"); err != nil || pol.Path != iam.DefaultPath || pol.Description != "Demo for service account guide with openstack" {
		t.Errorf("the guide's policy is iamkit's but not named after the user: Deprovision (without cleanup) must leave it; got %+v, %v", pol, err)
	}
}

const guidePolicy = `{ "description": "Demo for service account guide with openstack", "identities": [ "urn:v1:us:identity:credential:xx11111-ovh/oauth2-0f0f0f0f0f0f0f0f" ], "name": "Demo-service-account", "permissions": { "allow": [ { "action": "publicCloudProject:openstack:infrastructureSupervisor" } ] }, "resources": [ { "urn": "urn:v1:us:resource:publicCloudProject:0f0f0f0f0f0f0f0f0f0f0f0f0f0f0f0f" } ] }`

// TestRotate replaces the service account's client: the new credential
// takes over the policy, the old client is gone.
func TestRotate(t *testing.T) {
	srv, p := newFake(t)
	ctx := t.Context()
	acct, err := iam.Provision(ctx, p, iam.ServiceAccount{User: "rot", Policy: policy.OVHInfrastructureSupervisor(project)})
	if err != nil {
		t.Fatal(err)
	}
	var delivered *iam.AccessKey
	sink := iam.SinkFunc(func(_ context.Context, d iam.Delivery) error { delivered = d.Key; return nil })
	r, err := iam.Rotate(ctx, p, "rot", iam.RotateOptions{Sink: sink})
	if err != nil {
		t.Fatal(err)
	}
	if delivered == nil || r.New.ID == acct.Key.ID || len(r.Deleted) != 1 || r.Deleted[0] != acct.Key.ID {
		t.Fatalf("rotated = %+v", r)
	}
	pols, err := iam.Collect(p.ListAttachedPolicies(ctx, iam.UserPrincipal("rot")))
	if err != nil || len(pols) != 1 {
		t.Fatalf("attached after rotation: %v %v", pols, err)
	}
	var c map[string]any
	err = srv.Client().Get("/me/api/oauth2/client/"+acct.Key.ID, &c)
	var ae *goovh.APIError
	if !errors.As(err, &ae) || ae.Code != 404 {
		t.Errorf("old client still there: %v", err)
	}
	keys, _ := iam.Collect(p.ListAccessKeys(ctx, "rot"))
	if len(keys) != 1 || keys[0].ID != r.New.ID {
		t.Errorf("keys after rotation: %v", keys)
	}
}

// TestKeyAcrossProviders: a provider that did not create the account does
// not hold its secret; CreateAccessKey replaces the client, keeping the
// policy attached.
func TestKeyAcrossProviders(t *testing.T) {
	srv, p := newFake(t)
	ctx := t.Context()
	if _, err := p.CreateUser(ctx, "other", nil); err != nil {
		t.Fatal(err)
	}
	if _, err := p.CreatePolicy(ctx, iam.PolicyInput{Name: "other", Document: policy.OVHInfrastructureSupervisor(project)}); err != nil {
		t.Fatal(err)
	}
	if err := p.AttachPolicy(ctx, "other", iam.UserPrincipal("other")); err != nil {
		t.Fatal(err)
	}
	p2, err := ovh.New(ctx, ovh.Options{Client: srv.Client()})
	if err != nil {
		t.Fatal(err)
	}
	k, err := p2.CreateAccessKey(ctx, "other", nil)
	if err != nil {
		t.Fatal(err)
	}
	u, _ := p2.GetUser(ctx, "other")
	if u.ID != srv.CredentialURN(k.ID) {
		t.Errorf("user %q, key %q", u.ID, k.ID)
	}
	pols, err := iam.Collect(p2.ListAttachedPolicies(ctx, iam.UserPrincipal("other")))
	if err != nil || len(pols) != 1 {
		t.Errorf("attached: %v %v", pols, err)
	}
	if _, err := srv.ClientCredentials(ctx, k.ID, k.Secret.Reveal()); err != nil {
		t.Errorf("the new credential does not work: %v", err)
	}
}
