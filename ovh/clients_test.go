package ovh_test

import (
	"context"
	"errors"
	"testing"

	"github.com/iamkit/iamkit/iam"
	"github.com/iamkit/iamkit/ovh"
)

// TestClientsSeenByAnother: a provider remembers the OAuth2 clients it has
// read (names do not change), yet sees what another process does to them:
// clients deleted or replaced, and key states changed.
func TestClientsSeenByAnother(t *testing.T) {
	ctx := context.Background()
	srv, p := newFake(t)
	other := func() *ovh.Provider {
		q, err := ovh.New(ctx, ovh.Options{Client: srv.Client(), TokenURL: srv.TokenURL(), PageSize: 2})
		if err != nil {
			t.Fatal(err)
		}
		return q
	}
	keys := func(user string) []*iam.AccessKey {
		t.Helper()
		ks, err := iam.Collect(p.ListAccessKeys(ctx, user))
		if err != nil {
			t.Fatalf("ListAccessKeys(%s): %v", user, err)
		}
		return ks
	}

	// Key state: another process hands out the key of a client p has
	// read while it was keyless.
	q := other()
	if _, err := q.CreateUser(ctx, "issued-elsewhere", nil); err != nil {
		t.Fatal(err)
	}
	if ks := keys("issued-elsewhere"); len(ks) != 0 {
		t.Fatalf("keys before = %d, want 0", len(ks))
	}
	k, err := q.CreateAccessKey(ctx, "issued-elsewhere", nil)
	if err != nil {
		t.Fatal(err)
	}
	if ks := keys("issued-elsewhere"); len(ks) != 1 || ks[0].ID != k.ID {
		t.Errorf("keys after another process issued %s = %v, want that key", k.ID, ks)
	}
	if err := p.DeleteUser(ctx, "issued-elsewhere"); !errors.Is(err, iam.ErrConflict) {
		t.Errorf("DeleteUser with a key issued elsewhere: %v, want ErrConflict", err)
	}

	// Replacement: another process revokes the key, which replaces the
	// client (a new id and identity URN).
	before, err := p.GetUser(ctx, "issued-elsewhere")
	if err != nil {
		t.Fatal(err)
	}
	if err := other().DeleteAccessKey(ctx, "issued-elsewhere", k.ID); err != nil {
		t.Fatal(err)
	}
	after, err := p.GetUser(ctx, "issued-elsewhere")
	if err != nil {
		t.Fatal(err)
	}
	if after.ID == before.ID {
		t.Errorf("GetUser after the client was replaced elsewhere: still %s", before.ID)
	}
	if ks := keys("issued-elsewhere"); len(ks) != 0 {
		t.Errorf("keys after another process revoked it = %v, want none", ks)
	}

	// A name taken elsewhere after p read every client is still taken.
	if _, err := other().CreateUser(ctx, "made-elsewhere", nil); err != nil {
		t.Fatal(err)
	}
	if _, err := p.CreateUser(ctx, "made-elsewhere", nil); !errors.Is(err, iam.ErrAlreadyExists) {
		t.Errorf("CreateUser of a name made elsewhere: %v, want ErrAlreadyExists", err)
	}

	// Deletion elsewhere.
	if err := other().DeleteUser(ctx, "made-elsewhere"); err != nil {
		t.Fatal(err)
	}
	if _, err := p.GetUser(ctx, "made-elsewhere"); !errors.Is(err, iam.ErrNotFound) {
		t.Errorf("GetUser of a user deleted elsewhere: %v, want ErrNotFound", err)
	}
	users, err := iam.Collect(p.ListUsers(ctx))
	if err != nil {
		t.Fatal(err)
	}
	if len(users) != 1 || users[0].Name != "issued-elsewhere" {
		t.Errorf("ListUsers = %v, want issued-elsewhere alone", users)
	}
}
