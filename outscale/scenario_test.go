package outscale_test

import (
	"context"
	"errors"
	"net/http"
	"strings"
	"testing"

	osc "github.com/outscale/osc-sdk-go/v2"

	"github.com/iamkit/iamkit/iam"
	"github.com/iamkit/iamkit/internal/oscfake"
	"github.com/iamkit/iamkit/outscale"
	"github.com/iamkit/iamkit/policy"
	"github.com/iamkit/iamkit/provider"
)

// guideAccount is the Outscale guide "Managing Access for Cloud
// Automation", verbatim: group monitoring, policy monitoring
// ({"Statement":[{"Effect":"Allow","Action":["api:Read*"],"Resource":["*"]}]}
// with the description "Allows Read calls"), linked to the group, user
// watcher_1 in the group, and an access key.
var guideAccount = iam.ServiceAccount{
	User: "watcher_1", Group: "monitoring", PolicyName: "monitoring",
	Description: "Allows Read calls", Policy: guideDoc,
}

func TestGuideScenario(t *testing.T) {
	for _, region := range []string{"eu-west-2", "cloudgouv-eu-west-1"} {
		t.Run(region, func(t *testing.T) {
			srv, p := newFake(t, oscfake.Options{Region: region})
			ctx := t.Context()
			acct, err := iam.Provision(ctx, p, guideAccount)
			if err != nil {
				t.Fatal(err)
			}
			want := []string{"create group/monitoring", "create policy/monitoring", "attach policy/monitoring to group/monitoring",
				"create user/watcher_1", "add user/watcher_1 to group/monitoring", "create access key for user/watcher_1"}
			if strings.Join(acct.Changes, "|") != strings.Join(want, "|") {
				t.Errorf("changes %q, want %q", acct.Changes, want)
			}
			if acct.Policy.ID != "orn:ows:idauth::"+srv.AccountID()+":policy"+iam.DefaultPath+"monitoring" {
				t.Errorf("policy ORN %q", acct.Policy.ID)
			}
			for op, n := range map[string]int{"CreateUserGroup": 1, "CreatePolicy": 1, "LinkManagedPolicyToUserGroup": 1, "CreateUser": 1, "AddUserToUserGroup": 1, "CreateAccessKey": 1} {
				if got := srv.Calls(op); got != n {
					t.Errorf("Calls(%s) = %d, want %d", op, got, n)
				}
			}
			// The stored document is the guide's, byte for byte.
			pol, err := p.GetPolicy(ctx, "monitoring")
			if err != nil {
				t.Fatal(err)
			}
			if string(pol.Native) != `{"Statement":[{"Effect":"Allow","Action":["api:Read*"],"Resource":["*"]}]}` {
				t.Errorf("stored document %s", pol.Native)
			}
			// The watcher's key reads VMs and is refused DeleteVms.
			wc, wctx := srv.ClientWithKey(acct.Key.ID, acct.Key.Secret.Reveal())
			if _, _, err := wc.VmApi.ReadVms(wctx).ReadVmsRequest(osc.ReadVmsRequest{}).Execute(); err != nil {
				t.Errorf("ReadVms with the watcher key: %v", err)
			}
			_, resp, err := wc.VmApi.DeleteVms(wctx).DeleteVmsRequest(osc.DeleteVmsRequest{VmIds: []string{"i-12345678"}}).Execute()
			if err == nil || resp == nil || resp.StatusCode != http.StatusUnauthorized {
				t.Errorf("DeleteVms with the watcher key: %v, want 401", err)
			}
			// Again: nothing changes, no second key.
			again, err := iam.Provision(ctx, p, guideAccount)
			if err != nil || len(again.Changes) != 0 || !again.KeyExisted {
				t.Fatalf("second Provision: %v, changes %v", err, again)
			}
			if err := iam.Deprovision(ctx, p, "watcher_1"); err != nil {
				t.Fatal(err)
			}
		})
	}
}

// TestProvisionRollback fails each step of the guide's Provision in turn
// and checks that nothing is left behind.
func TestProvisionRollback(t *testing.T) {
	steps := []string{"CreateUserGroup", "CreatePolicy", "LinkManagedPolicyToUserGroup", "CreateUser", "AddUserToUserGroup", "CreateAccessKey"}
	for _, step := range steps {
		t.Run(step, func(t *testing.T) {
			srv, p := newFake(t, oscfake.Options{Region: "eu-west-3"})
			ctx := t.Context()
			srv.FailNext(step, "AccessDenied")
			_, err := iam.Provision(ctx, p, guideAccount)
			var we *iam.WorkflowError
			if !errors.As(err, &we) || !errors.Is(err, iam.ErrDenied) {
				t.Fatalf("Provision = %v, want a WorkflowError of kind denied", err)
			}
			if len(we.Left) > 0 {
				t.Fatalf("left behind: %v", we.Left)
			}
			assertEmpty(t, ctx, p)
		})
	}
}

