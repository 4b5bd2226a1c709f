package iam_test

import (
	"context"
	"errors"
	"testing"

	"github.com/iamkit/iamkit/iam"
)

type sdkErr struct{ code string }

func (e *sdkErr) Error() string { return "sdk: " + e.code }

func TestErrorKindAndCause(t *testing.T) {
	cause := &sdkErr{"NoSuchEntity"}
	err := error(iam.NewError("aws", "GetUser", "user/bob", iam.ErrNotFound, "", cause))
	if !errors.Is(err, iam.ErrNotFound) {
		t.Fatal("kind lost")
	}
	var se *sdkErr
	if !errors.As(err, &se) || se.code != "NoSuchEntity" {
		t.Fatal("cause not reachable with errors.As")
	}
	if got := iam.KindOf(err); got != iam.ErrNotFound {
		t.Fatalf("KindOf = %v", got)
	}
	if want := "aws: GetUser user/bob: not found: sdk: NoSuchEntity"; err.Error() != want {
		t.Fatalf("message %q, want %q", err.Error(), want)
	}
	n := 0
	for _, k := range []error{iam.ErrNotFound, iam.ErrAlreadyExists, iam.ErrConflict, iam.ErrInvalid, iam.ErrDenied, iam.ErrLimit, iam.ErrThrottled, iam.ErrUnsupported} {
		if errors.Is(err, k) {
			n++
		}
	}
	if n != 1 {
		t.Fatalf("error has %d kinds", n)
	}
}

func TestErrorMessages(t *testing.T) {
	tests := []struct {
		err  *iam.Error
		want string
	}{
		{&iam.Error{Op: "CreateAccessKey", Provider: "memory", Resource: "user/u", Kind: iam.ErrLimit, Msg: "2 keys per user"}, "memory: CreateAccessKey user/u: limit exceeded: 2 keys per user"},
		{&iam.Error{Op: "Open", Kind: iam.ErrInvalid}, "Open: invalid"},
		{&iam.Error{Op: "ListUsers", Provider: "p", Err: context.Canceled}, "p: ListUsers: context canceled"},
		{&iam.Error{Op: "X"}, "X: error"},
	}
	for _, tt := range tests {
		if got := tt.err.Error(); got != tt.want {
			t.Errorf("got %q, want %q", got, tt.want)
		}
	}
	if !errors.Is(&iam.Error{Op: "ListUsers", Err: context.Canceled}, context.Canceled) {
		t.Error("context error not reachable")
	}
	if iam.KindOf(nil) != nil || iam.KindOf(errors.New("plain")) != nil {
		t.Error("KindOf invented a kind")
	}
	if !iam.IsRetryable(&iam.Error{Kind: iam.ErrThrottled}) || iam.IsRetryable(&iam.Error{Kind: iam.ErrDenied}) {
		t.Error("IsRetryable")
	}
}
