package ovhfake

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/ovh/go-ovh/ovh"
	"golang.org/x/oauth2/clientcredentials"
)

// Defaults of Options.
const (
	DefaultNIC          = "xx11111-ovh"
	DefaultRegion       = "eu"
	DefaultAppKey       = "ovhfakeappkey000"
	DefaultAppSecret    = "ovhfakeappsecret0000000000000000"
	DefaultConsumerKey  = "ovhfakeconsumerkey00000000000000"
	DefaultClientID     = "0000000000000000"
	DefaultClientSecret = "ovhfakerootclientsecret000000000"
	DefaultPageSizeMax  = 1000
	// TokenPath is where the fake issues OAuth2 access tokens (the path
	// of https://www.ovh.com/auth/oauth2/token, go-ovh's token URL for
	// ovh-eu).
	TokenPath = "/auth/oauth2/token"
	// TokenLifetime is the lifetime of issued access tokens.
	TokenLifetime = time.Hour
	// MaxClockSkew is how far X-Ovh-Timestamp may be from the fake's clock.
	MaxClockSkew = 5 * time.Minute
)

// Options configure a Server. The zero value is an ovh-eu account
// xx11111-ovh with the default root credentials.
type Options struct {
	// NIC is the account's nichandle (default xx11111-ovh); it appears in
	// identity URNs.
	NIC string
	// Region is the IAM region of the URNs, "eu", "ca" or "us" (default eu).
	Region string
	// AppKey, AppSecret and ConsumerKey are the root credentials of the
	// signed (X-Ovh-*) scheme.
	AppKey, AppSecret, ConsumerKey string
	// ClientID and ClientSecret name an OAuth2 client with the account's
	// full rights (a service account the owner manages others with).
	ClientID, ClientSecret string
	// PageSizeMax caps X-Pagination-Size (default 1000).
	PageSizeMax int
	// Lenient stops the fake from failing the test on requests that break
	// the API's contract (spec violations, bad signatures); they are still
	// refused, and logged.
	Lenient bool
	// Now is the fake's clock (default time.Now): dates, token expiry,
	// policy expiry and the signature timestamp window use it.
	Now func() time.Time
}

// Server is a running fake of the OVHcloud API calls iamkit's ovh adapter
// makes. It is safe for concurrent use.
type Server struct {
	// URL is the server's base URL, http://127.0.0.1:PORT.
	URL string

	t     testing.TB
	opts  Options
	ts    *httptest.Server
	specs *specs

	mu    sync.Mutex
	calls map[string]int
	fails map[string][]*apiError
	st    state
}

// New starts a fake OVHcloud API for the duration of the test (closed by
// t.Cleanup). It needs OVHcloud's OpenAPI documents (see SpecsEnv): when
// they cannot be found the test is skipped, or fails when CI=true.
func New(t testing.TB, opts Options) *Server {
	t.Helper()
	sp, err := loadSpecs()
	if err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatalf("%v (CI=true: the specs must be present)", err)
		}
		t.Skipf("skipping: %v", err)
	}
	def := func(p *string, v string) {
		if *p == "" {
			*p = v
		}
	}
	def(&opts.NIC, DefaultNIC)
	def(&opts.Region, DefaultRegion)
	def(&opts.AppKey, DefaultAppKey)
	def(&opts.AppSecret, DefaultAppSecret)
	def(&opts.ConsumerKey, DefaultConsumerKey)
	def(&opts.ClientID, DefaultClientID)
	def(&opts.ClientSecret, DefaultClientSecret)
	if opts.PageSizeMax <= 0 {
		opts.PageSizeMax = DefaultPageSizeMax
	}
	if opts.Now == nil {
		opts.Now = time.Now
	}
	s := &Server{t: t, opts: opts, specs: sp, calls: map[string]int{}, fails: map[string][]*apiError{}}
	s.st.init(opts.Now())
	s.ts = httptest.NewServer(s)
	s.URL = s.ts.URL
	t.Cleanup(s.ts.Close)
	return s
}

// Endpoint is the base URL to give go-ovh (ovh.NewClient's endpoint, or
// ovh.conf's endpoint=): URL+"/1.0". go-ovh sends v1 paths (/me/…) under
// it and, because it ends in /1.0, sends /v2/… paths to URL+"/v2/…".
func (s *Server) Endpoint() string { return s.URL + "/1.0" }

// TokenURL is the OAuth2 token endpoint (client credentials, scope all).
func (s *Server) TokenURL() string { return s.URL + TokenPath }

// NIC returns the account's nichandle.
func (s *Server) NIC() string { return s.opts.NIC }

// Region returns the IAM region of the account's URNs.
func (s *Server) Region() string { return s.opts.Region }

// Options returns the options in effect, defaults filled in.
func (s *Server) Options() Options { return s.opts }

