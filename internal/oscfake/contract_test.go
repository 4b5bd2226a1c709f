package oscfake

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	v4 "github.com/aws/aws-sdk-go-v2/aws/signer/v4"
	"github.com/iamkit/iamkit/internal/tbtest"
	osc "github.com/outscale/osc-sdk-go/v2"
)

// raw posts body to op, signed by sign (nil: unsigned), and returns the
// status and the first error's type.
func raw(t *testing.T, s *Server, op, body string, sign func(*http.Request, []byte)) (int, string) {
	t.Helper()
	req, err := http.NewRequest(http.MethodPost, s.Endpoint()+"/"+op, strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Content-Type", "application/json")
	if sign != nil {
		sign(req, []byte(body))
	}
	resp, err := s.HTTPClient().Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	var e osc.ErrorResponse
	if resp.StatusCode != http.StatusOK {
		if err := json.Unmarshal(b, &e); err != nil || e.Errors == nil || len(*e.Errors) == 0 {
			t.Fatalf("%s: error body %s is not an ErrorResponse", op, b)
		}
		return resp.StatusCode, (*e.Errors)[0].GetType()
	}
	return resp.StatusCode, ""
}

func rootSigner(s *Server, region string) func(*http.Request, []byte) {
	return func(r *http.Request, body []byte) {
		signSigV4(r, body, s.opts.AccessKey, s.opts.SecretKey, region, time.Now())
	}
}

func TestMalformedRequestsAreReported(t *testing.T) {
	rec := &tbtest.Recorder{TB: t}
	s := New(rec, Options{})
	sign := rootSigner(s, s.Region())

	cases := []struct {
		name, op, body string
		status         int
		typ, reason    string
	}{
		{"missing required", "CreateUser", `{}`, 400, "MissingParameter", `property "UserName" is missing`},
		{"wrong type", "CreateUser", `{"UserName":42}`, 400, "InvalidParameterValue", "value must be a string"},
		{"unknown field", "CreateUser", `{"UserName":"a","Name":"a"}`, 400, "InvalidParameter", `property "Name" is unsupported`},
		{"bad ORN", "ReadPolicy", `{"PolicyOrn":"policy/x"}`, 400, "InvalidParameterValue", "regular expression"},
		{"bad enum", "ReadPolicies", `{"Filters":{"Scope":"GLOBAL"}}`, 400, "InvalidParameterValue", "value is not one of the allowed values"},
		{"not JSON", "ReadUsers", `{"FirstItem":`, 400, "InvalidParameterValue", ""},
		{"unknown call", "CreateRole", `{}`, 400, "DefaultError", "not an OUTSCALE API call"},
	}
	for _, c := range cases {
		status, typ := raw(t, s, c.op, c.body, sign)
		if status != c.status || typ != c.typ {
			t.Errorf("%s: %d %s, want %d %s", c.name, status, typ, c.status, c.typ)
		}
		got := rec.Take()
		if len(got) != 1 || !strings.Contains(got[0], c.reason) {
			t.Errorf("%s: recorded %q, want one failure mentioning %q", c.name, got, c.reason)
		}
	}

	// Refusals that are not contract violations are not reported.
	for _, c := range []struct{ op, body string }{
		{"DeleteUser", `{"UserName":"nobody"}`},
		{"CreatePolicy", `{"PolicyName":"p","Document":"not json"}`},
	} {
		if status, _ := raw(t, s, c.op, c.body, sign); status == 200 {
			t.Errorf("%s %s succeeded", c.op, c.body)
		}
		if got := rec.Take(); len(got) != 0 {
			t.Errorf("%s: recorded %q, want nothing", c.op, got)
		}
	}
	if status, _ := raw(t, s, "CreateUser", `{"UserName":"ok"}`, sign); status != 200 {
		t.Errorf("valid CreateUser: %d", status)
	}
	if got := rec.Take(); len(got) != 0 {
		t.Errorf("valid request recorded %q", got)
	}
}

func TestLenientOnlyLogs(t *testing.T) {
	rec := &tbtest.Recorder{TB: t}
	s := New(rec, Options{Lenient: true})
	if status, typ := raw(t, s, "CreateUser", `{}`, rootSigner(s, s.Region())); status != 400 || typ != "MissingParameter" {
		t.Errorf("lenient: %d %s, want 400 MissingParameter", status, typ)
	}
	if got := rec.Take(); len(got) != 0 {
		t.Errorf("lenient recorded %q", got)
	}
}

func TestSignatureChecks(t *testing.T) {
	rec := &tbtest.Recorder{TB: t}
	s := New(rec, Options{})
	body := `{}`

	cases := []struct {
		name   string
		sign   func(*http.Request, []byte)
		report bool
	}{
		{"unsigned", nil, true},
		{"wrong region", rootSigner(s, "us-east-2"), true},
		{"wrong service", func(r *http.Request, b []byte) {
			rootSigner(s, s.Region())(r, b)
			r.Header.Set("Authorization", strings.Replace(r.Header.Get("Authorization"), "/oapi/", "/ec2/", 1))
		}, true},
		{"basic auth", func(r *http.Request, _ []byte) { r.SetBasicAuth("a", "b") }, true},
		{"wrong secret", func(r *http.Request, b []byte) {
			signSigV4(r, b, s.opts.AccessKey, "not-the-secret", s.Region(), time.Now())
		}, true},
		{"tampered body", func(r *http.Request, _ []byte) {
			signSigV4(r, []byte(`{"DryRun":true}`), s.opts.AccessKey, s.opts.SecretKey, s.Region(), time.Now())
		}, true},
		{"stale", func(r *http.Request, b []byte) {
			signSigV4(r, b, s.opts.AccessKey, s.opts.SecretKey, s.Region(), time.Now().Add(-time.Hour))
		}, true},
		{"unknown key", func(r *http.Request, b []byte) {
			signSigV4(r, b, "AKNOBODYKNOWS0000000", "secret", s.Region(), time.Now())
		}, false},
	}
	for _, c := range cases {
		status, typ := raw(t, s, "ReadUsers", body, c.sign)
		if status != 401 || typ != "AccessDenied" {
			t.Errorf("%s: %d %s, want 401 AccessDenied", c.name, status, typ)
		}
		got := rec.Take()
		if c.report != (len(got) == 1) {
			t.Errorf("%s: recorded %q, want a failure: %v", c.name, got, c.report)
		}
	}
	if status, _ := raw(t, s, "ReadUsers", body, rootSigner(s, s.Region())); status != 200 {
		t.Errorf("well-signed request: %d", status)
	}
	if got := rec.Take(); len(got) != 0 {
		t.Errorf("well-signed request recorded %q", got)
	}
}

// TestSDKSigningRegion documents what osc-sdk-go v2 does: it signs for
// eu-west-2 whatever the region, so a fake (or endpoint) in another region
// refuses the SDK's own signature; signing in the transport fixes it.
func TestSDKSigningRegion(t *testing.T) {
	rec := &tbtest.Recorder{TB: t}
	s := New(rec, Options{Region: "cloudgouv-eu-west-1"})

	cfg := osc.NewConfiguration()
	cfg.Servers = osc.ServerConfigurations{{URL: s.Endpoint()}}
	cfg.HTTPClient = s.HTTPClient()
	sdk := osc.NewAPIClient(cfg)
	ctx := context.WithValue(context.Background(), osc.ContextAWSv4, osc.AWSv4{AccessKey: s.opts.AccessKey, SecretKey: s.opts.SecretKey})
	_, resp, err := sdk.UserApi.ReadUsers(ctx).ReadUsersRequest(osc.ReadUsersRequest{}).Execute()
	if err == nil || resp == nil || resp.StatusCode != 401 {
		t.Fatalf("SDK-signed call to cloudgouv-eu-west-1: %v, want 401", err)
	}
	got := rec.Take()
	if len(got) != 1 || !strings.Contains(got[0], `region is "eu-west-2"`) {
		t.Errorf("recorded %q, want the eu-west-2 scope reported", got)
	}

	c, cctx := s.Client()
	if _, _, err := c.UserApi.ReadUsers(cctx).ReadUsersRequest(osc.ReadUsersRequest{}).Execute(); err != nil {
		t.Errorf("transport-signed call: %v", err)
	}
	if got := rec.Take(); len(got) != 0 {
		t.Errorf("transport-signed call recorded %q", got)
	}
}

func TestResponsesMatchSpec(t *testing.T) {
	// Every response the fake sends is validated as it is sent (a failure
	// fails the test through t); here also check the error body directly.
	doc, err := loadSpec()
	if err != nil {
		t.Fatal(err)
	}
	good := []byte(`{"Errors":[{"Code":"1","Type":"AccessDenied","Details":"x"}],"ResponseContext":{"RequestId":"r"}}`)
	if err := validateErrorBody(doc, good); err != nil {
		t.Errorf("valid ErrorResponse refused: %v", err)
	}
	if err := validateErrorBody(doc, []byte(`{"Errors":[{"Code":1}]}`)); err == nil {
		t.Errorf("ErrorResponse with a numeric Code accepted")
	}
	route := operation(doc, "CreateUser")
	req, _ := http.NewRequest(http.MethodPost, "http://x/api/v1/CreateUser", nil)
	if err := validateResponse(context.Background(), route, req, []byte(`{"User":{"UserName":"a","Unknown":1}}`)); err == nil {
		t.Errorf("response with an unknown property accepted")
	}
	// Every handler is a call of the spec.
	for op := range handlers {
		if operation(doc, op) == nil {
			t.Errorf("handler %s is not an operation of the spec", op)
		}
	}
}

func TestWithResponseContext(t *testing.T) {
	for in, want := range map[string]string{
		`{}`:            `{"ResponseContext":{"RequestId":"r"}}`,
		`{"A":1}`:       `{"ResponseContext":{"RequestId":"r"},"A":1}`,
		`{"A":{"B":2}}`: `{"ResponseContext":{"RequestId":"r"},"A":{"B":2}}`,
	} {
		if got := withResponseContext([]byte(in), "r"); !bytes.Equal(got, []byte(want)) {
			t.Errorf("withResponseContext(%s) = %s, want %s", in, got, want)
		}
	}
}

func TestSpecPath(t *testing.T) {
	p, err := specPath()
	if err != nil || !strings.Contains(filepath.ToSlash(p), "github.com/outscale/osc-sdk-go/v2@") || !strings.HasSuffix(p, "openapi.yaml") {
		t.Errorf("specPath() = %q, %v", p, err)
	}
}

// TestAWSSDKv2Signer shows the fix an adapter can use for regions other
// than eu-west-2: sign in the HTTP transport with aws-sdk-go-v2's SigV4
// signer, service "oapi", the endpoint's region.
func TestAWSSDKv2Signer(t *testing.T) {
	rec := &tbtest.Recorder{TB: t}
	s := New(rec, Options{Region: "us-east-2"})
	signer := v4.NewSigner()
	creds := aws.Credentials{AccessKeyID: s.opts.AccessKey, SecretAccessKey: s.opts.SecretKey}
	status, _ := raw(t, s, "ReadUsers", `{}`, func(r *http.Request, body []byte) {
		if err := signer.SignHTTP(context.Background(), creds, r, hexSHA256(body), "oapi", "us-east-2", time.Now()); err != nil {
			t.Fatal(err)
		}
	})
	if status != 200 {
		t.Errorf("aws-sdk-go-v2-signed call: %d", status)
	}
	if got := rec.Take(); len(got) != 0 {
		t.Errorf("aws-sdk-go-v2-signed call recorded %q", got)
	}
}
