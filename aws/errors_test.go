package aws

import (
	"context"
	"errors"
	"net/http"
	"net/url"
	"testing"

	"github.com/aws/smithy-go"

	"github.com/iamkit/iamkit/iam"
	"github.com/iamkit/iamkit/provider/providertest"
)

// TestCodeKinds checks the decisions of the code table, one code of each
// family and every one the contract names.
func TestCodeKinds(t *testing.T) {
	for code, want := range map[string]error{
		"NoSuchEntity":                  iam.ErrNotFound,
		"EntityAlreadyExists":           iam.ErrAlreadyExists,
		"DuplicateSSHPublicKey":         iam.ErrAlreadyExists,
		"DeleteConflict":                iam.ErrConflict,
		"ConcurrentModification":        iam.ErrConflict,
		"LimitExceeded":                 iam.ErrLimit,
		"MalformedPolicyDocument":       iam.ErrInvalid,
		"InvalidInput":                  iam.ErrInvalid,
		"ValidationError":               iam.ErrInvalid,
		"PolicyNotAttachable":           iam.ErrInvalid,
		"AccessDenied":                  iam.ErrDenied,
		"AccessDeniedException":         iam.ErrDenied,
		"InvalidClientTokenId":          iam.ErrDenied,
		"SignatureDoesNotMatch":         iam.ErrDenied,
		"ExpiredToken":                  iam.ErrDenied,
		"UnrecognizedClientException":   iam.ErrDenied,
		"UnmodifiableEntity":            iam.ErrDenied,
		"Throttling":                    iam.ErrThrottled,
		"ThrottlingException":           iam.ErrThrottled,
		"RequestLimitExceeded":          iam.ErrThrottled,
		"EntityTemporarilyUnmodifiable": iam.ErrThrottled,
		"ServiceFailure":                iam.ErrThrottled,
		"FeatureDisabled":               iam.ErrUnsupported,
	} {
		if got := KindOfCode(code); got != want {
			t.Errorf("KindOfCode(%q) = %v, want %v", code, got, want)
		}
	}
	if got := KindOfCode("NoSuchCode"); got != nil {
		t.Errorf("KindOfCode of an unknown code = %v, want nil", got)
	}
	for code, k := range codeKinds {
		if iam.KindOf(k) != k {
			t.Errorf("code %s maps to %v, which is not an iam kind", code, k)
		}
	}
}

// TestErrorMapping sends each error code through the SDK, as IAM would
// answer it, and checks the *iam.Error the provider returns.
func TestErrorMapping(t *testing.T) {
	type answer struct {
		status int
		code   string
	}
	cases := []struct {
		answer answer
		kind   error
	}{
		{answer{404, "NoSuchEntity"}, iam.ErrNotFound},
		{answer{409, "EntityAlreadyExists"}, iam.ErrAlreadyExists},
		{answer{409, "DeleteConflict"}, iam.ErrConflict},
		{answer{409, "LimitExceeded"}, iam.ErrLimit},
		{answer{400, "MalformedPolicyDocument"}, iam.ErrInvalid},
		{answer{400, "InvalidInput"}, iam.ErrInvalid},
		{answer{400, "ValidationError"}, iam.ErrInvalid},
		{answer{403, "AccessDenied"}, iam.ErrDenied},
		{answer{403, "InvalidClientTokenId"}, iam.ErrDenied},
		{answer{403, "SignatureDoesNotMatch"}, iam.ErrDenied},
		{answer{400, "Throttling"}, iam.ErrThrottled},
		{answer{500, "ServiceFailure"}, iam.ErrThrottled},
		{answer{409, "ConcurrentModification"}, iam.ErrConflict},
		{answer{400, "UnmodifiableEntity"}, iam.ErrDenied},
		// Codes the table does not know fall back on the HTTP status.
		{answer{404, "SomethingNew"}, iam.ErrNotFound},
		{answer{403, "SomethingNew"}, iam.ErrDenied},
		{answer{400, "SomethingNew"}, iam.ErrInvalid},
		{answer{503, "SomethingNew"}, iam.ErrThrottled},
	}
	for _, c := range cases {
		t.Run(c.answer.code+"/"+http.StatusText(c.answer.status), func(t *testing.T) {
			f := newFake(t, func(string, url.Values) (int, string) {
				return apiError(c.answer.status, c.answer.code, "refused")
			})
			p := fakeProvider(t, f, Options{Retry: RetryOptions{Attempts: 1, SDKAttempts: 1}})
			_, err := p.GetUser(t.Context(), "watcher_1")
			if bad := providertest.CheckError("aws", err); bad != nil {
				t.Fatal(bad)
			}
			providertest.AssertKind(t, err, c.kind)
			var ie *iam.Error
			if !errors.As(err, &ie) || ie.Op != "GetUser" || ie.Resource != "user/watcher_1" || ie.Provider != "aws" {
				t.Errorf("error %q: want an *iam.Error for aws GetUser user/watcher_1, got %#v", err, ie)
			}
			var ae smithy.APIError
			if !errors.As(err, &ae) || ae.ErrorCode() != c.answer.code {
				t.Errorf("error %q: the SDK's APIError with code %s is not reachable with errors.As", err, c.answer.code)
			}
		})
	}
}

// TestErrorNetwork: a request that gets no answer is ErrThrottled (the
// retryable kind), with the cause reachable.
func TestErrorNetwork(t *testing.T) {
	f := newFake(t, func(string, url.Values) (int, string) { return ok("GetUser", "") })
	p := fakeProvider(t, f, Options{Retry: RetryOptions{Attempts: 1, SDKAttempts: 1}})
	f.Close()
	_, err := p.GetUser(t.Context(), "watcher_1")
	providertest.AssertKind(t, err, iam.ErrThrottled)
	if bad := providertest.CheckError("aws", err); bad != nil {
		t.Error(bad)
	}
}

// TestCancelled: a cancelled context sends nothing; one cancelled during
// the request surfaces as context.Canceled.
func TestCancelled(t *testing.T) {
	release := make(chan struct{})
	f := newFake(t, func(action string, _ url.Values) (int, string) {
		<-release
		return ok(action, "<User>"+userXML("u", "/iamkit/")+"</User>")
	})
	defer close(release)
	p := fakeProvider(t, f, Options{})
	ctx, cancel := context.WithCancel(t.Context())
	cancel()
	if _, err := p.GetUser(ctx, "u"); !errors.Is(err, context.Canceled) {
		t.Errorf("GetUser with a cancelled context: %v", err)
	}
	if n := len(f.actions()); n != 0 {
		t.Errorf("a cancelled call sent %d requests", n)
	}
	ctx, cancel = context.WithCancel(t.Context())
	go func() {
		for len(f.actions()) == 0 {
			runtimeGosched()
		}
		cancel()
	}()
	_, err := p.GetUser(ctx, "u")
	if !errors.Is(err, context.Canceled) {
		t.Errorf("GetUser cancelled in flight: %v, want context.Canceled", err)
	}
	if bad := providertest.CheckError("aws", err); bad != nil {
		t.Error(bad)
	}
}