// CredentialURN is the identity URN of the OAuth2 client clientID:
// urn:v1:<region>:identity:credential:<nic>/oauth2-<clientID>.
func (s *Server) CredentialURN(clientID string) string {
	return fmt.Sprintf("urn:v1:%s:identity:credential:%s/oauth2-%s", s.opts.Region, s.opts.NIC, clientID)
}

// Client returns a go-ovh client signing with the root application key.
func (s *Server) Client() *ovh.Client {
	s.t.Helper()
	c, err := ovh.NewClient(s.Endpoint(), s.opts.AppKey, s.opts.AppSecret, s.opts.ConsumerKey)
	if err != nil {
		s.t.Fatalf("ovhfake: go-ovh client: %v", err)
	}
	return c
}

// ClientCredentials returns a go-ovh client authenticated by an access
// token obtained from the fake's token endpoint for the OAuth2 client id
// and secret, as go-ovh's own OAuth2 mode does against ovh-eu (go-ovh only
// knows the token URLs of its named endpoints, so an adapter pointed at
// the fake fetches the token itself).
func (s *Server) ClientCredentials(ctx context.Context, id, secret string) (*ovh.Client, error) {
	cc := clientcredentials.Config{ClientID: id, ClientSecret: secret, TokenURL: s.TokenURL(), Scopes: []string{"all"}}
	tok, err := cc.Token(ctx)
	if err != nil {
		return nil, err
	}
	return ovh.NewAccessTokenClient(s.Endpoint(), tok.AccessToken)
}

// Calls returns how many requests reached the route method pathPattern,
// written as served, e.g. Calls("POST", "/v2/iam/policy") or
// Calls("GET", "/1.0/me/api/oauth2/client/{clientId}"). Refused requests
// count too.
func (s *Server) Calls(method, pathPattern string) int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.calls[strings.ToUpper(method)+" "+pathPattern]
}

// FailNext makes the next request to method pathPattern (as in Calls)
// answer status with an OVHcloud error body {class, message}, after its
// authentication and validation succeeded and before it has any effect.
// Calls queue up.
func (s *Server) FailNext(method, pathPattern string, status int, class, message string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	k := strings.ToUpper(method) + " " + pathPattern
	s.fails[k] = append(s.fails[k], &apiError{Status: status, Class: class, Message: message})
}

// SetGroupRole sets the role of the identity group name, one of the
// values of me-v1.json's auth.RoleEnum (ADMIN, NONE, REGULAR,
// UNPRIVILEGED), as if the account had it so. It is how a test gives one
// of the default groups (ADMIN, DEFAULT, REGULAR, UNPRIVILEGED), which
// the API refuses to edit, another role than the fake's own (DEFAULT's
// is NONE): OVHcloud does not document their roles. A group made through
// the API is changed as PUT /me/identity/group/{group} would. An unknown
// group or a role outside the enum fails the test.
func (s *Server) SetGroupRole(name, role string) {
	s.t.Helper()
	if enum := s.specs.enum("/1.0", "auth.RoleEnum"); !slices.Contains(enum, role) {
		s.t.Fatalf("ovhfake: SetGroupRole(%q, %q): the role is not one of auth.RoleEnum %v", name, role, enum)
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if g, ok := s.st.groups[name]; ok {
		g.Role = role
		g.LastUpdate = s.now()
		return
	}
	if _, ok := s.st.roles[name]; !ok {
		s.t.Fatalf("ovhfake: SetGroupRole(%q, %q): no such group", name, role)
	}
	s.st.roles[name] = role
}

// contractf reports a broken contract: the test fails unless Lenient.
func (s *Server) contractf(format string, args ...any) {
	s.t.Helper()
	if s.opts.Lenient {
		s.t.Logf("ovhfake: "+format, args...)
		return
	}
	s.t.Errorf("ovhfake: "+format, args...)
}

// caller is who a request authenticated as.
type caller struct {
	root     bool   // the account itself (app key, or the root OAuth2 client)
	clientID string // a service account (OAuth2 client), or
	user     string // a local user (by one of its personal access tokens)
}

// ServeHTTP implements http.Handler.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	body, err := io.ReadAll(r.Body)
	if err != nil {
		s.writeErr(w, errBadRequest.with("cannot read body: %v", err))
		return
	}
	esc := r.URL.EscapedPath()
	switch esc {
	case TokenPath:
		s.count(r.Method + " " + TokenPath)
		r.Body = io.NopCloser(bytes.NewReader(body))
		s.token(w, r)
		return
	case "/1.0/auth/time", "/v1/auth/time":
		// Not in me-v1.json (it belongs to the /auth API): served unvalidated.
		s.count("GET /1.0/auth/time")
		if r.Method != http.MethodGet {
			s.writeErr(w, errMethod.with("method %s not allowed", r.Method))
			return
		}
		s.writeJSON(w, http.StatusOK, s.opts.Now().Unix())
		return
	}
	rt, params, known := s.specs.match(r.Method, esc)
	if rt == nil {
		if known {
			s.count(r.Method + " " + esc)
			s.writeErr(w, errMethod.with("method %s is not allowed on %s", r.Method, esc))
			return
		}
		s.count(r.Method + " " + esc)
		s.contractf("%s %s: no such path in the OVHcloud specs", r.Method, esc)
		s.writeErr(w, errNotFound.with("Got an invalid (or empty) URL"))
		return
	}
	s.count(rt.key())
	h := s.handler(rt)
	if h == nil {
		s.contractf("%s: in the spec but not implemented by the fake", rt.key())
		s.writeErr(w, errNotFound.with("ovhfake does not implement %s", rt.key()))
		return
	}
	who, aerr, runtime := s.authenticate(r, body)
	if aerr != nil {
		if !runtime {
			s.contractf("%s %s: authentication refused: %s", r.Method, esc, aerr.Message)
		}
		s.writeErr(w, aerr)
		return
	}
	if msg := rt.validateRequest(r.Context(), r, params, body); msg != "" {
		s.contractf("%s: request refused by the spec: %s (body %s)", rt.key(), msg, body)
		s.writeErr(w, errBadRequest.with("Invalid request: %s", msg))
		return
	}
	if e := s.takeFailure(rt.key()); e != nil {
		s.writeErr(w, e)
		return
	}
	if e := s.authorizeCall(who, rt); e != nil {
		s.writeErr(w, e)
		return
	}
	rq := &request{r: r, params: params, body: body, who: who, hdr: w.Header()}
	// The answer may share maps and slices with the fake's state: encode it
	// before another request can change them.
	s.mu.Lock()
	status, out, e := h(rq)
	var b []byte
	if e == nil {
		b, err = json.Marshal(out)
	}
	s.mu.Unlock()
	if e != nil {
		s.writeErr(w, e)
		return
	}
	if status == 0 {
		status = http.StatusOK
	}
	if err != nil {
		s.t.Errorf("ovhfake: %s: encoding answer: %v", rt.key(), err)
		s.writeErr(w, &errInternal)
		return
	}
	if err := rt.validateResponse(r.Context(), r, params, b); err != nil {
		s.t.Errorf("ovhfake bug: %s answer breaks the spec: %v\n%s", rt.key(), err, redacted(b))
	}
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_, _ = w.Write(b)
}

