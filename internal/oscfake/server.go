package oscfake

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/getkin/kin-openapi/routers"
	osc "github.com/outscale/osc-sdk-go/v2"
)

// APIPath is the path prefix of every call, as in
// https://api.eu-west-2.outscale.com/api/v1/ReadUsers.
const APIPath = "/api/v1"

// Defaults of Options.
const (
	DefaultRegion             = "eu-west-2"
	DefaultAccountID          = "123456789012"
	DefaultAccessKey          = "OSCFAKEROOTACCESSKEY"
	DefaultSecretKey          = "oscfakerootsecretkeyoscfakerootsecretkey"
	DefaultPageSizeMax        = 100
	DefaultKeyLimit           = 2
	DefaultPolicyVersionLimit = 5
	// RootKeyLimit is the number of access keys the root account may hold.
	RootKeyLimit = 10
	// MaxDocumentChars is the documented limit of a policy document, in
	// non-whitespace characters.
	MaxDocumentChars = 5120
)

// Options configure a Server. The zero value is a strict eu-west-2 fake
// with the default root credentials and limits.
type Options struct {
	// Region is the region requests must be signed for (default eu-west-2).
	Region string
	// AccountID is the 12-digit account the fake serves, which appears in
	// ORNs (default 123456789012).
	AccountID string
	// AccessKey and SecretKey are the root account's credentials (defaults
	// DefaultAccessKey, DefaultSecretKey).
	AccessKey, SecretKey string
	// PageSizeMax is the largest page a FirstItem/ResultsPerPage call
	// returns (its MaxResultsLimit, default 100); larger requests are cut to
	// it and answered with MaxResultsTruncated.
	PageSizeMax int
	// FirstItemZeroBased makes FirstItem count from 0. By default it counts
	// from 1, as the spec's examples do (FirstItem: 1 for the first page);
	// the public documentation does not say, so an adapter should pass its
	// tests with both settings.
	FirstItemZeroBased bool
	// KeyLimit is the number of access keys an EIM user may hold (default 2).
	KeyLimit int
	// PolicyVersionLimit is the number of versions a managed policy may
	// hold (default 5).
	PolicyVersionLimit int
	// Lenient stops the fake from failing the test when a request violates
	// the spec or is signed wrongly; the request is still refused, as the
	// real API would, and the reason is logged. The default is strict.
	Lenient bool
	// NoEnforcement lets every EIM user's key call anything, as the root
	// key may. By default a call signed with an EIM user's key is
	// evaluated against that user's policies.
	NoEnforcement bool
	// TLS serves HTTPS (with httptest's certificate) instead of HTTP.
	TLS bool
	// Now is the clock of the account's data (default time.Now): creation
	// dates and key expiry use it. Signature freshness (15 minutes) is
	// always checked against the real clock, which the SDK signs with.
	Now func() time.Time
}

// Server is a running fake of the OUTSCALE API's EIM calls. It is safe for
// concurrent use.
type Server struct {
	// URL is the server's base URL, such as http://127.0.0.1:PORT; calls
	// are served under URL+APIPath.
	URL string

	t    testing.TB
	opts Options
	ts   *httptest.Server
	doc  *openapi3.T

	mu       sync.Mutex
	calls    map[string]int
	failures map[string][]*apiError
	reqSeq   int
	state    state
}

// New starts a fake OUTSCALE API server for the duration of the test and
// registers its shutdown with t.Cleanup. Requests that the real API would
// refuse because they break its contract (spec violations, bad
// signatures) fail t unless opts.Lenient; so do responses of the fake that
// break the spec (a bug in the fake).
func New(t testing.TB, opts Options) *Server {
	t.Helper()
	if opts.Region == "" {
		opts.Region = DefaultRegion
	}
	if opts.AccountID == "" {
		opts.AccountID = DefaultAccountID
	}
	if opts.AccessKey == "" {
		opts.AccessKey = DefaultAccessKey
	}
	if opts.SecretKey == "" {
		opts.SecretKey = DefaultSecretKey
	}
	if opts.PageSizeMax <= 0 {
		opts.PageSizeMax = DefaultPageSizeMax
	}
	if opts.KeyLimit <= 0 {
		opts.KeyLimit = DefaultKeyLimit
	}
	if opts.PolicyVersionLimit <= 0 {
		opts.PolicyVersionLimit = DefaultPolicyVersionLimit
	}
	if opts.Now == nil {
		opts.Now = time.Now
	}
	if len(opts.AccountID) != 12 || strings.Trim(opts.AccountID, "0123456789") != "" {
		t.Fatalf("oscfake: AccountID %q is not 12 digits", opts.AccountID)
	}
	doc, err := loadSpec()
	if err != nil {
		t.Fatal(err)
	}
	s := &Server{
		t:        t,
		opts:     opts,
		doc:      doc,
		calls:    map[string]int{},
		failures: map[string][]*apiError{},
	}
	s.state.init(s)
	if opts.TLS {
		s.ts = httptest.NewTLSServer(s)
	} else {
		s.ts = httptest.NewServer(s)
	}
	s.URL = s.ts.URL
	t.Cleanup(s.ts.Close)
	return s
}

