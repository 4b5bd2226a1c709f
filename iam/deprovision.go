package iam

import (
	"context"
	"errors"
	"strings"
)

// DefaultPath is the path under which providers that have paths put what
// iamkit creates, and by which they recognise it as iamkit's.
const DefaultPath = "/iamkit/"

// ownedPath reports whether a resource at path belongs to iamkit on p:
// it lies under the provider's path (a provider with a Path method says
// which), DefaultPath otherwise. A resource without a path is not owned.
func ownedPath(p Provider, path string) bool {
	root := DefaultPath
	if pp, ok := p.(interface{ Path() string }); ok && pp.Path() != "" {
		root = pp.Path()
	}
	return path != "" && strings.HasPrefix(path, root)
}

// DeprovisionOption tunes Deprovision.
type DeprovisionOption func(*deprovisionOptions)

type deprovisionOptions struct{ cleanup bool }

// WithCleanup makes Deprovision also remove the user's groups and
// policies when iamkit created them (they lie under the provider's iamkit
// path) and nothing else uses them any more: a group left with no member,
// and its policies and the user's own once attached nowhere. What iamkit
// does not own is never deleted.
func WithCleanup() DeprovisionOption { return func(o *deprovisionOptions) { o.cleanup = true } }

// Deprovision removes user with everything that hangs on it: its access
// keys, its group memberships, the policies attached to it directly, its
// inline policies and whatever else the cloud hangs on a user (see
// UserDependents), then the user. A policy named after the user (the name Provision gives a
// policy it attaches to a user) is deleted too once detached, unless it is
// still attached elsewhere. Groups and the policies attached to them are
// left in place: other accounts may share them.
//
// A policy is deleted only if iamkit owns it: it lies under the
// provider's iamkit path (see DefaultPath).
//
// Every step is idempotent, so a Deprovision that failed midway can simply
// be run again. A missing user is ErrNotFound.
func Deprovision(ctx context.Context, p Provider, user string, opts ...DeprovisionOption) error {
	var o deprovisionOptions
	for _, f := range opts {
		f(&o)
	}
	if _, err := p.GetUser(ctx, user); err != nil {
		return err
	}
	var groups []*Group
	var policies []*Policy
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
		gs, err := Collect(p.ListGroupsForUser(ctx, user))
		if err != nil && !errors.Is(err, ErrUnsupported) {
			return err
		}
		groups = gs
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
		if pol.Name == user || o.cleanup {
			policies = append(policies, pol)
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
	if err := p.DeleteUser(ctx, user); err != nil {
		return err
	}
	if o.cleanup {
		for _, g := range groups {
			pols, err := cleanupGroup(ctx, p, g)
			if err != nil {
				return err
			}
			policies = append(policies, pols...)
		}
	}
	return deleteUnused(ctx, p, policies)
}

// cleanupGroup deletes g if iamkit owns it and it has no member left, and
// returns the policies it detached from it.
func cleanupGroup(ctx context.Context, p Provider, g *Group) ([]*Policy, error) {
	if !ownedPath(p, g.Path) {
		return nil, nil
	}
	members, err := Collect(p.ListGroupMembers(ctx, g.Name))
	if err != nil || len(members) > 0 {
		return nil, ignoreNotFound(err)
	}
	pols, err := Collect(p.ListAttachedPolicies(ctx, GroupPrincipal(g.Name)))
	if err != nil {
		return nil, ignoreNotFound(err)
	}
	for _, pol := range pols {
		if err := p.DetachPolicy(ctx, pol.Name, GroupPrincipal(g.Name)); ignoreNotFound(err) != nil {
			return nil, err
		}
	}
	return pols, ignoreNotFound(p.DeleteGroup(ctx, g.Name))
}

// deleteUnused deletes the policies iamkit owns that are attached nowhere:
// a policy still attached elsewhere is refused with ErrConflict and kept.
func deleteUnused(ctx context.Context, p Provider, pols []*Policy) error {
	seen := map[string]bool{}
	for _, pol := range pols {
		if seen[pol.Name] {
			continue
		}
		seen[pol.Name] = true
		full, err := p.GetPolicy(ctx, pol.Name)
		if err != nil {
			if errors.Is(err, ErrNotFound) {
				continue
			}
			return err
		}
		if !ownedPath(p, full.Path) {
			continue
		}
		if err := p.DeletePolicy(ctx, pol.Name); err != nil && !errors.Is(err, ErrConflict) && !errors.Is(err, ErrNotFound) {
			return err
		}
	}
	return nil
}

func ignoreNotFound(err error) error {
	if errors.Is(err, ErrNotFound) {
		return nil
	}
	return err
}
