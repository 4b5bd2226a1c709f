package ovh

import (
	"context"
	"errors"
	"iter"
	"maps"
	"net/http"
	"slices"

	"github.com/iamkit/iamkit/iam"
)

func (p *Provider) keyOf(c *client, user string) *iam.AccessKey {
	return &iam.AccessKey{ID: c.ClientID, Kind: iam.KeyOAuth2Client, User: user, Status: iam.KeyActive, CreatedAt: c.CreatedAt}
}

// CreateAccessKey hands out the service account's credential: its client
// id and secret. A service account has one credential at most: ErrLimit
// once it is issued. The secret OVHcloud showed when this provider
// created the client is returned (once); when this provider no longer
// holds it (another process created the account, or its key was deleted
// and the secret dropped), the account's client is replaced by a new one
// of the same name, which takes over the old one's policy identities.
// Expiry: ErrUnsupported (OVHcloud clients do not expire).
//
// With Options.LocalUsers the key is a new personal access token of the
// local user: its name is the key ID, the token the secret (returned
// once), opts.ExpiresAt its expiry; ErrLimit once the user has two.
func (p *Provider) CreateAccessKey(ctx context.Context, user string, opts *iam.KeyOptions) (*iam.AccessKey, error) {
	const op = "CreateAccessKey"
	if err := checkName(op, p.userRule(), user); err != nil {
		return nil, err
	}
	if p.local {
		return p.createPAT(ctx, op, user, opts)
	}
	if opts != nil && !opts.ExpiresAt.IsZero() {
		return nil, fail(op, "user/"+user, iam.ErrUnsupported, "OVHcloud service account credentials do not expire; give the policy an expiry instead")
	}
	p.writeMu.Lock()
	defer p.writeMu.Unlock()
	c, err := p.findClient(ctx, op, user)
	if err != nil {
		return nil, err
	}
	if c.issued() {
		return nil, fail(op, "user/"+user, iam.ErrLimit, "a service account has one credential (its OAuth2 client), already issued; rotate it with iam.Rotate")
	}
	p.mu.Lock()
	secret, ok := p.pending[c.ClientID]
	delete(p.pending, c.ClientID)
	p.mu.Unlock()
	if ok {
		if err := p.setDescription(ctx, c, descIssued); err != nil {
			p.mu.Lock()
			p.pending[c.ClientID] = secret
			p.mu.Unlock()
			return nil, wrap(op, "user/"+user, err)
		}
		k := p.keyOf(c, user)
		k.Secret = secret
		return k, nil
	}
	nc, secret, err := p.replace(ctx, op, c, descIssued)
	if err != nil {
		return nil, err
	}
	k := p.keyOf(nc, user)
	k.Secret = secret
	return k, nil
}

// replace creates a new client named as c, with description desc, moves
// c's policy identities to it and deletes c.
func (p *Provider) replace(ctx context.Context, op string, c *client, desc string) (*client, iam.Secret, error) {
	res := "user/" + c.Name
	nc, secret, err := p.newClient(ctx, c.Name, descRotating)
	if err != nil {
		return nil, iam.Secret{}, wrap(op, res, err)
	}
	undo := func(cause error) (*client, iam.Secret, error) {
		_ = p.moveIdentities(context.WithoutCancel(ctx), p.identityURN(nc), "", false)
		_ = p.call(context.WithoutCancel(ctx), http.MethodDelete, "/me/api/oauth2/client/"+esc(nc.ClientID), nil, nil)
		return nil, iam.Secret{}, wrap(op, res, cause)
	}
	if err := p.moveIdentities(ctx, p.identityURN(c), p.identityURN(nc), true); err != nil {
		return undo(err)
	}
	if err := p.setDescription(ctx, nc, desc); err != nil {
		return undo(err)
	}
	if err := p.moveIdentities(ctx, p.identityURN(c), "", false); err != nil {
		return nil, iam.Secret{}, wrap(op, res, err)
	}
	if err := p.call(ctx, http.MethodDelete, "/me/api/oauth2/client/"+esc(c.ClientID), nil, nil); err != nil {
		return nil, iam.Secret{}, wrap(op, res, err)
	}
	p.mu.Lock()
	delete(p.pending, c.ClientID)
	p.mu.Unlock()
	return nc, secret, nil
}

// moveIdentities edits every policy naming from: it adds to (when not
// empty) and, unless keep, removes from.
func (p *Provider) moveIdentities(ctx context.Context, from, to string, keep bool) error {
	p.policyMu.Lock()
	defer p.policyMu.Unlock()
	var todo []*storedPolicy
	for s, err := range p.policies(ctx) {
		if err != nil {
			return err
		}
		if !s.ReadOnly && slices.Contains(s.Identities, from) {
			todo = append(todo, s)
		}
	}
	for _, s := range todo {
		n := s.native()
		ids := slices.Clone(n.Identities)
		if to != "" && !slices.Contains(ids, to) {
			ids = append(ids, to)
		}
		if !keep {
			ids = slices.DeleteFunc(ids, func(x string) bool { return x == from })
		}
		n.Identities = ids
		if err := p.retryURN(ctx, func() error { _, err := p.put(ctx, n, s.ID); return err }); err != nil {
			return err
		}
	}
	return nil
}

