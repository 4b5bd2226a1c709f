package openstack

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"

	"github.com/gophercloud/gophercloud/v2"
	"github.com/gophercloud/gophercloud/v2/openstack/identity/v3/tokens"

	"github.com/iamkit/iamkit/iam"
)

// Distinctive values, so that a test can prove none leaks into an error.
const (
	fakeClientID     = "0f0f0f0f0f0f0f0f"
	fakeClientSecret = "cs-S3CRET-0f0f-never-print"
	fakeProjectID    = "0f0f0f0f0f0f0f0f0f0f0f0f0f0f0f0f"
	fakeIdP          = "ovhcloud-emea"
	fakeProtocol     = "openid"
)

// fakeOIDC plays an OpenID Connect provider (discovery and token
// endpoints) and Keystone (federation auth, POST /v3/auth/tokens, and one
// API call to check the token), with the documented request and answer
// shapes. Its knobs make each step fail.
type fakeOIDC struct {
	t        *testing.T
	idp, ks  *httptest.Server
	mu       sync.Mutex
	grants   int // token endpoint calls
	scoped   int // scoped tokens issued
	disc     int // discovery calls
	lastForm map[string][]string

	// Knobs.
	discoveryStatus  int      // non-zero: the discovery document's status
	noTokenEndpoint  bool     // the document lacks token_endpoint
	grantTypes       []string // the document's grant_types_supported
	tokenStatus      int      // non-zero: the token endpoint's error status
	tokenError       string   // with it, the OAuth2 error code
	omitIDToken      bool     // the token answer lacks id_token
	federationStatus int      // non-zero: federation auth's error status
	noSubjectToken   bool     // federation answer lacks X-Subject-Token
	allowedProjects  []string // projects the federated user has a role on
	expireFirst      bool     // the first scoped token is refused by the API call
	forgetUnscoped   bool     // the scoped exchange does not recognize the unscoped token

	// What Keystone received.
	bearer    string         // the Authorization of federation auth
	scopeSeen map[string]any // the scope of the last POST /v3/auth/tokens
}

func (f *fakeOIDC) accessToken(n int) string { return fmt.Sprintf("AT-s3cret-access-%d", n) }
func (f *fakeOIDC) idToken(n int) string     { return fmt.Sprintf("IDT-s3cret-id-%d", n) }
func (f *fakeOIDC) unscoped(n int) string    { return fmt.Sprintf("UNSCOPED-s3cret-%d", n) }
func (f *fakeOIDC) scopedTok(n int) string   { return fmt.Sprintf("SCOPED-s3cret-%d", n) }

// allSecrets are the values no error may show.
func (f *fakeOIDC) allSecrets() []string {
	out := []string{fakeClientSecret}
	for n := 1; n <= 3; n++ {
		out = append(out, f.accessToken(n), f.idToken(n), f.unscoped(n), f.scopedTok(n))
	}
	return out
}

func newFakeOIDC(t *testing.T) *fakeOIDC {
	f := &fakeOIDC{t: t, allowedProjects: []string{fakeProjectID}}
	f.idp = httptest.NewServer(http.HandlerFunc(f.serveIdP))
	t.Cleanup(f.idp.Close)
	f.ks = httptest.NewServer(http.HandlerFunc(f.serveKeystone))
	t.Cleanup(f.ks.Close)
	return f
}

// auth returns the Auth of the OVHcloud guide, pointed at the fakes.
func (f *fakeOIDC) auth() Auth {
	return Auth{
		AuthURL:           f.ks.URL + "/v3",
		AuthType:          AuthTypeOIDCClientCredentials,
		ProjectID:         fakeProjectID,
		IdentityProvider:  fakeIdP,
		Protocol:          fakeProtocol,
		ClientID:          fakeClientID,
		ClientSecret:      iam.NewSecret(fakeClientSecret),
		DiscoveryEndpoint: f.idp.URL + "/role-adapter/urn:v1:eu:resource:publicCloudProject:pci/.well-known/openid-configuration",
		AccessTokenType:   AccessTokenTypeID,
		Scope:             "openid profile email publicCloudProject/all",
		RegionName:        "GRA",
	}
}

func fakeWriteJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(v)
}

