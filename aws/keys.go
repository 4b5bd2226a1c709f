package aws

import (
	"context"
	"iter"
	"time"

	awssdk "github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	iamsdk "github.com/aws/aws-sdk-go-v2/service/iam"
	"github.com/aws/aws-sdk-go-v2/service/iam/types"
	"github.com/aws/aws-sdk-go-v2/service/sts"

	"github.com/iamkit/iamkit/iam"
)

// keyRes names a key in errors: its ID when it has the shape of an AWS
// access key ID, a placeholder otherwise, so that a caller who swaps key
// ID and secret never sees the secret echoed.
func keyRes(user, id string) string {
	ref := id
	if !validKeyID(id) {
		ref = "(malformed key ID)"
	}
	return userRes(user) + "/access-key/" + ref
}

// validKeyID reports whether id has the shape of an AWS access key ID: 16
// to 128 upper-case letters and digits. (Secret keys mix cases, so a
// secret passed by mistake is refused without being sent or echoed.)
func validKeyID(id string) bool {
	if len(id) < 16 || len(id) > 128 {
		return false
	}
	for i := range len(id) {
		c := id[i]
		if (c < 'A' || c > 'Z') && (c < '0' || c > '9') {
			return false
		}
	}
	return true
}

// checkKeyID returns the ErrInvalid of a malformed key ID, or nil.
func checkKeyID(op, user, id string) error {
	switch {
	case id == "":
		return fail(op, userRes(user)+"/access-key/", iam.ErrInvalid, "access key ID is empty", nil)
	case !validKeyID(id):
		return fail(op, keyRes(user, id), iam.ErrInvalid, "access key ID is not 16 to 128 upper-case letters and digits", nil)
	}
	return nil
}

// keyStatus converts an IAM key status.
func keyStatus(s types.StatusType) iam.KeyStatus {
	if s == types.StatusTypeInactive {
		return iam.KeyInactive
	}
	return iam.KeyActive
}

// CreateAccessKey creates an access key for user; the answer is the only
// one that carries the secret, wrapped in an iam.Secret. ErrNotFound if
// the user does not exist, ErrLimit when it has 2 keys already,
// ErrUnsupported for opts.ExpiresAt (IAM keys do not expire).
//
// With Options.WaitForKeys it returns once the key works
// (sts:GetCallerIdentity succeeds with it) or Retry.KeyWait has passed,
// whichever comes first; the key is returned in both cases. If ctx ends
// while waiting, the new key is deleted and the context's error returned.
func (p *Provider) CreateAccessKey(ctx context.Context, user string, opts *iam.KeyOptions) (*iam.AccessKey, error) {
	const op = "CreateAccessKey"
	res := userRes(user)
	invalid := p.checkUser(op, user)
	if invalid == nil && opts != nil && !opts.ExpiresAt.IsZero() {
		invalid = fail(op, res, iam.ErrUnsupported, "IAM access keys do not expire (Capabilities.KeyExpiry is false)", nil)
	}
	if err := begin(ctx, op, res, invalid); err != nil {
		return nil, err
	}
	var out *iamsdk.CreateAccessKeyOutput
	err := p.consistent(ctx, func() error {
		var err error
		out, err = p.iam.CreateAccessKey(ctx, &iamsdk.CreateAccessKeyInput{UserName: awssdk.String(user)})
		return err
	}, res)
	if err != nil {
		return nil, p.wrap(ctx, op, res, err)
	}
	k := out.AccessKey
	key := &iam.AccessKey{
		ID:        awssdk.ToString(k.AccessKeyId),
		Kind:      iam.KeyAccessKey,
		Secret:    iam.NewSecret(awssdk.ToString(k.SecretAccessKey)),
		User:      user,
		Status:    keyStatus(k.Status),
		CreatedAt: awssdk.ToTime(k.CreateDate),
	}
	k.SecretAccessKey = nil
	if key.CreatedAt.IsZero() {
		key.CreatedAt = time.Now().UTC().Truncate(time.Second)
	}
	if p.waitKeys {
		if err := p.waitForKey(ctx, key); err != nil {
			dctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 30*time.Second)
			defer cancel()
			p.iam.DeleteAccessKey(dctx, &iamsdk.DeleteAccessKeyInput{UserName: awssdk.String(user), AccessKeyId: awssdk.String(key.ID)})
			return nil, ctxError(op, res, err, err)
		}
	}
	return key, nil
}

