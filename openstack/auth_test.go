package openstack_test

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"strings"
	"testing"

	"github.com/gophercloud/gophercloud/v2"
	gos "github.com/gophercloud/gophercloud/v2/openstack"
	"github.com/gophercloud/gophercloud/v2/openstack/identity/v3/applicationcredentials"
	"github.com/gophercloud/gophercloud/v2/openstack/identity/v3/tokens"

	"github.com/iamkit/iamkit/iam"
	"github.com/iamkit/iamkit/internal/keystone"
	"github.com/iamkit/iamkit/openstack"
)

// Printing an Auth never shows a secret, whatever the verb or encoding.
func TestAuthRedaction(t *testing.T) {
	secrets := []string{"pw-PRINT-me-not", "acs-PRINT-me-not", "tok-PRINT-me-not", "cs-PRINT-me-not"}
	a := openstack.Auth{
		AuthURL:                     "https://keystone.example/v3",
		Username:                    "admin",
		Password:                    iam.NewSecret(secrets[0]),
		ApplicationCredentialSecret: iam.NewSecret(secrets[1]),
		Token:                       iam.NewSecret(secrets[2]),
		ClientSecret:                iam.NewSecret(secrets[3]),
	}
	js, err := json.Marshal(a)
	if err != nil {
		t.Fatal(err)
	}
	var log strings.Builder
	slog.New(slog.NewJSONHandler(&log, nil)).Info("auth", "auth", a)
	outputs := map[string]string{
		"%v": fmt.Sprintf("%v", a), "%+v": fmt.Sprintf("%+v", a), "%#v": fmt.Sprintf("%#v", a),
		"pointer %+v": fmt.Sprintf("%+v", &a), "json": string(js), "slog": log.String(),
	}
	for how, out := range outputs {
		for _, s := range secrets {
			if strings.Contains(out, s) || strings.Contains(out, fmt.Sprintf("%x", s)) {
				t.Errorf("%s shows secret %q: %s", how, s, out)
			}
		}
	}
	if !strings.Contains(string(js), `"password":"[REDACTED]"`) || !strings.Contains(string(js), `"client_secret":"[REDACTED]"`) {
		t.Errorf("JSON does not mark the secrets as present: %s", js)
	}
	if strings.Contains(string(js), "http_client") || strings.Contains(string(js), "HTTPClient") {
		t.Errorf("JSON has the HTTP client: %s", js)
	}
	if a.Password.Reveal() != secrets[0] {
		t.Error("Reveal lost the password")
	}
}

// Validate infers the auth type as openstacksdk does and names what is
// missing.
func TestAuthValidate(t *testing.T) {
	base := "http://keystone.example/v3"
	tests := []struct {
		name string
		auth openstack.Auth
		want string // "" for valid, else a part of the message
	}{
		{"password", openstack.Auth{AuthURL: base, UserID: "u", Password: iam.NewSecret("p")}, ""},
		{"inferred application credential", openstack.Auth{AuthURL: base, ApplicationCredentialID: "id"}, "application_credential_secret"},
		{"inferred token", openstack.Auth{AuthURL: base, Token: iam.NewSecret("t")}, ""},
		{"inferred password", openstack.Auth{AuthURL: base, Username: "u", Password: iam.NewSecret("p")}, "user_domain_name or user_domain_id"},
		{"domain as user domain", openstack.Auth{AuthURL: base, Username: "u", Password: iam.NewSecret("p"), ProjectName: "p", DomainName: "Default"}, ""},
		{"v3token without token", openstack.Auth{AuthURL: base, AuthType: "v3token"}, "token auth needs token"},
		{"no auth_url", openstack.Auth{Token: iam.NewSecret("t")}, "auth_url"},
		{"unknown type", openstack.Auth{AuthURL: base, AuthType: "v3oidcpassword"}, `unknown auth type "v3oidcpassword"`},
		{"bad interface", openstack.Auth{AuthURL: base, Token: iam.NewSecret("t"), Interface: "private"}, "interface"},
		{"oidc complete", openstack.Auth{AuthURL: base, AuthType: "v3oidcclientcredentials", IdentityProvider: "i", Protocol: "openid",
			ClientID: "c", ClientSecret: iam.NewSecret("s"), AccessTokenEndpoint: "http://idp/token", ProjectID: "p"}, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := tt.auth.Validate()
			switch {
			case tt.want == "" && err != nil:
				t.Errorf("Validate: %v", err)
			case tt.want != "" && (!errors.Is(err, iam.ErrInvalid) || !strings.Contains(err.Error(), tt.want)):
				t.Errorf("Validate = %v, want ErrInvalid saying %q", err, tt.want)
			}
			if tt.want != "" {
				// Authenticate refuses the same without a call.
				if _, err := tt.auth.Authenticate(context.Background()); !errors.Is(err, iam.ErrInvalid) {
					t.Errorf("Authenticate = %v", err)
				}
			}
		})
	}
}