func (f *fakeOIDC) serveIdP(w http.ResponseWriter, r *http.Request) {
	f.mu.Lock()
	defer f.mu.Unlock()
	switch {
	case r.Method == http.MethodGet && strings.HasSuffix(r.URL.Path, "/.well-known/openid-configuration"):
		f.disc++
		if f.discoveryStatus != 0 {
			fakeWriteJSON(w, f.discoveryStatus, map[string]string{"message": "no such resource"})
			return
		}
		doc := map[string]any{
			"issuer":                                f.idp.URL,
			"jwks_uri":                              f.idp.URL + "/jwks",
			"response_types_supported":              []string{"code", "id_token"},
			"subject_types_supported":               []string{"public"},
			"id_token_signing_alg_values_supported": []string{"RS256"},
		}
		if !f.noTokenEndpoint {
			doc["token_endpoint"] = f.idp.URL + "/oauth2/token"
		}
		if f.grantTypes != nil {
			doc["grant_types_supported"] = f.grantTypes
		}
		fakeWriteJSON(w, http.StatusOK, doc)
	case r.Method == http.MethodPost && r.URL.Path == "/oauth2/token":
		f.grants++
		n := f.grants
		if err := r.ParseForm(); err != nil {
			fakeWriteJSON(w, http.StatusBadRequest, map[string]string{"error": "invalid_request"})
			return
		}
		f.lastForm = r.PostForm
		id, secret, ok := r.BasicAuth()
		if ct := r.Header.Get("Content-Type"); ct != "application/x-www-form-urlencoded" {
			f.t.Errorf("token endpoint: Content-Type %q", ct)
		}
		if r.PostForm.Get("grant_type") != "client_credentials" {
			fakeWriteJSON(w, http.StatusBadRequest, map[string]string{"error": "unsupported_grant_type"})
			return
		}
		if f.tokenStatus != 0 {
			// A careless provider echoing the secret: iamkit must hide it.
			fakeWriteJSON(w, f.tokenStatus, map[string]string{"error": f.tokenError,
				"error_description": "client authentication failed for secret " + secret})
			return
		}
		if !ok || id != fakeClientID || secret != fakeClientSecret {
			fakeWriteJSON(w, http.StatusUnauthorized, map[string]string{"error": "invalid_client",
				"error_description": "Client authentication failed"})
			return
		}
		answer := map[string]any{"access_token": f.accessToken(n), "token_type": "Bearer", "expires_in": 3600,
			"scope": r.PostForm.Get("scope")}
		if !f.omitIDToken {
			answer["id_token"] = f.idToken(n)
		}
		w.Header().Set("Cache-Control", "no-store")
		fakeWriteJSON(w, http.StatusOK, answer)
	default:
		http.NotFound(w, r)
	}
}

func fakeKeystoneError(w http.ResponseWriter, status int, title, msg string) {
	fakeWriteJSON(w, status, map[string]any{"error": map[string]any{"code": status, "title": title, "message": msg}})
}