func assertEmpty(t *testing.T, ctx context.Context, p *outscale.Provider) {
	t.Helper()
	us, err := iam.Collect(p.ListUsers(ctx))
	gs, err2 := iam.Collect(p.ListGroups(ctx))
	ps, err3 := iam.Collect(p.ListPolicies(ctx))
	if err := errors.Join(err, err2, err3); err != nil {
		t.Fatal(err)
	}
	if len(us)+len(gs)+len(ps) > 0 {
		t.Errorf("left behind: %d users, %d groups, %d policies", len(us), len(gs), len(ps))
	}
}

// TestMonitoringExample does what examples/monitoring does (through
// examples/internal/scenario.Run, which this package cannot import): open
// the provider by URL, with the fake's root credentials in OSC_* variables
// and a region other than eu-west-2, translate, provision, deprovision.
func TestMonitoringExample(t *testing.T) {
	srv := oscfake.New(t, oscfake.Options{Region: "us-east-2"})
	ak, sk := srv.RootCredentials()
	t.Setenv(outscale.EnvAccessKey, ak)
	t.Setenv(outscale.EnvSecretKey, sk)
	t.Setenv(outscale.EnvConfigFile, t.TempDir()+"/none.json")
	t.Setenv(outscale.EnvProfile, "")
	ctx := t.Context()
	p, err := provider.Open(ctx, "outscale://us-east-2?endpoint="+srv.Endpoint())
	if err != nil {
		t.Fatal(err)
	}
	acct := iam.ServiceAccount{User: "watcher_1", Group: "monitoring", Policy: policy.ReadOnly(policy.Compute), Description: "Allows Read calls"}
	tr, err := p.Translator().Translate(acct.Policy, acct.Translate)
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("translation: %s", tr.Report)
	got, err := iam.Provision(ctx, p, acct)
	if err != nil {
		t.Fatal(err)
	}
	if len(got.Changes) != 6 || got.Key.Secret.IsZero() {
		t.Errorf("Provision = %+v", got)
	}
	wc, wctx := srv.ClientWithKey(got.Key.ID, got.Key.Secret.Reveal())
	if _, _, err := wc.VmApi.ReadVms(wctx).ReadVmsRequest(osc.ReadVmsRequest{}).Execute(); err != nil {
		t.Errorf("ReadVms with the watcher key: %v", err)
	}
	if _, _, err := wc.VmApi.DeleteVms(wctx).DeleteVmsRequest(osc.DeleteVmsRequest{VmIds: []string{"i-12345678"}}).Execute(); err == nil {
		t.Errorf("DeleteVms with the watcher key succeeded")
	}
	if err := iam.Deprovision(ctx, p, "watcher_1"); err != nil {
		t.Fatal(err)
	}
}

func TestOpenURL(t *testing.T) {
	ctx := t.Context()
	t.Setenv(outscale.EnvAccessKey, "AK")
	t.Setenv(outscale.EnvSecretKey, "SK")
	t.Setenv(outscale.EnvConfigFile, t.TempDir()+"/none.json")
	p, err := provider.Open(ctx, "outscale://eu-west-2?profile=")
	if err != nil {
		t.Fatal(err)
	}
	if p.Name() != "outscale" || p.(*outscale.Provider).Region() != "eu-west-2" ||
		p.(*outscale.Provider).Endpoint() != "https://api.eu-west-2.outscale.com/api/v1" {
		t.Errorf("opened %v", p)
	}
	for _, bad := range []string{"outscale://eu-west-2?foo=1", "outscale://eu-west-2/x", "outscale://eu-west-2?profile=nope",
		"outscale://eu-west-2?profile=&profile=other", "outscale://eu-west-2?endpoint=https://a&endpoint=https://b"} {
		if _, err := provider.Open(ctx, bad); !errors.Is(err, iam.ErrInvalid) {
			t.Errorf("Open(%q) = %v, want ErrInvalid", bad, err)
		}
	}
}
