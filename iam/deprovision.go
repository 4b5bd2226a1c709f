package iam

import (
	"context"
	"errors"
)

// Deprovision removes user with everything that hangs on it: its access
// keys, its group memberships, the policies attached to it directly, its
// inline policies and whatever else the cloud hangs on a user (see
// UserDependents), then the user. A policy named after the user (the name Provision gives a
// policy it attaches to a user) is deleted too once detached, unless it is
// still attached elsewhere. Groups and the policies attached to them are
// left in place: other accounts may share them.
//
// Every step is idempotent, so a Deprovision that failed midway can simply
// be run again. A missing user is ErrNotFound.
func Deprovision(ctx context.Context, p Provider, user string) error {
	if _, err := p.GetUser(ctx, user); err != nil {
		return err
	}
	keys, err := Collect(p.ListAccessKeys(ctx, user))
	if err != nil {
		return err
	}
	for _, k := range keys {
		if err := p.DeleteAccessKey(ctx, user, k.ID); err != nil && !errors.Is(err, ErrNotFound) {
			return err
		}
	}
	if caps := p.Capabilities(); caps.Groups {
		groups, err := Collect(p.ListGroupsForUser(ctx, user))
		if err != nil && !errors.Is(err, ErrUnsupported) {
			return err
		}
		for _, g := range groups {
			if err := p.RemoveUserFromGroup(ctx, g.Name, user); err != nil && !errors.Is(err, ErrNotFound) {
				return err
			}
		}
	}
	pols, err := Collect(p.ListAttachedPolicies(ctx, UserPrincipal(user)))
	if err != nil {
		return err
	}
	for _, pol := range pols {
		if err := p.DetachPolicy(ctx, pol.Name, UserPrincipal(user)); err != nil && !errors.Is(err, ErrNotFound) {
			return err
		}
		if pol.Name != user {
			continue
		}
		if err := p.DeletePolicy(ctx, pol.Name); err != nil && !errors.Is(err, ErrConflict) && !errors.Is(err, ErrNotFound) {
			return err
		}
	}
	if ip, ok := p.(InlinePolicies); ok && p.Capabilities().InlinePolicies {
		inline, err := Collect(ip.ListInlinePolicies(ctx, UserPrincipal(user)))
		if err != nil {
			return err
		}
		for _, pol := range inline {
			if err := ip.DeleteInlinePolicy(ctx, UserPrincipal(user), pol.Name); err != nil && !errors.Is(err, ErrNotFound) {
				return err
			}
		}
	}
	if ud, ok := p.(UserDependents); ok {
		if err := ud.DeleteUserDependents(ctx, user); err != nil {
			return err
		}
	}
	return p.DeleteUser(ctx, user)
}
