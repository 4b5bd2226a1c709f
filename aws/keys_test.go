package aws

import (
	"net/url"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/iamkit/iamkit/iam"
	"github.com/iamkit/iamkit/provider/providertest"
)

const (
	testKeyID  = "AKIAIOSFODNN7EXAMPLE"
	testSecret = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY"
)

func createKeyAnswer(action string, form url.Values) (int, string) {
	return ok(action, `<AccessKey><UserName>`+form.Get("UserName")+`</UserName><AccessKeyId>`+testKeyID+`</AccessKeyId><Status>Active</Status><SecretAccessKey>`+testSecret+`</SecretAccessKey><CreateDate>2024-01-02T03:04:05Z</CreateDate></AccessKey>`)
}

func TestCreateAccessKeySecret(t *testing.T) {
	f := newFake(t, createKeyAnswer)
	p := fakeProvider(t, f, Options{})
	k, err := p.CreateAccessKey(t.Context(), "watcher_1", nil)
	if err != nil {
		t.Fatal(err)
	}
	if k.ID != testKeyID || k.Secret.Reveal() != testSecret || k.User != "watcher_1" || k.Status != iam.KeyActive || k.CreatedAt.IsZero() {
		t.Errorf("CreateAccessKey = %+v", k)
	}
	providertest.AssertRedacted(t, testSecret, k, *k)
}

func TestCreateAccessKeyExpiry(t *testing.T) {
	f := newFake(t, createKeyAnswer)
	p := fakeProvider(t, f, Options{})
	_, err := p.CreateAccessKey(t.Context(), "watcher_1", &iam.KeyOptions{ExpiresAt: time.Now().Add(time.Hour)})
	providertest.AssertKind(t, err, iam.ErrUnsupported)
	if n := len(f.actions()); n != 0 {
		t.Errorf("sent %d requests, want none", n)
	}
}

// TestWaitForKeys: the new key is tried with sts:GetCallerIdentity until
// it works; the wait is bounded.
func TestWaitForKeys(t *testing.T) {
	var sts atomic.Int32
	failFor := int32(2)
	f := newFake(t, func(action string, form url.Values) (int, string) {
		switch action {
		case "CreateAccessKey":
			return createKeyAnswer(action, form)
		case "GetCallerIdentity":
			if !strings.Contains(form.Get("_Authorization"), "Credential="+testKeyID+"/") {
				t.Errorf("GetCallerIdentity not signed with the new key: %q", form.Get("_Authorization"))
			}
			if sts.Add(1) <= failFor {
				return apiError(403, "InvalidClientTokenId", "The security token included in the request is invalid.")
			}
			return ok(action, "<Arn>arn:aws:iam::123456789012:user/iamkit/watcher_1</Arn><UserId>AIDA</UserId><Account>123456789012</Account>")
		}
		return apiError(400, "InvalidAction", action)
	})
	p := fakeProvider(t, f, Options{WaitForKeys: true})
	k, err := p.CreateAccessKey(t.Context(), "watcher_1", nil)
	if err != nil || k.Secret.Reveal() != testSecret {
		t.Fatalf("CreateAccessKey = %v, %v", k, err)
	}
	if n := sts.Load(); n != 3 {
		t.Errorf("GetCallerIdentity called %d times, want 3 (two refusals, then success)", n)
	}

	// A key that never works: the wait ends after KeyWait with the key.
	sts.Store(0)
	failFor = 1 << 30
	start := time.Now()
	k, err = p.CreateAccessKey(t.Context(), "watcher_1", nil)
	if err != nil || k == nil {
		t.Fatalf("CreateAccessKey with a key that never works = %v, %v; want the key", k, err)
	}
	if d := time.Since(start); d > 5*time.Second {
		t.Errorf("the wait took %v, want about KeyWait (%v)", d, fastTestRetry.KeyWait)
	}
}

// TestBadKeyIDs: a malformed key ID (such as a secret passed by mistake)
// is refused before any request, and never echoed.
func TestBadKeyIDs(t *testing.T) {
	f := newFake(t, func(action string, _ url.Values) (int, string) { return ok(action, "") })
	p := fakeProvider(t, f, Options{})
	for _, id := range []string{"", testSecret, "akiaiosfodnn7example", "AKIA"} {
		err := p.DeleteAccessKey(t.Context(), "u", id)
		providertest.AssertKind(t, err, iam.ErrInvalid)
		if id != "" && strings.Contains(err.Error(), id) {
			t.Errorf("error %q echoes the malformed key ID", err)
		}
		providertest.AssertKind(t, p.SetAccessKeyStatus(t.Context(), "u", id, iam.KeyInactive), iam.ErrInvalid)
	}
	providertest.AssertKind(t, p.SetAccessKeyStatus(t.Context(), "u", testKeyID, "Disabled"), iam.ErrInvalid)
	if n := len(f.actions()); n != 0 {
		t.Errorf("sent %d requests, want none", n)
	}
}
