package outscale

import (
	"context"
	"iter"
	"net/http"
	"time"

	osc "github.com/outscale/osc-sdk-go/v2"

	"github.com/iamkit/iamkit/iam"
)

// expiryLayout writes ExpirationDate as the spec's example does
// (2020-06-14T00:00:00.000Z).
const expiryLayout = "2006-01-02T15:04:05.000Z"

func statusOf(s string) iam.KeyStatus {
	if s == "INACTIVE" {
		return iam.KeyInactive
	}
	return iam.KeyActive
}

func keyOf(user string, k osc.AccessKey) *iam.AccessKey {
	return &iam.AccessKey{
		ID: k.GetAccessKeyId(), Kind: iam.KeyAccessKey, User: user, Status: statusOf(k.GetState()),
		CreatedAt: parseTime(k.CreationDate), ExpiresAt: parseTime(k.ExpirationDate),
	}
}

// CreateAccessKey creates an access key for EIM user user, expiring at
// opts.ExpiresAt when set. iam.ErrLimit when the user has its 2 keys.
func (p *Provider) CreateAccessKey(ctx context.Context, user string, opts *iam.KeyOptions) (*iam.AccessKey, error) {
	const op = "CreateAccessKey"
	res := "user/" + user
	if err := checkName(names.User, op, res, user); err != nil {
		return nil, err
	}
	req := osc.CreateAccessKeyRequest{UserName: osc.PtrString(user)}
	if opts != nil && !opts.ExpiresAt.IsZero() {
		if !opts.ExpiresAt.After(time.Now()) {
			return nil, fail(op, res, iam.ErrInvalid, "ExpiresAt is not in the future")
		}
		req.ExpirationDate = osc.PtrString(opts.ExpiresAt.UTC().Format(expiryLayout))
	}
	var out osc.CreateAccessKeyResponse
	err := p.call(ctx, op, res, nil, func(ctx context.Context) (*http.Response, error) {
		r, resp, err := p.api.AccessKeyApi.CreateAccessKey(ctx).CreateAccessKeyRequest(req).Execute()
		out = r
		return resp, err
	}, res)
	if err != nil {
		return nil, err
	}
	if out.AccessKey == nil {
		return nil, fail(op, res, iam.ErrInvalid, "the API answered no access key")
	}
	k := out.AccessKey
	return &iam.AccessKey{
		ID: k.GetAccessKeyId(), Kind: iam.KeyAccessKey, Secret: iam.NewSecret(k.GetSecretKey()), User: user, Status: statusOf(k.GetState()),
		CreatedAt: parseTime(k.CreationDate), ExpiresAt: parseTime(k.ExpirationDate),
	}, nil
}

func (p *Provider) readKeys(ctx context.Context, op, res, user string, ids []string) ([]osc.AccessKey, error) {
	req := osc.ReadAccessKeysRequest{UserName: osc.PtrString(user)}
	if len(ids) > 0 {
		req.Filters = &osc.FiltersAccessKeys{AccessKeyIds: &ids}
	}
	var keys []osc.AccessKey
	err := p.call(ctx, op, res, nil, func(ctx context.Context) (*http.Response, error) {
		r, resp, err := p.api.AccessKeyApi.ReadAccessKeys(ctx).ReadAccessKeysRequest(req).Execute()
		keys = r.GetAccessKeys()
		return resp, err
	}, "user/"+user)
	return keys, err
}

// ListAccessKeys lists user's keys, without their secrets.
func (p *Provider) ListAccessKeys(ctx context.Context, user string) iter.Seq2[*iam.AccessKey, error] {
	const op = "ListAccessKeys"
	res := "user/" + user
	if err := checkName(names.User, op, res, user); err != nil {
		return errSeq[iam.AccessKey](err)
	}
	return single(ctx, p, op, res, func(ctx context.Context) ([]*iam.AccessKey, *http.Response, error) {
		r, resp, err := p.api.AccessKeyApi.ReadAccessKeys(ctx).ReadAccessKeysRequest(osc.ReadAccessKeysRequest{UserName: osc.PtrString(user)}).Execute()
		var out []*iam.AccessKey
		for _, k := range r.GetAccessKeys() {
			out = append(out, keyOf(user, k))
		}
		return out, resp, err
	}, res)
}