// Region returns the region requests must be signed for.
func (s *Server) Region() string { return s.opts.Region }

// AccountID returns the account's 12-digit ID.
func (s *Server) AccountID() string { return s.opts.AccountID }

// RootCredentials returns the root account's access key and secret key.
func (s *Server) RootCredentials() (accessKey, secretKey string) {
	return s.opts.AccessKey, s.opts.SecretKey
}

// Endpoint returns the API endpoint, URL+APIPath, the value for an
// OSC_ENDPOINT_API variable or a profile's endpoints.api.
func (s *Server) Endpoint() string { return s.URL + APIPath }

// HTTPClient returns an HTTP client that trusts the server (it matters
// with Options.TLS).
func (s *Server) HTTPClient() *http.Client { return s.ts.Client() }

// Client returns an SDK client aimed at the fake and a context carrying
// the root account's credentials.
//
// osc-sdk-go v2 signs every request with the region "eu-west-2" whatever
// the client's server (client.go: signer.Sign(req, body, "oapi",
// "eu-west-2", now)). For the default region Client therefore uses the
// SDK's own signing (osc.ContextAWSv4 in the context); for any other
// region it signs in the HTTP transport instead, as an adapter must, and
// the returned context carries no osc.ContextAWSv4.
func (s *Server) Client() (*osc.APIClient, context.Context) {
	return s.ClientWithKey(s.opts.AccessKey, s.opts.SecretKey)
}

// ClientWithKey is Client for another access key, such as an EIM user's.
func (s *Server) ClientWithKey(accessKey, secretKey string) (*osc.APIClient, context.Context) {
	cfg := osc.NewConfiguration()
	cfg.Servers = osc.ServerConfigurations{{URL: s.Endpoint(), Description: "oscfake"}}
	cfg.HTTPClient = s.ts.Client()
	ctx := context.Background()
	if s.opts.Region == "eu-west-2" {
		ctx = context.WithValue(ctx, osc.ContextAWSv4, osc.AWSv4{AccessKey: accessKey, SecretKey: secretKey})
	} else {
		base := cfg.HTTPClient.Transport
		if base == nil {
			base = http.DefaultTransport
		}
		cfg.HTTPClient = &http.Client{Transport: &signingTransport{
			base: base, accessKey: accessKey, secretKey: secretKey, region: s.opts.Region, now: time.Now,
		}}
	}
	return osc.NewAPIClient(cfg), ctx
}

// signingTransport signs each request with SigV4 for the OUTSCALE API in
// its region, replacing any signature already there.
type signingTransport struct {
	base                 http.RoundTripper
	accessKey, secretKey string
	region               string
	now                  func() time.Time
}

func (t *signingTransport) RoundTrip(r *http.Request) (*http.Response, error) {
	var body []byte
	if r.Body != nil {
		b, err := io.ReadAll(r.Body)
		r.Body.Close()
		if err != nil {
			return nil, err
		}
		body = b
	}
	r = r.Clone(r.Context())
	r.Body = io.NopCloser(bytes.NewReader(body))
	r.Header.Del("Authorization")
	signSigV4(r, body, t.accessKey, t.secretKey, t.region, t.now())
	return t.base.RoundTrip(r)
}

// Calls returns how many requests for the call op (such as "CreateUser")
// the server has received, whatever their outcome.
func (s *Server) Calls(op string) int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.calls[op]
}

// FailNext makes the next call of op fail, before it changes anything,
// with the error the fake answers for condition, one of "AccessDenied",
// "AuthFailure", "Throttled", "MissingParameter", "InvalidParameter",
// "NotFound", "AlreadyExists", "Conflict", "DependencyProblem",
// "TooManyResources" and "InternalError". Calls queue: two FailNext for
// one op fail its next two calls.
func (s *Server) FailNext(op, condition string) {
	e, ok := namedErrors[condition]
	if !ok {
		s.t.Fatalf("oscfake: FailNext(%q, %q): unknown condition", op, condition)
	}
	s.failNext(op, e.with("injected failure (oscfake.FailNext)"))
}

// FailNextWith makes the next call of op fail with the given HTTP status
// and Outscale error code and type.
func (s *Server) FailNextWith(op string, status int, code, typ string) {
	s.failNext(op, &apiError{Status: status, Code: code, Type: typ, Details: "injected failure (oscfake.FailNextWith)"})
}