// waitForKey waits until key works, within Retry.KeyWait. It returns an
// error only when ctx ends.
func (p *Provider) waitForKey(ctx context.Context, key *iam.AccessKey) error {
	cfg := p.cfg.Copy()
	cfg.Credentials = credentials.NewStaticCredentialsProvider(key.ID, key.Secret.Reveal(), "")
	client := p.stsClient(cfg)
	deadline := time.Now().Add(p.retry.KeyWait)
	for n := 1; ; n++ {
		if _, err := client.GetCallerIdentity(ctx, &sts.GetCallerIdentityInput{}); err == nil {
			return nil
		}
		if err := ctx.Err(); err != nil {
			return err
		}
		if !time.Now().Before(deadline) {
			return nil
		}
		d := max(p.retry.delay(n), p.retry.BaseDelay/2)
		if err := sleep(ctx, min(d, time.Until(deadline))); err != nil {
			return err
		}
	}
}

// ListAccessKeys lists user's keys, without their secrets; ErrNotFound if
// the user does not exist.
func (p *Provider) ListAccessKeys(ctx context.Context, user string) iter.Seq2[*iam.AccessKey, error] {
	const op = "ListAccessKeys"
	res := userRes(user)
	return paginate(p, ctx, op, res, p.checkUser(op, user), []string{res}, func(ctx context.Context, marker *string, max *int32) (page[*iam.AccessKey], error) {
		out, err := p.iam.ListAccessKeys(ctx, &iamsdk.ListAccessKeysInput{UserName: awssdk.String(user), Marker: marker, MaxItems: max})
		if err != nil {
			return page[*iam.AccessKey]{}, err
		}
		pg := page[*iam.AccessKey]{marker: out.Marker, truncated: out.IsTruncated}
		for _, m := range out.AccessKeyMetadata {
			pg.items = append(pg.items, &iam.AccessKey{
				ID:        awssdk.ToString(m.AccessKeyId),
				Kind:      iam.KeyAccessKey,
				User:      user,
				Status:    keyStatus(m.Status),
				CreatedAt: awssdk.ToTime(m.CreateDate),
			})
		}
		return pg, nil
	})
}

// SetAccessKeyStatus activates or deactivates a key of user. ErrInvalid
// for a status other than iam.KeyActive and iam.KeyInactive, ErrNotFound
// if the user or the key does not exist or the key is another user's.
func (p *Provider) SetAccessKeyStatus(ctx context.Context, user, keyID string, status iam.KeyStatus) error {
	const op = "SetAccessKeyStatus"
	res := keyRes(user, keyID)
	invalid := firstErr(p.checkUser(op, user), checkKeyID(op, user, keyID))
	if invalid == nil && status != iam.KeyActive && status != iam.KeyInactive {
		invalid = fail(op, res, iam.ErrInvalid, `status "`+string(status)+`" is neither "Active" nor "Inactive"`, nil)
	}
	if err := begin(ctx, op, res, invalid); err != nil {
		return err
	}
	st := types.StatusTypeActive
	if status == iam.KeyInactive {
		st = types.StatusTypeInactive
	}
	err := p.consistent(ctx, func() error {
		_, err := p.iam.UpdateAccessKey(ctx, &iamsdk.UpdateAccessKeyInput{UserName: awssdk.String(user), AccessKeyId: awssdk.String(keyID), Status: st})
		return err
	}, userRes(user))
	return p.wrap(ctx, op, res, err)
}

// DeleteAccessKey deletes a key of user. ErrNotFound if the user or the
// key does not exist or the key is another user's.
func (p *Provider) DeleteAccessKey(ctx context.Context, user, keyID string) error {
	const op = "DeleteAccessKey"
	res := keyRes(user, keyID)
	if err := begin(ctx, op, res, p.checkUser(op, user), checkKeyID(op, user, keyID)); err != nil {
		return err
	}
	_, err := p.iam.DeleteAccessKey(ctx, &iamsdk.DeleteAccessKeyInput{UserName: awssdk.String(user), AccessKeyId: awssdk.String(keyID)})
	return p.wrap(ctx, op, res, err)
}