// checkKey validates a key call's arguments. Outscale access key IDs are
// upper-case letters and digits (20 of them); anything else is refused
// before any call and never echoed, since a caller who mixes up the ID and
// the secret would otherwise see the secret in the message.
func checkKey(op, user, keyID string) (string, error) {
	res := "user/" + user
	if err := checkName(names.User, op, res, user); err != nil {
		return res, err
	}
	ok := keyID != "" && len(keyID) <= 64
	for _, c := range keyID {
		if !(c >= 'A' && c <= 'Z' || c >= '0' && c <= '9') {
			ok = false
		}
	}
	if !ok {
		return res, fail(op, res, iam.ErrInvalid, "an access key ID is upper-case letters and digits (not shown)")
	}
	return res + " key/" + keyID, nil
}

// findKey reads one key of user; iam.ErrNotFound when it has no such key.
func (p *Provider) findKey(ctx context.Context, op, res, user, keyID string) (*osc.AccessKey, error) {
	keys, err := p.readKeys(ctx, op, res, user, []string{keyID})
	if err != nil {
		return nil, err
	}
	for _, k := range keys {
		if k.GetAccessKeyId() == keyID {
			return &k, nil
		}
	}
	return nil, fail(op, res, iam.ErrNotFound, "no such access key")
}

// setState changes a key's state. UpdateAccessKey without ExpirationDate
// clears the expiry (as documented), so the current one is sent again.
func (p *Provider) setState(ctx context.Context, op, res, user string, k *osc.AccessKey, state string) error {
	req := osc.UpdateAccessKeyRequest{AccessKeyId: k.GetAccessKeyId(), State: osc.PtrString(state), UserName: osc.PtrString(user)}
	if exp := parseTime(k.ExpirationDate); !exp.IsZero() {
		if !exp.After(time.Now()) {
			return fail(op, res, iam.ErrInvalid, "the key has expired; delete it")
		}
		req.ExpirationDate = osc.PtrString(exp.UTC().Format(expiryLayout))
	}
	return p.call(ctx, op, res, nil, func(ctx context.Context) (*http.Response, error) {
		_, resp, err := p.api.AccessKeyApi.UpdateAccessKey(ctx).UpdateAccessKeyRequest(req).Execute()
		return resp, err
	})
}

// SetAccessKeyStatus activates or deactivates a key, keeping its expiry.
func (p *Provider) SetAccessKeyStatus(ctx context.Context, user, keyID string, status iam.KeyStatus) error {
	const op = "SetAccessKeyStatus"
	res, err := checkKey(op, user, keyID)
	if err != nil {
		return err
	}
	state := ""
	switch status {
	case iam.KeyActive:
		state = "ACTIVE"
	case iam.KeyInactive:
		state = "INACTIVE"
	default:
		return fail(op, res, iam.ErrInvalid, "a key status is Active or Inactive")
	}
	k, err := p.findKey(ctx, op, res, user, keyID)
	if err != nil {
		return err
	}
	if k.GetState() == state {
		return nil
	}
	return p.setState(ctx, op, res, user, k, state)
}

// DeleteAccessKey deletes a key. An EIM user's key must be INACTIVE to be
// deleted, so an active key is deactivated first.
func (p *Provider) DeleteAccessKey(ctx context.Context, user, keyID string) error {
	const op = "DeleteAccessKey"
	res, err := checkKey(op, user, keyID)
	if err != nil {
		return err
	}
	k, err := p.findKey(ctx, op, res, user, keyID)
	if err != nil {
		return err
	}
	if k.GetState() != "INACTIVE" {
		// An expired key's expiry cannot be sent again (it is in the
		// past); deactivating it without one is harmless since it is
		// deleted next.
		req := osc.UpdateAccessKeyRequest{AccessKeyId: keyID, State: osc.PtrString("INACTIVE"), UserName: osc.PtrString(user)}
		if exp := parseTime(k.ExpirationDate); exp.After(time.Now().Add(time.Minute)) {
			req.ExpirationDate = osc.PtrString(exp.UTC().Format(expiryLayout))
		}
		if err := p.call(ctx, op, res, nil, func(ctx context.Context) (*http.Response, error) {
			_, resp, err := p.api.AccessKeyApi.UpdateAccessKey(ctx).UpdateAccessKeyRequest(req).Execute()
			return resp, err
		}); err != nil {
			return err
		}
	}
	return p.call(ctx, op, res, nil, func(ctx context.Context) (*http.Response, error) {
		_, resp, err := p.api.AccessKeyApi.DeleteAccessKey(ctx).DeleteAccessKeyRequest(osc.DeleteAccessKeyRequest{AccessKeyId: keyID, UserName: osc.PtrString(user)}).Execute()
		return resp, err
	})
}