// ListAccessKeys lists the service account's credential once issued; with
// Options.LocalUsers, the local user's personal access tokens (all of
// them, by name, without their values).
func (p *Provider) ListAccessKeys(ctx context.Context, user string) iter.Seq2[*iam.AccessKey, error] {
	return func(yield func(*iam.AccessKey, error) bool) {
		if err := checkName("ListAccessKeys", p.userRule(), user); err != nil {
			yield(nil, err)
			return
		}
		if p.local {
			for k, err := range p.listPATs(ctx, "ListAccessKeys", user) {
				if !yield(k, err) || err != nil {
					return
				}
			}
			return
		}
		cs, err := p.named(ctx, "ListAccessKeys", user, true)
		if err == nil && len(cs) == 0 {
			err = fail("ListAccessKeys", "user/"+user, iam.ErrNotFound, "no service account of that name")
		}
		if err != nil {
			yield(nil, err)
			return
		}
		// The settled credential once issued, and the one a rotation is
		// making (issued to its sink, or about to be), so that a rotation
		// a crash interrupted can be found and undone (iam.Recover).
		for _, c := range cs {
			if c.issued() || c.Description == descRotating {
				if !yield(p.keyOf(c, user), nil) {
					return
				}
			}
		}
	}
}

// SetAccessKeyStatus returns ErrUnsupported once the key is found:
// OVHcloud credentials (clients and personal access tokens) cannot be
// deactivated.
func (p *Provider) SetAccessKeyStatus(ctx context.Context, user, keyID string, status iam.KeyStatus) error {
	const op = "SetAccessKeyStatus"
	if err := checkName(op, p.userRule(), user); err != nil {
		return err
	}
	if keyID == "" {
		return fail(op, "user/"+user, iam.ErrInvalid, "the access key ID is empty")
	}
	if status != iam.KeyActive && status != iam.KeyInactive {
		return fail(op, "user/"+user, iam.ErrInvalid, "status must be Active or Inactive")
	}
	if p.local {
		if err := p.hasPAT(ctx, op, user, keyID); err != nil {
			return err
		}
		return fail(op, "user/"+user, iam.ErrUnsupported, "OVHcloud personal access tokens cannot be deactivated, only deleted")
	}
	c, err := p.findClient(ctx, op, user)
	if err != nil {
		return err
	}
	if !c.issued() || c.ClientID != keyID {
		return fail(op, "user/"+user, iam.ErrNotFound, "the user has no such access key")
	}
	return fail(op, "user/"+user, iam.ErrUnsupported, "OVHcloud service account credentials cannot be deactivated, only deleted")
}

// DeleteAccessKey revokes the service account's credential. OVHcloud
// cannot regenerate a client's secret, so the account's client is
// replaced by a new one of the same name that takes over its policy
// identities; the account's identity URN changes. The new client's
// secret is kept in memory for a later CreateAccessKey. With
// Options.LocalUsers it deletes (revokes) the personal access token.
func (p *Provider) DeleteAccessKey(ctx context.Context, user, keyID string) error {
	const op = "DeleteAccessKey"
	if err := checkName(op, p.userRule(), user); err != nil {
		return err
	}
	if keyID == "" {
		return fail(op, "user/"+user, iam.ErrInvalid, "the access key ID is empty")
	}
	if p.local {
		return p.deletePAT(ctx, op, user, keyID)
	}
	p.writeMu.Lock()
	defer p.writeMu.Unlock()
	cs, err := p.named(ctx, op, user, true)
	if err != nil {
		return err
	}
	var c *client
	for _, x := range cs {
		if x.ClientID == keyID && x.Description == descRotating {
			// A rotation's new credential, never settled: undo what the
			// rotation did for it.
			if err := p.moveIdentities(ctx, p.identityURN(x), "", false); err != nil {
				return wrap(op, "user/"+user, err)
			}
			if err := p.call(ctx, http.MethodDelete, "/me/api/oauth2/client/"+esc(x.ClientID), nil, nil); err != nil {
				return wrap(op, "user/"+user, err)
			}
			return nil
		}
		if c == nil || better(x, c) {
			c = x
		}
	}
	if c == nil {
		return fail(op, "user/"+user, iam.ErrNotFound, "no service account of that name")
	}
	if !c.issued() || c.ClientID != keyID {
		return fail(op, "user/"+user, iam.ErrNotFound, "the user has no such access key")
	}
	nc, secret, err := p.replace(ctx, op, c, descKeyless)
	if err != nil {
		return err
	}
	p.mu.Lock()
	p.pending[nc.ClientID] = secret
	p.mu.Unlock()
	return nil
}