func (s *Server) failNext(op string, e *apiError) {
	if operation(s.doc, op) == nil {
		s.t.Fatalf("oscfake: FailNext: %q is not an OUTSCALE API call", op)
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	s.failures[op] = append(s.failures[op], e)
}

// report records a failure of the code under test (a request the real API
// would refuse), or only logs it when Options.Lenient.
func (s *Server) report(format string, args ...any) {
	s.t.Helper()
	if s.opts.Lenient {
		s.t.Logf("oscfake: "+format, args...)
		return
	}
	s.t.Errorf("oscfake: "+format, args...)
}

// ServeHTTP answers one OUTSCALE API call.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	op, ok := strings.CutPrefix(r.URL.Path, APIPath+"/")
	var route *routers.Route
	if ok {
		route = operation(s.doc, op)
	}
	s.mu.Lock()
	s.reqSeq++
	reqID := fmt.Sprintf("oscfake-%08d", s.reqSeq)
	if route != nil {
		s.calls[op]++
	}
	s.mu.Unlock()

	if route == nil {
		s.report("%s %s: not an OUTSCALE API call (the API serves POST %s/<Call>)", r.Method, r.URL.Path, APIPath)
		s.writeError(w, reqID, errUnknownOperation.with("unknown call %q", r.URL.Path))
		return
	}
	if r.Method != http.MethodPost {
		s.report("%s: method %s, the API accepts only POST", op, r.Method)
		s.writeError(w, reqID, errMethodNotAllowed.with("method %s not allowed", r.Method))
		return
	}
	body, err := io.ReadAll(r.Body)
	if err != nil {
		s.writeError(w, reqID, errInvalidParameterValue.with("reading body: %v", err))
		return
	}

	caller, aerr := s.authenticate(r, body, op)
	if aerr != nil {
		s.writeError(w, reqID, aerr)
		return
	}
	if msg, verr := validateRequest(ctx, route, r, body); verr != nil {
		s.report("%s: request violates the OUTSCALE API spec: %s (body %s)", op, msg, truncate(body))
		s.writeError(w, reqID, verr.with("%s", msg))
		return
	}

	s.mu.Lock()
	if q := s.failures[op]; len(q) > 0 {
		s.failures[op] = q[1:]
		s.mu.Unlock()
		s.writeError(w, reqID, q[0])
		return
	}
	h := handlers[op]
	if h == nil {
		s.mu.Unlock()
		s.report("%s: call not implemented by oscfake", op)
		s.writeError(w, reqID, errUnknownOperation.with("%s is not implemented by oscfake", op))
		return
	}
	c := &call{s: s, op: op, body: body, caller: caller}
	if err := s.authorize(c); err != nil {
		s.mu.Unlock()
		s.writeError(w, reqID, err)
		return
	}
	if c.dryRun() {
		s.mu.Unlock()
		s.writeOK(ctx, w, r, route, reqID, op, &struct{}{})
		return
	}
	resp, herr := h(c)
	s.mu.Unlock()
	if herr != nil {
		s.writeError(w, reqID, herr)
		return
	}
	s.writeOK(ctx, w, r, route, reqID, op, resp)
}

// writeOK answers 200 with resp plus its ResponseContext, after checking
// it against the spec.
func (s *Server) writeOK(ctx context.Context, w http.ResponseWriter, r *http.Request, route *routers.Route, reqID, op string, resp any) {
	b, err := json.Marshal(resp)
	if err != nil {
		s.t.Errorf("oscfake bug: %s: encoding response: %v", op, err)
		s.writeError(w, reqID, errInternal.with("encoding response"))
		return
	}
	b = withResponseContext(b, reqID)
	if err := validateResponse(ctx, route, r, b); err != nil {
		s.t.Errorf("oscfake bug: %s: response violates the OUTSCALE API spec: %s (body %s)", op, shortError(err), truncate(b))
	}
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(http.StatusOK)
	w.Write(b)
}

// withResponseContext adds "ResponseContext":{"RequestId":id} to a JSON object.
func withResponseContext(obj []byte, reqID string) []byte {
	rc, _ := json.Marshal(map[string]any{"ResponseContext": map[string]string{"RequestId": reqID}})
	obj = bytes.TrimSpace(obj)
	if len(obj) < 2 || string(obj) == "{}" || string(obj) == "null" {
		return rc
	}
	return append(append(rc[:len(rc)-1:len(rc)-1], ','), obj[1:]...)
}

func (s *Server) writeError(w http.ResponseWriter, reqID string, e *apiError) {
	body, _ := json.Marshal(map[string]any{
		"Errors":          []map[string]string{{"Code": e.Code, "Type": e.Type, "Details": e.Details}},
		"ResponseContext": map[string]string{"RequestId": reqID},
	})
	if err := validateErrorBody(s.doc, body); err != nil {
		s.t.Errorf("oscfake bug: error response violates ErrorResponse: %s", shortError(err))
	}
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(e.Status)
	w.Write(body)
}

func truncate(b []byte) string {
	const max = 300
	if len(b) > max {
		return string(b[:max]) + "…"
	}
	return string(b)
}

// randomID returns n characters of alphabet, from crypto/rand.
func randomID(n int, alphabet string) string {
	b := make([]byte, n)
	rand.Read(b)
	for i := range b {
		b[i] = alphabet[int(b[i])%len(alphabet)]
	}
	return string(b)
}

const (
	upperAlnum = "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789"
	secretAlph = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789"
	hexDigits  = "0123456789abcdef"
)
