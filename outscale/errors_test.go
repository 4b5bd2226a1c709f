package outscale_test

import (
	"errors"
	"testing"

	"github.com/iamkit/iamkit/iam"
	"github.com/iamkit/iamkit/internal/oscfake"
	"github.com/iamkit/iamkit/outscale"
)

// TestErrorKinds injects each error family the API answers and checks the
// kind, the *APIError behind it, and that throttling is retried.
func TestErrorKinds(t *testing.T) {
	srv, p := newFake(t, oscfake.Options{Region: "eu-west-3"})
	ctx := t.Context()
	for cond, kind := range map[string]error{
		"AccessDenied": iam.ErrDenied, "AuthFailure": iam.ErrDenied, "MissingParameter": iam.ErrInvalid,
		"InvalidParameter": iam.ErrInvalid, "NotFound": iam.ErrNotFound, "AlreadyExists": iam.ErrAlreadyExists,
		"DependencyProblem": iam.ErrConflict, "TooManyResources": iam.ErrLimit,
	} {
		srv.FailNext("CreateUser", cond)
		_, err := p.CreateUser(ctx, "u-"+cond, nil)
		if iam.KindOf(err) != kind {
			t.Errorf("%s: %v, want kind %v", cond, err, kind)
		}
		var ae *outscale.APIError
		if !errors.As(err, &ae) || ae.Type == "" || ae.Status == 0 {
			t.Errorf("%s: no *APIError in %v", cond, err)
		}
	}
	// Throttling is retried (with no sleep here) and then succeeds.
	srv.FailNext("CreateUser", "Throttled")
	srv.FailNext("CreateUser", "Throttled")
	before := srv.Calls("CreateUser")
	if _, err := p.CreateUser(ctx, "throttled", nil); err != nil {
		t.Fatalf("after throttling: %v", err)
	}
	if n := srv.Calls("CreateUser") - before; n != 3 {
		t.Errorf("CreateUser sent %d times, want 3", n)
	}
}