// RotateAccessKey implements iam.KeyRotator: with one credential per
// service account, a rotation makes a new OAuth2 client of the same name,
// adds its identity to every policy naming the old one, delivers the new
// credential to opts.Sink, waits for opts.Wait, then removes the old
// identity from the policies and deletes the old client. Until delivery
// nothing of the old client is touched; an undelivered client is deleted.
//
// With Options.LocalUsers, whose users keep their identity and may hold
// two keys, it is iam.Rotate's own path: a new personal access token,
// delivered, then the old ones deleted.
func (p *Provider) RotateAccessKey(ctx context.Context, user string, opts iam.RotateOptions) (*iam.Rotated, error) {
	const op = "Rotate"
	res := "user/" + user
	werr := func(step string, err error) error { return &iam.WorkflowError{Op: op, Step: step, Err: err} }
	if err := checkName(op, p.userRule(), user); err != nil {
		return nil, err
	}
	if p.local {
		return iam.Rotate(ctx, generic{p}, user, opts)
	}
	if opts.KeepInactive {
		return nil, fail(op, res, iam.ErrUnsupported, "RotateOptions.KeepInactive: OVHcloud credentials cannot be deactivated, only deleted")
	}
	if opts.Key != nil && !opts.Key.ExpiresAt.IsZero() {
		return nil, fail(op, res, iam.ErrUnsupported, "OVHcloud service account credentials do not expire")
	}
	p.writeMu.Lock()
	defer p.writeMu.Unlock()
	old, err := p.findClient(ctx, op, user)
	if err != nil {
		return nil, werr("find "+res, err)
	}
	nc, secret, err := p.newClient(ctx, user, descRotating)
	if err != nil {
		return nil, werr("create the new client of "+res, wrap(op, res, err))
	}
	oldURN, newURN := p.identityURN(old), p.identityURN(nc)
	drop := func(step string, cause error) error {
		bg := context.WithoutCancel(ctx)
		e := &iam.WorkflowError{Op: op, Step: step, Err: cause}
		uerr := p.moveIdentities(bg, newURN, "", false)
		if uerr == nil {
			uerr = p.call(bg, http.MethodDelete, "/me/api/oauth2/client/"+esc(nc.ClientID), nil, nil)
		}
		if uerr != nil {
			e.Left, e.UndoErr = []string{"client " + nc.ClientID}, wrap(op, res, uerr)
		} else {
			e.Undone = []string{"client " + nc.ClientID}
		}
		return e
	}
	if err := p.moveIdentities(ctx, oldURN, newURN, true); err != nil {
		return nil, drop("add the new identity to the policies of "+res, wrap(op, res, err))
	}
	key := p.keyOf(nc, user)
	key.Secret = secret
	d := iam.Delivery{Provider: providerName, User: user, Key: key, Settings: maps.Clone(opts.Settings)}
	if opts.Sink == nil {
		return nil, drop("deliver", fail(op, res, iam.ErrInvalid, "RotateOptions.Sink is required"))
	}
	if err := opts.Sink.Deliver(ctx, d); err != nil {
		return nil, drop("deliver access key "+nc.ClientID+" of "+res, err)
	}
	out := &iam.Rotated{User: user, New: key}
	if old.issued() {
		out.Pending = []string{old.ClientID}
	}
	incomplete := func(step string, err error) (*iam.Rotated, error) {
		return out, werr(step+" (the new key is delivered; finish by deleting client "+old.ClientID+")", err)
	}
	if opts.Wait != nil {
		if err := opts.Wait(ctx, key); err != nil {
			return incomplete("wait for access key "+nc.ClientID+" of "+res+" to work", err)
		}
	}
	if err := p.setDescription(ctx, nc, descIssued); err != nil {
		return incomplete("mark the new client of "+res, wrap(op, res, err))
	}
	if err := p.moveIdentities(ctx, oldURN, "", false); err != nil {
		return incomplete("remove the old identity from the policies of "+res, wrap(op, res, err))
	}
	if err := p.call(ctx, http.MethodDelete, "/me/api/oauth2/client/"+esc(old.ClientID), nil, nil); err != nil && !errors.Is(wrap(op, res, err), iam.ErrNotFound) {
		return incomplete("delete the old client of "+res, wrap(op, res, err))
	}
	p.mu.Lock()
	delete(p.pending, old.ClientID)
	p.mu.Unlock()
	out.Pending = nil
	if old.issued() {
		out.Deleted = []string{old.ClientID}
	}
	return out, nil
}