// secretFields are the answer fields that carry a credential shown once.
var secretFields = map[string]bool{"clientSecret": true, "token": true}

// redacted returns a JSON answer with its secretFields masked, for test
// output.
func redacted(b []byte) []byte {
	var v any
	if json.Unmarshal(b, &v) != nil {
		return []byte("(answer not shown: not JSON)")
	}
	var mask func(any)
	mask = func(v any) {
		switch x := v.(type) {
		case map[string]any:
			for k, e := range x {
				if secretFields[k] {
					x[k] = "REDACTED"
				} else {
					mask(e)
				}
			}
		case []any:
			for _, e := range x {
				mask(e)
			}
		}
	}
	mask(v)
	out, _ := json.Marshal(v)
	return out
}

func (s *Server) count(k string) {
	s.mu.Lock()
	s.calls[k]++
	s.mu.Unlock()
}

func (s *Server) takeFailure(k string) *apiError {
	s.mu.Lock()
	defer s.mu.Unlock()
	q := s.fails[k]
	if len(q) == 0 {
		return nil
	}
	s.fails[k] = q[1:]
	return q[0]
}

func (s *Server) writeJSON(w http.ResponseWriter, status int, v any) {
	b, _ := json.Marshal(v)
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_, _ = w.Write(b)
}

func (s *Server) writeErr(w http.ResponseWriter, e *apiError) {
	w.Header().Set("X-Ovh-Queryid", "EU.ovhfake-"+randHex(8))
	s.writeJSON(w, e.Status, e)
}

// request is what a handler gets.
type request struct {
	r      *http.Request
	params map[string]string
	body   []byte
	who    caller
	hdr    http.Header
}

// decode unmarshals the (already validated) body into v.
func (q *request) decode(v any) *apiError {
	dec := json.NewDecoder(bytes.NewReader(q.body))
	if err := dec.Decode(v); err != nil {
		return errBadRequest.with("Invalid JSON body: %v", err)
	}
	return nil
}

// A handler runs under s.mu and returns the status (0 for 200) and the
// value to encode, or an error of the table.
type handler func(*request) (int, any, *apiError)

func randHex(n int) string {
	b := make([]byte, n)
	_, _ = rand.Read(b)
	return hex.EncodeToString(b)
}

func uuid() string {
	b := make([]byte, 16)
	_, _ = rand.Read(b)
	b[6] = b[6]&0x0f | 0x40
	b[8] = b[8]&0x3f | 0x80
	h := hex.EncodeToString(b)
	return h[:8] + "-" + h[8:12] + "-" + h[12:16] + "-" + h[16:20] + "-" + h[20:]
}