func TestAuthEndpointOpts(t *testing.T) {
	for iface, want := range map[string]gophercloud.Availability{
		"": gophercloud.AvailabilityPublic, "public": gophercloud.AvailabilityPublic,
		"internal": gophercloud.AvailabilityInternal, "adminURL": gophercloud.AvailabilityAdmin,
	} {
		eo := openstack.Auth{RegionName: "RegionOne", Interface: iface}.EndpointOpts()
		if eo.Availability != want || eo.Region != "RegionOne" {
			t.Errorf("interface %q: %+v", iface, eo)
		}
	}
}

// Password, application-credential and token auth against a real Keystone.
func TestAuthenticateKeystone(t *testing.T) {
	srv := keystone.Start(t)
	ctx := context.Background()
	admin := openstack.Auth{
		AuthURL:           srv.AuthURL,
		Username:          srv.Username,
		Password:          iam.NewSecret(srv.Password),
		UserDomainName:    srv.UserDomainName,
		ProjectName:       srv.ProjectName,
		ProjectDomainName: srv.ProjectDomainName,
		RegionName:        srv.Region,
	}
	// scopeOf returns the project and user of pc's token.
	scopeOf := func(t *testing.T, pc *gophercloud.ProviderClient) (project, user string) {
		t.Helper()
		res, ok := pc.GetAuthResult().(tokens.CreateResult)
		if !ok {
			t.Fatalf("auth result %T", pc.GetAuthResult())
		}
		p, err := res.ExtractProject()
		if err != nil {
			t.Fatal(err)
		}
		u, err := res.ExtractUser()
		if err != nil {
			t.Fatal(err)
		}
		if p == nil {
			return "", u.ID
		}
		return p.ID, u.ID
	}

	pc, err := admin.Authenticate(ctx)
	if err != nil {
		t.Fatalf("password: %v", err)
	}
	adminProject, adminUser := scopeOf(t, pc)
	if adminProject == "" || pc.Token() == "" || pc.ReauthFunc == nil {
		t.Fatalf("password: project %q, token set %v, reauth %v", adminProject, pc.Token() != "", pc.ReauthFunc != nil)
	}
	identity, err := gos.NewIdentityV3(pc, admin.EndpointOpts())
	if err != nil {
		t.Fatalf("catalog: %v", err)
	}

	t.Run("password reauth", func(t *testing.T) {
		old := pc.Token()
		if err := pc.Reauthenticate(ctx, old); err != nil {
			t.Fatal(err)
		}
		if pc.Token() == "" || pc.Token() == old {
			t.Error("reauthentication did not renew the token")
		}
	})

	t.Run("password from OS_* variables", func(t *testing.T) {
		for _, kv := range srv.Environ() {
			k, v, _ := strings.Cut(kv, "=")
			t.Setenv(k, v)
		}
		t.Setenv("OS_CLOUD", "")
		a, err := openstack.LoadAuth("")
		if err != nil {
			t.Fatal(err)
		}
		pc, err := a.Authenticate(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if p, _ := scopeOf(t, pc); p != adminProject {
			t.Errorf("project %q, want %q", p, adminProject)
		}
	})

	t.Run("bad password", func(t *testing.T) {
		bad := admin
		bad.Password = iam.NewSecret("pw-WRONG-never-print")
		_, err := bad.Authenticate(ctx)
		if !errors.Is(err, iam.ErrDenied) || strings.Contains(err.Error(), "pw-WRONG-never-print") {
			t.Errorf("error %v", err)
		}
		var code gophercloud.ErrUnexpectedResponseCode
		if !errors.As(err, &code) || code.Actual != 401 {
			t.Errorf("gophercloud's error not reachable: %#v", err)
		}
	})

	t.Run("application credential", func(t *testing.T) {
		const secret = "ac-S3CRET-keystone-test"
		ac, err := applicationcredentials.Create(ctx, identity, adminUser, applicationcredentials.CreateOpts{
			Name: "iamkit-auth-test", Secret: secret,
			Roles: []applicationcredentials.Role{{Name: "reader"}},
		}).Extract()
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { applicationcredentials.Delete(context.Background(), identity, adminUser, ac.ID) })

		byID := openstack.Auth{AuthURL: srv.AuthURL, ApplicationCredentialID: ac.ID, ApplicationCredentialSecret: iam.NewSecret(secret)}
		byName := openstack.Auth{AuthURL: srv.AuthURL, AuthType: openstack.AuthTypeApplicationCredential,
			ApplicationCredentialName: ac.Name, Username: srv.Username, UserDomainName: srv.UserDomainName,
			ApplicationCredentialSecret: iam.NewSecret(secret)}
		for name, a := range map[string]openstack.Auth{"by id": byID, "by name": byName} {
			pc, err := a.Authenticate(ctx)
			if err != nil {
				t.Fatalf("%s: %v", name, err)
			}
			if p, _ := scopeOf(t, pc); p != adminProject {
				t.Errorf("%s: project %q, want the credential's %q", name, p, adminProject)
			}
			roles, err := pc.GetAuthResult().(tokens.CreateResult).ExtractRoles()
			if err != nil || len(roles) == 0 {
				t.Fatalf("%s: roles %v, %v", name, roles, err)
			}
			for _, r := range roles {
				if r.Name == "admin" || r.Name == "member" {
					t.Errorf("%s: the token has role %q, beyond the credential's reader", name, r.Name)
				}
			}
			if pc.ReauthFunc == nil {
				t.Errorf("%s: no ReauthFunc", name)
			}
		}

		wrong := byID
		wrong.ApplicationCredentialSecret = iam.NewSecret("ac-WRONG-never-print")
		_, err = wrong.Authenticate(ctx)
		if !errors.Is(err, iam.ErrDenied) || strings.Contains(err.Error(), "ac-WRONG-never-print") {
			t.Errorf("wrong secret: %v", err)
		}
	})

	t.Run("token", func(t *testing.T) {
		tok := iam.NewSecret(pc.Token())
		scoped := openstack.Auth{AuthURL: srv.AuthURL, Token: tok, ProjectID: adminProject}
		got, err := scoped.Authenticate(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if p, _ := scopeOf(t, got); p != adminProject {
			t.Errorf("project %q", p)
		}
		// An unscoped pass-through token keeps its own scope and cannot renew.
		plain := openstack.Auth{AuthURL: srv.AuthURL, AuthType: openstack.AuthTypeV3Token, Token: tok}
		got, err = plain.Authenticate(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if got.Token() != tok.Reveal() || got.ReauthFunc != nil {
			t.Errorf("pass-through token: same %v, reauth %v", got.Token() == tok.Reveal(), got.ReauthFunc != nil)
		}
		bad := openstack.Auth{AuthURL: srv.AuthURL, Token: iam.NewSecret("gAAAAA-not-a-token-never-print"), ProjectID: adminProject}
		_, err = bad.Authenticate(ctx)
		if !errors.Is(err, iam.ErrDenied) || strings.Contains(err.Error(), "gAAAAA-not-a-token-never-print") {
			t.Errorf("bad token: %v", err)
		}
	})
}
