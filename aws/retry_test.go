package aws

import (
	"net/url"
	"slices"
	"sync/atomic"
	"testing"

	"github.com/iamkit/iamkit/iam"
	"github.com/iamkit/iamkit/provider/providertest"
)

// TestRetryAfterCreate: a read right after a create that answers
// NoSuchEntity is tried again until IAM shows the new user.
func TestRetryAfterCreate(t *testing.T) {
	var gets atomic.Int32
	f := newFake(t, func(action string, form url.Values) (int, string) {
		switch action {
		case "CreateUser":
			return ok(action, "<User>"+userXML(form.Get("UserName"), form.Get("Path"))+"</User>")
		case "GetUser":
			if gets.Add(1) <= 2 {
				return noSuchEntity("user")
			}
			return ok(action, "<User>"+userXML(form.Get("UserName"), "/iamkit/")+"</User>")
		}
		return apiError(400, "InvalidAction", action)
	})
	p := fakeProvider(t, f, Options{})
	if _, err := p.CreateUser(t.Context(), "fresh", nil); err != nil {
		t.Fatal(err)
	}
	u, err := p.GetUser(t.Context(), "fresh")
	if err != nil {
		t.Fatalf("GetUser after CreateUser: %v", err)
	}
	if u.Name != "fresh" || u.Path != "/iamkit/" {
		t.Errorf("GetUser = %+v", u)
	}
	if got := f.actions(); !slices.Equal(got, []string{"CreateUser", "GetUser", "GetUser", "GetUser"}) {
		t.Errorf("requests %v, want CreateUser then GetUser three times", got)
	}
}

// TestRetryBounded: the retry gives up after Attempts, and never retries
// a NoSuchEntity about something it did not create.
func TestRetryBounded(t *testing.T) {
	f := newFake(t, func(action string, form url.Values) (int, string) {
		if action == "CreateGroup" {
			return ok(action, "<Group>"+groupXML(form.Get("GroupName"), form.Get("Path"))+"</Group>")
		}
		return noSuchEntity("entity")
	})
	p := fakeProvider(t, f, Options{})
	_, err := p.GetUser(t.Context(), "never-created")
	providertest.AssertKind(t, err, iam.ErrNotFound)
	if n := len(f.actions()); n != 1 {
		t.Errorf("GetUser of a user never created sent %d requests, want 1", n)
	}
	if _, err := p.CreateGroup(t.Context(), "g"); err != nil {
		t.Fatal(err)
	}
	before := len(f.actions())
	err = p.AddUserToGroup(t.Context(), "g", "someone")
	providertest.AssertKind(t, err, iam.ErrNotFound)
	if n := len(f.actions()) - before; n != fastTestRetry.Attempts {
		t.Errorf("AddUserToGroup to a fresh group answered NoSuchEntity %d times, want %d (RetryOptions.Attempts)", n, fastTestRetry.Attempts)
	}
	// After a delete, NoSuchEntity is the truth at once.
	f.handle = func(action string, form url.Values) (int, string) {
		if action == "DeleteGroup" {
			return ok(action, "")
		}
		return noSuchEntity("group")
	}
	if err := p.DeleteGroup(t.Context(), "g"); err != nil {
		t.Fatal(err)
	}
	before = len(f.actions())
	_, err = p.GetGroup(t.Context(), "g")
	providertest.AssertKind(t, err, iam.ErrNotFound)
	if n := len(f.actions()) - before; n != 1 {
		t.Errorf("GetGroup after DeleteGroup sent %d requests, want 1", n)
	}
}

// TestThrottlingBySDK: Throttling is retried by the SDK's retryer, not by
// iamkit, and surfaces as ErrThrottled once the SDK gives up.
func TestThrottlingBySDK(t *testing.T) {
	var n atomic.Int32
	f := newFake(t, func(action string, form url.Values) (int, string) {
		if n.Add(1) <= 2 {
			return throttling()
		}
		return ok(action, "<User>"+userXML(form.Get("UserName"), "/iamkit/")+"</User>")
	})
	p := fakeProvider(t, f, Options{})
	if _, err := p.GetUser(t.Context(), "busy"); err != nil {
		t.Fatalf("GetUser after two Throttling answers: %v", err)
	}
	if got := len(f.actions()); got != 3 {
		t.Errorf("%d requests, want 3 (two throttled, retried by the SDK)", got)
	}

	f2 := newFake(t, func(action string, form url.Values) (int, string) {
		if action == "CreateUser" {
			return ok(action, "<User>"+userXML(form.Get("UserName"), form.Get("Path"))+"</User>")
		}
		return throttling()
	})
	p2 := fakeProvider(t, f2, Options{Retry: RetryOptions{Attempts: 5, BaseDelay: 1, MaxDelay: 1, SDKAttempts: 3, SDKMaxBackoff: 1}})
	if _, err := p2.CreateUser(t.Context(), "fresh", nil); err != nil {
		t.Fatal(err)
	}
	_, err := p2.GetUser(t.Context(), "fresh")
	providertest.AssertKind(t, err, iam.ErrThrottled)
	if !iam.IsRetryable(err) {
		t.Errorf("a throttled error is not IsRetryable")
	}
	// CreateUser, then 3 SDK attempts: no second layer of retries.
	if got := len(f2.actions()); got != 1+3 {
		t.Errorf("%d requests, want 4: the SDK's 3 attempts and no retry on top", got)
	}
}
