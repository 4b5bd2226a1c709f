package providertest

import (
	"fmt"
	"time"

	"github.com/iamkit/iamkit/iam"
)

var keyTests = []test{
	{"CreateListDelete", testKeyLifecycle},
	{"Missing", testKeyMissing},
	{"Limit", testKeyLimit},
	{"Status", testKeyStatus},
	{"InvalidStatus", testKeyInvalidStatus},
	{"Expiry", testKeyExpiry},
}

// newKey creates an access key for user and checks the answer.
func (e *env) newKey(user string, opts *iam.KeyOptions) *iam.AccessKey {
	e.t.Helper()
	k, err := e.p.CreateAccessKey(e.ctx, user, opts)
	e.must(err, "CreateAccessKey(%s)", user)
	if k.ID == "" || k.Secret.IsZero() || k.User != user || k.Status != iam.KeyActive || k.CreatedAt.IsZero() {
		e.t.Errorf("CreateAccessKey(%s) = ID %q, secret set %v, User %q, Status %q, CreatedAt %v; want an ID, a secret, the user, Active and a creation time",
			user, k.ID, !k.Secret.IsZero(), k.User, k.Status, k.CreatedAt)
	}
	if k.Secret.Reveal() == k.ID {
		e.t.Errorf("CreateAccessKey: the secret is the key ID")
	}
	if k.Kind == "" {
		e.t.Errorf("CreateAccessKey(%s): the key has no Kind (a sink needs it to know what to write)", user)
	}
	return k
}

// listedKey finds key id in user's listing.
func (e *env) listedKey(user, id string) (*iam.AccessKey, error) {
	var found *iam.AccessKey
	n := 0
	for k, err := range e.p.ListAccessKeys(e.ctx, user) {
		if err != nil {
			return nil, fmt.Errorf("ListAccessKeys(%s): %w", user, err)
		}
		if k.ID == id {
			found = k
			n++
		}
	}
	if n != 1 {
		return nil, fmt.Errorf("ListAccessKeys(%s) lists key %s %d times, want once", user, id, n)
	}
	return found, nil
}

func testKeyLifecycle(e *env) {
	u := e.newUser()
	k := e.newKey(u.Name, nil)
	if !k.ExpiresAt.IsZero() {
		e.t.Errorf("CreateAccessKey without options: ExpiresAt %v, want zero (no expiry)", k.ExpiresAt)
	}
	e.eventually(func() error {
		got, err := e.listedKey(u.Name, k.ID)
		if err != nil {
			return err
		}
		if got.User != u.Name || got.Status != iam.KeyActive || got.CreatedAt.IsZero() || got.Kind != k.Kind {
			return fmt.Errorf("listed key = User %q, Status %q, CreatedAt %v, Kind %q; want %q, Active, a creation time and %q as created",
				got.User, got.Status, got.CreatedAt, got.Kind, u.Name, k.Kind)
		}
		if !got.Secret.IsZero() {
			return fmt.Errorf("listed key carries a secret")
		}
		return nil
	})
	e.must(e.p.DeleteAccessKey(e.ctx, u.Name, k.ID), "DeleteAccessKey")
	e.eventually(func() error {
		ids, err := names(e.p.ListAccessKeys(e.ctx, u.Name), func(k *iam.AccessKey) string { return k.ID })
		if err != nil {
			return err
		}
		if count(ids, k.ID) != 0 {
			return fmt.Errorf("ListAccessKeys still lists the deleted key %s", k.ID)
		}
		return nil
	})
}

func testKeyMissing(e *env) {
	missing := e.name("u")
	_, err := e.p.CreateAccessKey(e.ctx, missing, nil)
	e.isKind(err, iam.ErrNotFound, "CreateAccessKey for a missing user")
	e.isKind(firstErr(e.p.ListAccessKeys(e.ctx, missing)), iam.ErrNotFound, "ListAccessKeys of a missing user")

	// A key ID of the provider's own shape that no longer exists.
	u := e.newUser()
	k := e.newKey(u.Name, nil)
	e.must(e.p.DeleteAccessKey(e.ctx, u.Name, k.ID), "DeleteAccessKey")
	e.eventually(func() error {
		if err := e.p.DeleteAccessKey(e.ctx, u.Name, k.ID); !isKindOnly(err, iam.ErrNotFound) {
			return fmt.Errorf("DeleteAccessKey of a deleted key: got %v, want ErrNotFound", err)
		}
		return nil
	})
	e.isKind(e.p.DeleteAccessKey(e.ctx, missing, k.ID), iam.ErrNotFound, "DeleteAccessKey for a missing user")
	if e.caps.KeyStatus {
		e.isKind(e.p.SetAccessKeyStatus(e.ctx, u.Name, k.ID, iam.KeyInactive), iam.ErrNotFound, "SetAccessKeyStatus of a deleted key")
		e.isKind(e.p.SetAccessKeyStatus(e.ctx, missing, k.ID, iam.KeyInactive), iam.ErrNotFound, "SetAccessKeyStatus for a missing user")
	}

	// Another user's key is not found either.
	other := e.newUser()
	ok := e.newKey(other.Name, nil)
	e.isKind(e.p.DeleteAccessKey(e.ctx, u.Name, ok.ID), iam.ErrNotFound, "DeleteAccessKey of another user's key")
	e.eventually(func() error { _, err := e.listedKey(other.Name, ok.ID); return err })
}

