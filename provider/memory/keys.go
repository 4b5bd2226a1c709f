package memory

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"fmt"
	"iter"
	"strings"
	"time"

	"github.com/iamkit/iamkit/iam"
)

// accessKey is a stored key. Only a SHA-256 of its secret is kept: the
// secret itself exists only in the answer to CreateAccessKey.
type accessKey struct {
	id      string
	user    string
	hash    [sha256.Size]byte
	status  iam.KeyStatus
	created time.Time
	expires time.Time
	seq     int64
}

// view returns the key without its secret.
func (k *accessKey) view() *iam.AccessKey {
	return &iam.AccessKey{ID: k.id, Kind: iam.KeyAccessKey, User: k.user, Status: k.status, CreatedAt: k.created, ExpiresAt: k.expires}
}

// sortKey orders a user's keys by creation.
func (k *accessKey) sortKey() string { return fmt.Sprintf("%020d", k.seq) }

// The shape of key IDs and secrets.
const (
	keyPrefix     = "MKIA"
	keyIDRandom   = 16
	keyIDAlphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789"
	secretLen     = 40
	// 64 characters, so that a random byte masked to 6 bits picks one
	// without bias.
	secretAlphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/"
)

// randomString returns n characters of alphabet drawn with crypto/rand.
// Bytes that would bias the draw are rejected.
func randomString(n int, alphabet string) string {
	limit := 256 - 256%len(alphabet)
	out := make([]byte, 0, n)
	buf := make([]byte, n+n/2)
	for len(out) < n {
		rand.Read(buf) // never fails (it aborts the program instead)
		for _, b := range buf {
			if int(b) < limit && len(out) < n {
				out = append(out, alphabet[int(b)%len(alphabet)])
			}
		}
	}
	return string(out)
}

// validKeyID reports whether id has the shape of a key ID this provider
// issues.
func validKeyID(id string) bool {
	rest, ok := strings.CutPrefix(id, keyPrefix)
	if !ok || len(rest) != keyIDRandom {
		return false
	}
	for i := range len(rest) {
		if !strings.ContainsRune(keyIDAlphabet, rune(rest[i])) {
			return false
		}
	}
	return true
}

// checkKeyID returns the ErrInvalid of an empty key ID, or nil.
func checkKeyID(op, userName, id string) error {
	if id == "" {
		return fail(op, userRes(userName)+"/access-key/", iam.ErrInvalid, "access key ID is empty")
	}
	return nil
}

// CreateAccessKey creates an active key for user; the answer is the only
// one that carries the secret. ErrNotFound if the user does not exist,
// ErrLimit when it has Limits.MaxKeysPerUser keys, ErrInvalid when
// opts.ExpiresAt is not in the future.
func (p *Provider) CreateAccessKey(ctx context.Context, userName string, opts *iam.KeyOptions) (*iam.AccessKey, error) {
	const op = "CreateAccessKey"
	res := userRes(userName)
	if err := p.begin(ctx, op, res, checkName(op, p.rules.User, "user", userName)); err != nil {
		return nil, err
	}
	now := p.now()
	var expires time.Time
	if opts != nil && !opts.ExpiresAt.IsZero() {
		if !opts.ExpiresAt.After(now) {
			return nil, fail(op, res, iam.ErrInvalid, "expiry %s is not in the future", opts.ExpiresAt.UTC().Format(time.RFC3339))
		}
		expires = opts.ExpiresAt.Round(0)
	}
	secret := randomString(secretLen, secretAlphabet)
	p.mu.Lock()
	defer p.mu.Unlock()
	u, ok := p.users[userName]
	if !ok {
		return nil, fail(op, res, iam.ErrNotFound, "")
	}
	if n := len(u.keys); n >= p.limits.MaxKeysPerUser {
		return nil, fail(op, res, iam.ErrLimit,
			"user has %s, the limit is %d; delete one before creating another", plural(n, "access key", "access keys"), p.limits.MaxKeysPerUser)
	}
	id := keyPrefix + randomString(keyIDRandom, keyIDAlphabet)
	for p.keys[id] != nil {
		id = keyPrefix + randomString(keyIDRandom, keyIDAlphabet)
	}
	p.keySeq++
	k := &accessKey{
		id:      id,
		user:    userName,
		hash:    sha256.Sum256([]byte(secret)),
		status:  iam.KeyActive,
		created: now,
		expires: expires,
		seq:     p.keySeq,
	}
	p.keys[id] = k
	u.keys[id] = k
	if err := p.commit(op, res); err != nil {
		return nil, err
	}
	out := k.view()
	out.Secret = iam.NewSecret(secret)
	return out, nil
}