func (f *fakeOIDC) serveKeystone(w http.ResponseWriter, r *http.Request) {
	f.mu.Lock()
	defer f.mu.Unlock()
	fedPath := "/v3/OS-FEDERATION/identity_providers/" + fakeIdP + "/protocols/" + fakeProtocol + "/auth"
	switch {
	case r.Method == http.MethodPost && strings.HasPrefix(r.URL.Path, "/v3/OS-FEDERATION/"):
		if r.URL.Path != fedPath {
			fakeKeystoneError(w, http.StatusNotFound, "Not Found", "Could not find Identity Provider.")
			return
		}
		f.bearer = r.Header.Get("Authorization")
		if f.federationStatus != 0 {
			fakeKeystoneError(w, f.federationStatus, "Unauthorized", "The request you have made requires authentication.")
			return
		}
		n := f.grants
		if f.bearer != "Bearer "+f.idToken(n) && f.bearer != "Bearer "+f.accessToken(n) {
			fakeKeystoneError(w, http.StatusUnauthorized, "Unauthorized", "The request you have made requires authentication.")
			return
		}
		if !f.noSubjectToken {
			w.Header().Set("X-Subject-Token", f.unscoped(n))
		}
		fakeWriteJSON(w, http.StatusCreated, map[string]any{"token": map[string]any{
			"methods":    []string{"mapped"},
			"expires_at": "2099-01-01T00:00:00.000000Z",
			"issued_at":  "2025-01-01T00:00:00.000000Z",
			"user": map[string]any{
				"id": "fed-user", "name": fakeClientID,
				"domain": map[string]any{"id": "Federated", "name": "Federated"},
				"OS-FEDERATION": map[string]any{
					"identity_provider": map[string]any{"id": fakeIdP},
					"protocol":          map[string]any{"id": fakeProtocol},
					"groups":            []any{},
				},
			},
		}})
	case r.Method == http.MethodPost && r.URL.Path == "/v3/auth/tokens":
		var body struct {
			Auth struct {
				Identity struct {
					Methods []string `json:"methods"`
					Token   struct {
						ID string `json:"id"`
					} `json:"token"`
				} `json:"identity"`
				Scope map[string]any `json:"scope"`
			} `json:"auth"`
		}
		if err := json.NewDecoder(r.Body).Decode(&body); err != nil {
			fakeKeystoneError(w, http.StatusBadRequest, "Bad Request", "Expecting to find auth in request body.")
			return
		}
		f.scopeSeen = body.Auth.Scope
		if f.forgetUnscoped {
			// What a real Keystone answers for an expired or unknown token.
			fakeKeystoneError(w, http.StatusNotFound, "Not Found", "Could not recognize Fernet token")
			return
		}
		id := body.Auth.Identity
		if len(id.Methods) != 1 || id.Methods[0] != "token" || id.Token.ID != f.unscoped(f.grants) {
			fakeKeystoneError(w, http.StatusUnauthorized, "Unauthorized", "The request you have made requires authentication.")
			return
		}
		project, _ := body.Auth.Scope["project"].(map[string]any)
		pid, _ := project["id"].(string)
		if pid == "" {
			if name, _ := project["name"].(string); name == "my-project" {
				pid = fakeProjectID
			}
		}
		allowed := false
		for _, p := range f.allowedProjects {
			allowed = allowed || p == pid
		}
		if !allowed {
			fakeKeystoneError(w, http.StatusUnauthorized, "Unauthorized", "User fed-user has no access to project "+pid)
			return
		}
		f.scoped++
		w.Header().Set("X-Subject-Token", f.scopedTok(f.scoped))
		fakeWriteJSON(w, http.StatusCreated, map[string]any{"token": map[string]any{
			"methods":    []string{"token", "mapped"},
			"expires_at": "2099-01-01T00:00:00.000000Z",
			"issued_at":  "2025-01-01T00:00:00.000000Z",
			"project":    map[string]any{"id": pid, "name": "my-project", "domain": map[string]any{"id": "default", "name": "Default"}},
			"user":       map[string]any{"id": "fed-user", "name": fakeClientID, "domain": map[string]any{"id": "Federated", "name": "Federated"}},
			"roles":      []any{map[string]any{"id": "r1", "name": "reader"}},
			"catalog": []any{map[string]any{
				"type": "identity", "name": "keystone", "id": "svc1",
				"endpoints": []any{map[string]any{"id": "e1", "interface": "public", "region": "GRA", "region_id": "GRA", "url": f.ks.URL + "/v3"}},
			}},
		}})
	case r.Method == http.MethodGet && r.URL.Path == "/v3/projects/"+fakeProjectID:
		tok := r.Header.Get("X-Auth-Token")
		valid := tok == f.scopedTok(f.scoped) && !(f.expireFirst && tok == f.scopedTok(1))
		if !valid {
			fakeKeystoneError(w, http.StatusUnauthorized, "Unauthorized", "The request you have made requires authentication.")
			return
		}
		fakeWriteJSON(w, http.StatusOK, map[string]any{"project": map[string]any{"id": fakeProjectID, "name": "my-project"}})
	default:
		fakeKeystoneError(w, http.StatusNotFound, "Not Found", "The resource could not be found.")
	}
}