// isKindOnly reports whether err has kind and no other.
func isKindOnly(err, kind error) bool {
	ks := Kinds(err)
	return len(ks) == 1 && ks[0] == kind
}

func testKeyLimit(e *env) {
	max := e.caps.MaxKeysPerUser
	if max == 0 {
		e.t.Skip("Capabilities.MaxKeysPerUser is 0: no documented cap on keys per user")
	}
	u := e.newUser()
	for range max {
		e.newKey(u.Name, nil)
	}
	_, err := e.p.CreateAccessKey(e.ctx, u.Name, nil)
	e.isKind(err, iam.ErrLimit, "CreateAccessKey beyond Capabilities.MaxKeysPerUser (%d)", max)
	e.eventually(func() error {
		ks, err := iam.Collect(e.p.ListAccessKeys(e.ctx, u.Name))
		if err != nil {
			return err
		}
		if len(ks) != max {
			return fmt.Errorf("after the refused key, the user has %d keys, want %d", len(ks), max)
		}
		return nil
	})
}

func testKeyStatus(e *env) {
	if !e.caps.KeyStatus {
		e.t.Skip("Capabilities.KeyStatus is false: keys cannot be deactivated")
	}
	u := e.newUser()
	k := e.newKey(u.Name, nil)
	for _, st := range []iam.KeyStatus{iam.KeyInactive, iam.KeyActive, iam.KeyInactive} {
		e.must(e.p.SetAccessKeyStatus(e.ctx, u.Name, k.ID, st), "SetAccessKeyStatus(%s)", st)
		e.eventually(func() error {
			got, err := e.listedKey(u.Name, k.ID)
			if err != nil {
				return err
			}
			if got.Status != st {
				return fmt.Errorf("after SetAccessKeyStatus(%s) the key is listed %s", st, got.Status)
			}
			return nil
		})
	}
}

func testKeyInvalidStatus(e *env) {
	if !e.caps.KeyStatus {
		e.t.Skip("Capabilities.KeyStatus is false: keys cannot be deactivated")
	}
	u := e.newUser()
	k := e.newKey(u.Name, nil)
	for _, st := range []iam.KeyStatus{"", "Disabled", "active"} {
		e.isKind(e.p.SetAccessKeyStatus(e.ctx, u.Name, k.ID, st), iam.ErrInvalid, "SetAccessKeyStatus(%q)", st)
	}
	e.eventually(func() error {
		got, err := e.listedKey(u.Name, k.ID)
		if err == nil && got.Status != iam.KeyActive {
			err = fmt.Errorf("after refused status changes the key is %s, want Active", got.Status)
		}
		return err
	})
}

func testKeyExpiry(e *env) {
	u := e.newUser()
	at := time.Now().Add(48 * time.Hour).Truncate(time.Second)
	opts := &iam.KeyOptions{ExpiresAt: at}
	if !e.caps.KeyExpiry {
		_, err := e.p.CreateAccessKey(e.ctx, u.Name, opts)
		e.isKind(err, iam.ErrUnsupported, "CreateAccessKey with an expiry where Capabilities.KeyExpiry is false")
		e.eventually(func() error {
			ks, err := iam.Collect(e.p.ListAccessKeys(e.ctx, u.Name))
			if err == nil && len(ks) != 0 {
				err = fmt.Errorf("the refused CreateAccessKey made a key")
			}
			return err
		})
		return
	}
	k := e.newKey(u.Name, opts)
	if !sameSecond(k.ExpiresAt, at) {
		e.t.Errorf("CreateAccessKey: ExpiresAt %v, want %v", k.ExpiresAt, at)
	}
	e.eventually(func() error {
		got, err := e.listedKey(u.Name, k.ID)
		if err == nil && !sameSecond(got.ExpiresAt, at) {
			err = fmt.Errorf("listed key: ExpiresAt %v, want %v", got.ExpiresAt, at)
		}
		return err
	})
}

// sameSecond reports whether a and b are less than a second apart: clouds
// keep expiry dates to the second.
func sameSecond(a, b time.Time) bool {
	d := a.Sub(b)
	return d > -time.Second && d < time.Second
}
