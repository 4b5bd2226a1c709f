package ovh

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"iter"
	"net/http"
	"slices"
	"time"

	"github.com/iamkit/iamkit/iam"
)

// A local user's access keys are its personal access tokens (PATs,
// /me/identity/user/{user}/token): a bearer token that authenticates API
// calls as the user, with the rights the IAM policies naming the user or
// its group give it. The key ID is the token's name; the secret is the
// token, which OVHcloud shows once, at creation.

// maxLocalKeys is iamkit's cap on the personal access tokens of a local
// user. OVHcloud documents none; two, as on AWS and Outscale, let a
// rotation deliver a new token before the old one is deleted, and bound
// the live credentials of an account. The adapter checks it before
// creating a token, under the provider's write lock: two processes
// creating keys for one user at once may pass it.
const maxLocalKeys = 2

// The name prefix and description of the tokens iamkit creates.
const (
	patPrefix = "iamkit-"
	patDesc   = "iamkit access key"
)

// patRequest is auth.PersonalAccessTokenRequest, the body of POST
// /me/identity/user/{user}/token.
type patRequest struct {
	Name        string     `json:"name"`
	Description string     `json:"description"`
	ExpiresAt   *time.Time `json:"expiresAt,omitempty"`
}

// patInfo is auth.PersonalAccessToken, as GET
// /me/identity/user/{user}/token/{name} reads it.
type patInfo struct {
	Name        string     `json:"name"`
	Description string     `json:"description"`
	Creation    time.Time  `json:"creation"`
	ExpiresAt   *time.Time `json:"expiresAt"`
	LastUsed    *time.Time `json:"lastUsed"`
}

// patCreated is auth.PersonalAccessTokenResponse: patInfo and the token.
type patCreated struct {
	patInfo
	Token string `json:"token"`
}

func patPath(login string) string { return "/me/identity/user/" + esc(login) + "/token" }

func (p *Provider) keyOfPAT(login string, t *patInfo) *iam.AccessKey {
	k := &iam.AccessKey{ID: t.Name, Kind: iam.KeyPersonalAccessToken, User: login, Status: iam.KeyActive, CreatedAt: t.Creation}
	if t.ExpiresAt != nil {
		k.ExpiresAt = *t.ExpiresAt
	}
	return k
}

// patNames lists the names of login's tokens.
func (p *Provider) patNames(ctx context.Context, op, login string) ([]string, error) {
	var names []string
	if err := p.get(ctx, patPath(login), &names); err != nil {
		return nil, wrap(op, "user/"+login, err)
	}
	slices.Sort(names)
	return names, nil
}

// hasPAT checks that local user login exists and has token keyID. The ID
// is looked up in the listing, never sent as is: a caller passing a secret
// where the key ID belongs must not see it echoed by an API error.
func (p *Provider) hasPAT(ctx context.Context, op, login, keyID string) error {
	if _, err := p.findLocal(ctx, op, login); err != nil {
		return err
	}
	names, err := p.patNames(ctx, op, login)
	if err != nil {
		return err
	}
	if !slices.Contains(names, keyID) {
		return fail(op, "user/"+login, iam.ErrNotFound, "the user has no such access key")
	}
	return nil
}

// createPAT creates a personal access token for local user login.
func (p *Provider) createPAT(ctx context.Context, op, login string, opts *iam.KeyOptions) (*iam.AccessKey, error) {
	res := "user/" + login
	body := patRequest{Description: patDesc}
	if opts != nil && !opts.ExpiresAt.IsZero() {
		if !opts.ExpiresAt.After(time.Now()) {
			return nil, fail(op, res, iam.ErrInvalid, "the key's expiry date is not in the future")
		}
		at := opts.ExpiresAt.UTC()
		body.ExpiresAt = &at
	}
	p.writeMu.Lock()
	defer p.writeMu.Unlock()
	if _, err := p.findLocal(ctx, op, login); err != nil {
		return nil, err
	}
	names, err := p.patNames(ctx, op, login)
	if err != nil {
		return nil, err
	}
	if len(names) >= maxLocalKeys {
		return nil, fail(op, res, iam.ErrLimit, "the user has the most personal access tokens iamkit allows (2); delete one, or rotate with iam.Rotate")
	}
	b := make([]byte, 8)
	_, _ = rand.Read(b)
	body.Name = patPrefix + hex.EncodeToString(b)
	var out patCreated
	if err := p.call(ctx, http.MethodPost, patPath(login), body, &out); err != nil {
		return nil, wrap(op, res, err)
	}
	secret := iam.NewSecret(out.Token)
	out.Token = ""
	if secret.IsZero() {
		// The token was made but not shown: delete it rather than keep a
		// credential nobody holds.
		_ = p.call(context.WithoutCancel(ctx), http.MethodDelete, patPath(login)+"/"+esc(body.Name), nil, nil)
		return nil, fail(op, res, iam.ErrInvalid, "OVHcloud answered the token creation without the token")
	}
	if out.Name == "" {
		out.Name = body.Name
	}
	if out.Creation.IsZero() {
		out.Creation = time.Now().UTC()
	}
	k := p.keyOfPAT(login, &out.patInfo)
	k.Secret = secret
	return k, nil
}

// listPATs lists local user login's tokens, without their values.
func (p *Provider) listPATs(ctx context.Context, op, login string) iter.Seq2[*iam.AccessKey, error] {
	return func(yield func(*iam.AccessKey, error) bool) {
		if _, err := p.findLocal(ctx, op, login); err != nil {
			yield(nil, err)
			return
		}
		names, err := p.patNames(ctx, op, login)
		if err != nil {
			yield(nil, err)
			return
		}
		for _, n := range names {
			var t patInfo
			if err := p.get(ctx, patPath(login)+"/"+esc(n), &t); err != nil {
				err = wrap(op, "user/"+login, err)
				if iam.KindOf(err) == iam.ErrNotFound {
					continue // deleted meanwhile
				}
				yield(nil, err)
				return
			}
			if t.Name == "" {
				t.Name = n
			}
			if !yield(p.keyOfPAT(login, &t), nil) {
				return
			}
		}
	}
}

// deletePAT deletes (revokes) token keyID of local user login.
func (p *Provider) deletePAT(ctx context.Context, op, login, keyID string) error {
	if err := p.hasPAT(ctx, op, login, keyID); err != nil {
		return err
	}
	return wrap(op, "user/"+login, p.call(ctx, http.MethodDelete, patPath(login)+"/"+esc(keyID), nil, nil))
}

// generic hides the provider's RotateAccessKey, so that iam.Rotate takes
// its own path (new key, delivery, old key deleted) for local users, whose
// keys need no new identity.
type generic struct{ iam.Provider }
