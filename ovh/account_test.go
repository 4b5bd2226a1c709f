package ovh_test

import (
	"encoding/json"
	"errors"
	"testing"

	"github.com/iamkit/iamkit/iam"
	"github.com/iamkit/iamkit/ovh"
	"github.com/iamkit/iamkit/policy"
)

// TestIAMReadOnAccount grants a service account iam:List and iam:Read on
// "*" (and the native account:apiovh:me/get that go-ovh's client needs to
// read /me): the fake, enforcing each operation's x-iam-actions on the
// account, then lets it list service accounts but not create one.
func TestIAMReadOnAccount(t *testing.T) {
	srv, p := newFake(t)
	ctx := t.Context()
	doc := policy.Build(policy.Allowing("iam:List", "iam:Read", "ovh:account:apiovh:me/get").On("*"))
	acct, err := iam.Provision(ctx, p, iam.ServiceAccount{User: "auditor", Policy: doc})
	if err != nil {
		t.Fatal(err)
	}
	pol, err := p.GetPolicy(ctx, acct.Policy.Name)
	if err != nil {
		t.Fatal(err)
	}
	var n ovh.NativePolicy
	if err := json.Unmarshal(pol.Native, &n); err != nil {
		t.Fatal(err)
	}
	if len(n.Resources) != 1 || n.Resources[0].URN != ovh.AccountURN(srv.Region(), srv.NIC()) {
		t.Errorf("resources %v, want the account", n.Resources)
	}
	as, err := ovh.New(ctx, ovh.Options{Endpoint: srv.Endpoint(), ClientID: acct.Key.ID, ClientSecret: acct.Key.Secret,
		TokenURL: srv.TokenURL(), IdentityWait: -1})
	if err != nil {
		t.Fatalf("New as the service account: %v", err)
	}
	if _, err := as.GetUser(ctx, "auditor"); err != nil {
		t.Errorf("GetUser as the auditor: %v", err)
	}
	if _, err := as.CreateUser(ctx, "intruder", nil); !errors.Is(err, iam.ErrDenied) {
		t.Errorf("CreateUser as the auditor: got %v, want ErrDenied", err)
	}
}