func TestOIDCClientCredentials(t *testing.T) {
	tests := []struct {
		name       string
		setup      func(*fakeOIDC, *Auth)
		wantBearer func(*fakeOIDC) string
		wantScope  string // the scope's JSON Keystone must receive
		wantDisc   int    // discovery calls
	}{
		{
			name:       "id_token as in the OVHcloud guide",
			wantBearer: func(f *fakeOIDC) string { return "Bearer " + f.idToken(1) },
			wantScope:  `{"project":{"id":"` + fakeProjectID + `"}}`,
			wantDisc:   1,
		},
		{
			name:       "access_token by default",
			setup:      func(_ *fakeOIDC, a *Auth) { a.AccessTokenType = "" },
			wantBearer: func(f *fakeOIDC) string { return "Bearer " + f.accessToken(1) },
			wantScope:  `{"project":{"id":"` + fakeProjectID + `"}}`,
			wantDisc:   1,
		},
		{
			name: "token endpoint given: no discovery",
			setup: func(f *fakeOIDC, a *Auth) {
				a.AccessTokenEndpoint = f.idp.URL + "/oauth2/token"
				a.DiscoveryEndpoint = ""
			},
			wantBearer: func(f *fakeOIDC) string { return "Bearer " + f.idToken(1) },
			wantScope:  `{"project":{"id":"` + fakeProjectID + `"}}`,
		},
		{
			name: "project by name and domain, versionless auth_url, grant advertised",
			setup: func(f *fakeOIDC, a *Auth) {
				f.grantTypes = []string{"authorization_code", "client_credentials"}
				a.ProjectID, a.ProjectName, a.DomainName = "", "my-project", "Default"
				a.AuthURL = f.ks.URL + "/v3/" // a trailing slash is fine
			},
			wantBearer: func(f *fakeOIDC) string { return "Bearer " + f.idToken(1) },
			wantScope:  `{"project":{"domain":{"name":"Default"},"name":"my-project"}}`,
			wantDisc:   1,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := newFakeOIDC(t)
			a := f.auth()
			if tt.setup != nil {
				tt.setup(f, &a)
			}
			pc, err := a.Authenticate(context.Background())
			if err != nil {
				t.Fatal(err)
			}
			f.mu.Lock()
			defer f.mu.Unlock()
			if got, want := f.bearer, tt.wantBearer(f); got != want {
				t.Errorf("federation auth got Authorization %q, want %q", got, want)
			}
			if got, _ := json.Marshal(f.scopeSeen); string(got) != tt.wantScope {
				t.Errorf("Keystone got scope %s, want %s", got, tt.wantScope)
			}
			if f.disc != tt.wantDisc {
				t.Errorf("%d discovery calls, want %d", f.disc, tt.wantDisc)
			}
			if got := f.lastForm["scope"]; len(got) != 1 || got[0] != a.Scope {
				t.Errorf("grant scope %q, want %q", got, a.Scope)
			}
			if _, ok := f.lastForm["client_secret"]; ok {
				t.Error("the client secret went in the form; keystoneauth sends it with HTTP Basic")
			}
			if got := pc.Token(); got != f.scopedTok(1) {
				t.Errorf("client token %q, want the scoped %q", got, f.scopedTok(1))
			}
			res, ok := pc.GetAuthResult().(tokens.CreateResult)
			if !ok {
				t.Fatalf("auth result %T", pc.GetAuthResult())
			}
			if p, err := res.ExtractProject(); err != nil || p.ID != fakeProjectID {
				t.Errorf("token project %+v, %v", p, err)
			}
			if pc.ReauthFunc == nil {
				t.Error("no ReauthFunc")
			}
			if url, err := pc.EndpointLocator(gophercloud.EndpointOpts{Type: "identity", Region: "GRA", Availability: gophercloud.AvailabilityPublic}); err != nil || url != f.ks.URL+"/v3/" {
				t.Errorf("catalog: identity endpoint %q, %v", url, err)
			}
		})
	}
}