// ListAccessKeys lists user's keys, oldest first, without their secrets.
// ErrNotFound if the user does not exist.
func (p *Provider) ListAccessKeys(ctx context.Context, userName string) iter.Seq2[*iam.AccessKey, error] {
	const op = "ListAccessKeys"
	res := userRes(userName)
	return paginate(p, ctx, op, res, checkName(op, p.rules.User, "user", userName), func(after string) ([]*iam.AccessKey, string, bool, error) {
		u, ok := p.users[userName]
		if !ok {
			return nil, "", false, fail(op, res, iam.ErrNotFound, "")
		}
		bySeq := make(map[string]*accessKey, len(u.keys))
		for _, k := range u.keys {
			bySeq[k.sortKey()] = k
		}
		items, last, more := pageOf(bySeq, after, p.pageSize, func(_ string, k *accessKey) *iam.AccessKey { return k.view() })
		return items, last, more, nil
	})
}

// SetAccessKeyStatus activates or deactivates a key of user. ErrInvalid
// for a status other than iam.KeyActive and iam.KeyInactive, ErrNotFound
// if the user or the key does not exist or the key is another user's.
func (p *Provider) SetAccessKeyStatus(ctx context.Context, userName, keyID string, status iam.KeyStatus) error {
	const op = "SetAccessKeyStatus"
	res := keyRes(userName, keyID)
	invalid := firstErr(checkName(op, p.rules.User, "user", userName), checkKeyID(op, userName, keyID))
	if err := p.begin(ctx, op, res, invalid); err != nil {
		return err
	}
	if status != iam.KeyActive && status != iam.KeyInactive {
		return fail(op, res, iam.ErrInvalid, "status %q is neither %q nor %q", status, iam.KeyActive, iam.KeyInactive)
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	k, err := p.userKey(op, userName, keyID)
	if err != nil {
		return err
	}
	k.status = status
	return p.commit(op, res)
}

// DeleteAccessKey deletes a key of user. ErrNotFound if the user or the
// key does not exist or the key is another user's.
func (p *Provider) DeleteAccessKey(ctx context.Context, userName, keyID string) error {
	const op = "DeleteAccessKey"
	res := keyRes(userName, keyID)
	invalid := firstErr(checkName(op, p.rules.User, "user", userName), checkKeyID(op, userName, keyID))
	if err := p.begin(ctx, op, res, invalid); err != nil {
		return err
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	k, err := p.userKey(op, userName, keyID)
	if err != nil {
		return err
	}
	delete(p.keys, k.id)
	delete(p.users[userName].keys, k.id)
	return p.commit(op, res)
}

// userKey finds key id of user; p.mu must be held.
func (p *Provider) userKey(op, userName, id string) (*accessKey, error) {
	u, ok := p.users[userName]
	if !ok {
		return nil, fail(op, userRes(userName), iam.ErrNotFound, "")
	}
	k, ok := u.keys[id]
	if !ok {
		// A key of another user is not found either, as on AWS: the
		// answer must not reveal that the key exists elsewhere.
		return nil, fail(op, keyRes(userName, id), iam.ErrNotFound, "")
	}
	return k, nil
}
