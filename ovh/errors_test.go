package ovh_test

import (
	"errors"
	"net/http"
	"strings"
	"testing"
	"time"

	goovh "github.com/ovh/go-ovh/ovh"

	"github.com/iamkit/iamkit/iam"
	"github.com/iamkit/iamkit/internal/ovhfake"
	"github.com/iamkit/iamkit/ovh"
	"github.com/iamkit/iamkit/policy"
)

func TestKindOf(t *testing.T) {
	cases := []struct {
		status int
		class  string
		want   error
	}{
		{404, "Client::NotFound", iam.ErrNotFound},
		{409, "Client::Conflict::AlreadyExists", iam.ErrAlreadyExists},
		{409, "Client::Conflict", iam.ErrConflict},
		{400, "Client::BadRequest", iam.ErrInvalid},
		{400, "Client::BadRequest::INVALID_RESOURCE_URN", iam.ErrInvalid},
		{401, "Client::Unauthorized", iam.ErrDenied},
		{403, "Client::Forbidden", iam.ErrDenied},
		{429, "Client::TooManyRequests", iam.ErrThrottled},
		{500, "Server::InternalServerError", iam.ErrThrottled},
		{503, "Server::ServiceUnavailable", iam.ErrThrottled},
	}
	for _, c := range cases {
		if got := ovh.KindOf(c.status, c.class, "m"); got != c.want {
			t.Errorf("KindOf(%d, %s) = %v, want %v", c.status, c.class, got, c.want)
		}
	}
}

// TestAPIErrors makes the fake answer errors and checks their kinds, that
// go-ovh's error stays reachable, and the INVALID_RESOURCE_URN message.
func TestAPIErrors(t *testing.T) {
	srv := ovhfake.New(t, ovhfake.Options{})
	ctx := t.Context()
	p, err := ovh.New(ctx, ovh.Options{Client: srv.Client(), IdentityWait: 300 * time.Millisecond})
	if err != nil {
		t.Fatal(err)
	}
	srv.FailNext("GET", "/1.0/me/api/oauth2/client", 429, "Client::TooManyRequests", "slow down")
	_, err = p.GetUser(ctx, "x")
	var ae *goovh.APIError
	if !errors.Is(err, iam.ErrThrottled) || !errors.As(err, &ae) || ae.Code != 429 {
		t.Errorf("429: %v", err)
	}
	if !iam.IsRetryable(err) {
		t.Error("429 is not retryable")
	}

	if _, err := p.CreateUser(ctx, "sa", nil); err != nil {
		t.Fatal(err)
	}
	if _, err := p.CreatePolicy(ctx, iam.PolicyInput{Name: "pol", Document: policy.OVHInfrastructureSupervisor(project)}); err != nil {
		t.Fatal(err)
	}
	for range 20 { // more than IdentityWait allows
		srv.FailNext("PUT", "/v2/iam/policy/{policyId}", http.StatusBadRequest, "Client::BadRequest::INVALID_RESOURCE_URN", "Invalid URN urn:v1:eu:identity:credential:x/oauth2-y")
	}
	err = p.AttachPolicy(ctx, "pol", iam.UserPrincipal("sa"))
	if !errors.Is(err, iam.ErrInvalid) || !strings.Contains(err.Error(), "just created") {
		t.Errorf("INVALID_RESOURCE_URN: %v", err)
	}
}

func TestINVALIDURNRetried(t *testing.T) {
	srv, p := newFake(t)
	ctx := t.Context()
	if _, err := p.CreateUser(ctx, "sa", nil); err != nil {
		t.Fatal(err)
	}
	if _, err := p.CreatePolicy(ctx, iam.PolicyInput{Name: "pol", Document: policy.OVHInfrastructureSupervisor(project)}); err != nil {
		t.Fatal(err)
	}
	srv.FailNext("PUT", "/v2/iam/policy/{policyId}", http.StatusBadRequest, "Client::BadRequest::INVALID_RESOURCE_URN", "Invalid URN urn:v1:eu:identity:credential:x/oauth2-y")
	if err := p.AttachPolicy(ctx, "pol", iam.UserPrincipal("sa")); err != nil {
		t.Errorf("AttachPolicy after one INVALID_RESOURCE_URN: %v", err)
	}
}