// An expired scoped token is renewed by redoing the whole flow.
func TestOIDCReauth(t *testing.T) {
	f := newFakeOIDC(t)
	f.expireFirst = true
	a := f.auth()
	pc, err := a.Authenticate(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	var got struct {
		Project struct {
			ID string `json:"id"`
		} `json:"project"`
	}
	_, err = pc.Request(context.Background(), http.MethodGet, f.ks.URL+"/v3/projects/"+fakeProjectID,
		&gophercloud.RequestOpts{JSONResponse: &got, OkCodes: []int{200}})
	if err != nil {
		t.Fatalf("request after the token expired: %v", err)
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.grants != 2 || f.scoped != 2 {
		t.Errorf("%d grants, %d scoped tokens; want 2 and 2 (renewed once)", f.grants, f.scoped)
	}
	if got.Project.ID != fakeProjectID || pc.Token() != f.scopedTok(2) {
		t.Errorf("project %q, token %q", got.Project.ID, pc.Token())
	}
}

func TestOIDCErrors(t *testing.T) {
	tests := []struct {
		name  string
		setup func(*fakeOIDC, *Auth)
		kind  error
		want  []string // parts of the message
		// calls: whether any HTTP call may happen
		noCalls bool
	}{
		{
			name:  "bad client secret",
			setup: func(_ *fakeOIDC, a *Auth) { a.ClientSecret = iam.NewSecret("cs-S3CRET-wrong-one") },
			kind:  iam.ErrDenied,
			want:  []string{"client-credentials grant", "refused the client credentials", "invalid_client", "401"},
		},
		{
			name:  "bad client secret, 400 invalid_client echoing the secret",
			setup: func(f *fakeOIDC, _ *Auth) { f.tokenStatus, f.tokenError = http.StatusBadRequest, "invalid_client" },
			kind:  iam.ErrDenied,
			want:  []string{"client-credentials grant", "invalid_client", "[REDACTED]"},
		},
		{
			name:  "scope refused by the provider",
			setup: func(f *fakeOIDC, _ *Auth) { f.tokenStatus, f.tokenError = http.StatusBadRequest, "invalid_scope" },
			kind:  iam.ErrInvalid,
			want:  []string{"openid_scope"},
		},
		{
			name: "token endpoint down",
			setup: func(f *fakeOIDC, _ *Auth) {
				f.tokenStatus, f.tokenError = http.StatusServiceUnavailable, "temporarily_unavailable"
			},
			kind: iam.ErrThrottled,
			want: []string{"client-credentials grant", "503"},
		},
		{
			name:  "expired or invalid token at Keystone",
			setup: func(f *fakeOIDC, _ *Auth) { f.federationStatus = http.StatusUnauthorized },
			kind:  iam.ErrDenied,
			want:  []string{"federated authentication", `"ovhcloud-emea"`, "expired or invalid", "401"},
		},
		{
			name:  "unknown identity provider",
			setup: func(_ *fakeOIDC, a *Auth) { a.IdentityProvider = "ovhcloud-mars" },
			kind:  iam.ErrInvalid,
			want:  []string{"federated authentication", "no such identity provider", "404"},
		},
		{
			name:  "federation answer without X-Subject-Token",
			setup: func(f *fakeOIDC, _ *Auth) { f.noSubjectToken = true },
			kind:  iam.ErrInvalid,
			want:  []string{"X-Subject-Token"},
		},
		{
			name:    "missing scope in the configuration",
			setup:   func(_ *fakeOIDC, a *Auth) { a.ProjectID = "" },
			kind:    iam.ErrInvalid,
			want:    []string{"needs a scope", "project_id or project_name"},
			noCalls: true,
		},
		{
			name:  "project refused at the scoped exchange",
			setup: func(f *fakeOIDC, _ *Auth) { f.allowedProjects = nil },
			kind:  iam.ErrDenied,
			want:  []string{"scoped to project " + fakeProjectID, "no role there", "401"},
		},
		{
			name:  "unscoped token expired before the scoped exchange",
			setup: func(f *fakeOIDC, _ *Auth) { f.forgetUnscoped = true },
			kind:  iam.ErrDenied,
			want:  []string{"exchanging the federated token", "does not recognize the token", "404"},
		},
		{
			name:  "discovery document not found",
			setup: func(f *fakeOIDC, _ *Auth) { f.discoveryStatus = http.StatusNotFound },
			kind:  iam.ErrInvalid,
			want:  []string{"discovery document", "404"},
		},
		{
			name: "discovery unreachable",
			setup: func(_ *fakeOIDC, a *Auth) {
				a.DiscoveryEndpoint = fakeClosedURL(t) + "/.well-known/openid-configuration"
			},
			kind: iam.ErrThrottled,
			want: []string{"discovery document", "cannot reach"},
		},
		{
			name:  "discovery without token_endpoint",
			setup: func(f *fakeOIDC, _ *Auth) { f.noTokenEndpoint = true },
			kind:  iam.ErrInvalid,
			want:  []string{"no token_endpoint", "access_token_endpoint"},
		},
		{
			name:  "grant not supported",
			setup: func(f *fakeOIDC, _ *Auth) { f.grantTypes = []string{"authorization_code"} },
			kind:  iam.ErrInvalid,
			want:  []string{"client_credentials grant"},
		},
		{
			name:  "answer without the id_token asked for",
			setup: func(f *fakeOIDC, _ *Auth) { f.omitIDToken = true },
			kind:  iam.ErrInvalid,
			want:  []string{"no id_token", "access_token_type"},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := newFakeOIDC(t)
			a := f.auth()
			tt.setup(f, &a)
			pc, err := a.Authenticate(context.Background())
			if err == nil {
				t.Fatalf("no error; token %q", pc.Token())
			}
			checkOIDCError(t, err, tt.kind, tt.want, append(f.allSecrets(), a.ClientSecret.Reveal()))
			f.mu.Lock()
			defer f.mu.Unlock()
			if tt.noCalls && f.disc+f.grants > 0 {
				t.Errorf("%d discovery and %d grant calls for a configuration known to be wrong", f.disc, f.grants)
			}
		})
	}
}

// checkOIDCError checks err's kind, that it is an openstack *iam.Error
// saying want, and that it shows none of secrets.
func checkOIDCError(t *testing.T, err error, kind error, want, secrets []string) {
	t.Helper()
	if !errors.Is(err, kind) {
		t.Errorf("error %q is not %v (kind %v)", err, kind, iam.KindOf(err))
	}
	var ie *iam.Error
	if !errors.As(err, &ie) || ie.Provider != "openstack" || ie.Op != "Authenticate" {
		t.Errorf("error %#v is not an openstack Authenticate *iam.Error", err)
	}
	msg := err.Error()
	for _, w := range want {
		if !strings.Contains(msg, w) {
			t.Errorf("error %q does not say %q", msg, w)
		}
	}
	for _, s := range secrets {
		if s != "" && strings.Contains(msg, s) {
			t.Errorf("error %q shows secret %q", msg, s)
		}
	}
	t.Logf("error: %v", err)
}

// fakeClosedURL returns the URL of a server that no longer listens.
func fakeClosedURL(t *testing.T) string {
	srv := httptest.NewServer(http.NotFoundHandler())
	u := srv.URL
	srv.Close()
	return u
}

// The flow honours ctx: a cancelled context stops it, with the context's
// error.
func TestOIDCContext(t *testing.T) {
	f := newFakeOIDC(t)
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	_, err := f.auth().Authenticate(ctx)
	if !errors.Is(err, context.Canceled) {
		t.Fatalf("error %v is not context.Canceled", err)
	}
	for _, s := range f.allSecrets() {
		if strings.Contains(err.Error(), s) {
			t.Errorf("error %q shows a secret", err)
		}
	}
}

// The HTTP client of the Auth carries every request of the flow.
func TestOIDCHTTPClient(t *testing.T) {
	f := newFakeOIDC(t)
	var n int
	var mu sync.Mutex
	a := f.auth()
	a.HTTPClient = &http.Client{Transport: fakeRoundTrip(func(r *http.Request) (*http.Response, error) {
		mu.Lock()
		n++
		mu.Unlock()
		return http.DefaultTransport.RoundTrip(r)
	})}
	if _, err := a.Authenticate(context.Background()); err != nil {
		t.Fatal(err)
	}
	if n != 4 { // discovery, grant, federation auth, scoped token
		t.Errorf("%d requests through the HTTP client, want 4", n)
	}
}

type fakeRoundTrip func(*http.Request) (*http.Response, error)

func (f fakeRoundTrip) RoundTrip(r *http.Request) (*http.Response, error) { return f(r) }
