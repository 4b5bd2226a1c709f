package openstack_test

import (
	"context"
	"encoding/json"
	"errors"
	"slices"
	"testing"

	"github.com/gophercloud/gophercloud/v2/openstack/identity/v3/applicationcredentials"
	"github.com/gophercloud/gophercloud/v2/openstack/identity/v3/tokens"

	"github.com/iamkit/iamkit/iam"
	"github.com/iamkit/iamkit/internal/keystone"
	"github.com/iamkit/iamkit/openstack"
	"github.com/iamkit/iamkit/policy"
)

// TestGuideScenario follows the OVHcloud guide on a real Keystone: a
// service user, the reader role on a project, an application credential
// restricted to GET /v2.1/servers on compute; the credential then
// authenticates through gophercloud and its token is scoped to the project
// with the reader role only.
func TestGuideScenario(t *testing.T) {
	t.Parallel() // most of the time is spent waiting on Keystone
	srv := keystone.Start(t)
	p, _ := newProvider(t, srv)
	ctx := t.Context()
	user := "guide-" + randomName()
	doc := policy.Build(policy.Allowing("openstack:compute:GET:/v2.1/servers").Named("ListServers"))

	acct, err := iam.Provision(ctx, p, iam.ServiceAccount{User: user, Policy: doc})
	if err != nil {
		t.Fatalf("Provision: %v", err)
	}
	t.Cleanup(func() {
		if err := iam.Deprovision(context.Background(), p, user, iam.WithCleanup()); err != nil {
			t.Errorf("Deprovision: %v", err)
		}
	})
	if got := acct.Key.Secret.String(); got != "[REDACTED]" {
		t.Errorf("secret prints as %q", got)
	}

	// The credential as Keystone stores it: the project, the rule.
	cred, err := applicationcredentials.Get(ctx, p.ServiceClient(), userID(t, p, user), acct.Key.ID).Extract()
	if err != nil {
		t.Fatalf("get application credential: %v", err)
	}
	if cred.ProjectID != p.Project() {
		t.Errorf("credential project %q, want %q", cred.ProjectID, p.Project())
	}
	want := []applicationcredentials.AccessRule{{Service: "compute", Method: "GET", Path: "/v2.1/servers"}}
	var got []applicationcredentials.AccessRule
	for _, r := range cred.AccessRules {
		got = append(got, applicationcredentials.AccessRule{Service: r.Service, Method: r.Method, Path: r.Path})
	}
	if !slices.Equal(got, want) {
		t.Errorf("access rules %+v, want %+v", got, want)
	}

	// Authenticate with it, as a tool would from its clouds.yaml.
	auth := openstack.Auth{AuthURL: srv.AuthURL, AuthType: openstack.AuthTypeApplicationCredential,
		ApplicationCredentialID: acct.Key.ID, ApplicationCredentialSecret: acct.Key.Secret}
	pc, err := auth.Authenticate(ctx)
	if err != nil {
		t.Fatalf("authenticate with the application credential: %v", err)
	}
	res, ok := pc.GetAuthResult().(tokens.CreateResult)
	if !ok {
		t.Fatalf("auth result %T", pc.GetAuthResult())
	}
	proj, err := res.ExtractProject()
	if err != nil || proj == nil || proj.ID != p.Project() {
		t.Errorf("token project %+v (%v), want %s", proj, err, p.Project())
	}
	rs, err := res.ExtractRoles()
	if err != nil {
		t.Fatal(err)
	}
	var roles []string
	for _, r := range rs {
		roles = append(roles, r.Name)
	}
	if !slices.Equal(roles, []string{"reader"}) {
		t.Errorf("token roles %v, want [reader] only", roles)
	}

	// The policy reads back, and the user's role assignment is the
	// policy's role.
	pol, err := p.GetPolicy(ctx, user)
	if err != nil {
		t.Fatal(err)
	}
	var native openstack.Native
	if err := json.Unmarshal(pol.Native, &native); err != nil {
		t.Fatalf("native %s: %v", pol.Native, err)
	}
	if !slices.Equal(native.Roles, []string{"reader"}) {
		t.Errorf("policy roles %v", native.Roles)
	}
	if pol.Path != iam.DefaultPath {
		t.Errorf("policy path %q", pol.Path)
	}
}

// TestKeyWithoutPolicy: a user with no policy gets a key that matches no
// API, since Keystone reads no access rules as no restriction.
func TestKeyWithoutPolicy(t *testing.T) {
	t.Parallel() // most of the time is spent waiting on Keystone
	srv := keystone.Start(t)
	p, _ := newProvider(t, srv)
	ctx := t.Context()
	user := "bare-" + randomName()
	if _, err := p.CreateUser(ctx, user, nil); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = iam.Deprovision(context.Background(), p, user) })
	k, err := p.CreateAccessKey(ctx, user, nil)
	if err != nil {
		t.Fatal(err)
	}
	cred, err := applicationcredentials.Get(ctx, p.ServiceClient(), userID(t, p, user), k.ID).Extract()
	if err != nil {
		t.Fatal(err)
	}
	if len(cred.AccessRules) != 1 || cred.AccessRules[0].Service != "iamkit-none" {
		t.Errorf("access rules %+v, want the one that matches nothing", cred.AccessRules)
	}
	// Deactivation is not Keystone's: ErrUnsupported, and the key stays.
	if err := p.SetAccessKeyStatus(ctx, user, k.ID, iam.KeyInactive); !errors.Is(err, iam.ErrUnsupported) {
		t.Errorf("SetAccessKeyStatus: %v, want ErrUnsupported", err)
	}
}

func userID(t *testing.T, p *openstack.Provider, name string) string {
	t.Helper()
	u, err := p.GetUser(t.Context(), name)
	if err != nil {
		t.Fatal(err)
	}
	return u.ID
}
