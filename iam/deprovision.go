package iam

import (
	"context"
	"errors"
	"fmt"
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

// notOwned returns ErrAlreadyExists when resource, found at path, is not
// iamkit's: the workflows never take over what iamkit did not create.
func notOwned(p Provider, resource, path string) error {
	if ownedPath(p, path) {
		return nil
	}
	return &Error{Provider: p.Name(), Resource: resource, Kind: ErrAlreadyExists,
		Msg: fmt.Sprintf("exists and is not iamkit's (path %q, outside iamkit's): iamkit does not take over what it did not create", path)}
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
// keys, the policies attached to it directly, its inline policies,
// whatever else the cloud hangs on a user (see UserDependents) and its
// group memberships, then the user. The policy Provision names after the
// user is deleted too once attached nowhere. Groups and the policies
// attached to them are left in place, since other accounts may share
// them, unless WithCleanup is given.
//
// Only what iamkit owns is ever deleted: the user, and any policy or
// group, must lie under the provider's iamkit path (see DefaultPath). A
// user that is not iamkit's is ErrConflict, before any change: a person's
// or another tool's account is theirs to remove.
//
// Every step is idempotent and the user goes last, so a Deprovision that
// failed midway can simply be run again. A missing user is ErrNotFound.
// One failure a second run cannot see: with WithCleanup, the last member
// has left a group and deleting the group failed; the error names the
// group (DeleteGroup), which is then empty and can be deleted directly.
func Deprovision(ctx context.Context, p Provider, user string, opts ...DeprovisionOption) error {
	var o deprovisionOptions
	for _, f := range opts {
		f(&o)
	}
	// The user is deleted last: as long as it exists, a Deprovision that
	// failed can be run again and find everything that hangs on it.
	u, err := p.GetUser(ctx, user)
	if err != nil {
		return err
	}
	if !ownedPath(p, u.Path) {
		return &Error{Op: "Deprovision", Provider: p.Name(), Resource: "user/" + user, Kind: ErrConflict,
			Msg: fmt.Sprintf("not iamkit's (path %q, outside iamkit's): Deprovision removes only the accounts iamkit made", u.Path)}
	}
	keys, err := Collect(p.ListAccessKeys(ctx, user))
	if err != nil {
		return err
	}
	for _, k := range keys {
		if err := ignoreNotFound(p.DeleteAccessKey(ctx, user, k.ID)); err != nil {
			return err
		}
	}
	pols, err := Collect(p.ListAttachedPolicies(ctx, UserPrincipal(user)))
	if err != nil {
		return err
	}
	for _, pol := range pols {
		if err := ignoreNotFound(p.DetachPolicy(ctx, pol.Name, UserPrincipal(user))); err != nil {
			return err
		}
		if o.cleanup && pol.Name != user {
			if err := deleteIfUnused(ctx, p, pol.Name); err != nil {
				return err
			}
		}
	}
	// The policy Provision names after the user, also when a previous run
	// detached it and failed before deleting it.
	if err := deleteIfUnused(ctx, p, user); err != nil {
		return err
	}
	if ip, ok := p.(InlinePolicies); ok && p.Capabilities().InlinePolicies {
		inline, err := Collect(ip.ListInlinePolicies(ctx, UserPrincipal(user)))
		if err != nil {
			return err
		}
		for _, pol := range inline {
			if err := ignoreNotFound(ip.DeleteInlinePolicy(ctx, UserPrincipal(user), pol.Name)); err != nil {
				return err
			}
		}
	}
	if ud, ok := p.(UserDependents); ok {
		if err := ud.DeleteUserDependents(ctx, user); err != nil {
			return err
		}
	}
	if p.Capabilities().Groups {
		groups, err := Collect(p.ListGroupsForUser(ctx, user))
		if err != nil && !errors.Is(err, ErrUnsupported) {
			return err
		}
		for _, g := range groups {
			if err := leaveGroup(ctx, p, g, user, o.cleanup); err != nil {
				return err
			}
		}
	}
	return p.DeleteUser(ctx, user)
}

// leaveGroup removes user from g. With cleanup, a group iamkit owns that
// user was the last member of goes too, with its policies where nothing
// else uses them; the membership is removed last but one, so that a run
// that failed before finds the group again.
func leaveGroup(ctx context.Context, p Provider, g *Group, user string, cleanup bool) error {
	last := false
	if cleanup && ownedPath(p, g.Path) {
		members, err := Collect(p.ListGroupMembers(ctx, g.Name))
		if err != nil {
			return ignoreNotFound(err)
		}
		last = len(members) == 1 && members[0].Name == user
	}
	if last {
		pols, err := Collect(p.ListAttachedPolicies(ctx, GroupPrincipal(g.Name)))
		if err != nil {
			return err
		}
		for _, pol := range pols {
			if err := ignoreNotFound(p.DetachPolicy(ctx, pol.Name, GroupPrincipal(g.Name))); err != nil {
				return err
			}
			if err := deleteIfUnused(ctx, p, pol.Name); err != nil {
				return err
			}
		}
		// The policy Provision names after the group, if a previous run
		// detached it and failed before deleting it.
		if err := deleteIfUnused(ctx, p, g.Name); err != nil {
			return err
		}
	}
	if err := ignoreNotFound(p.RemoveUserFromGroup(ctx, g.Name, user)); err != nil {
		return err
	}
	if last {
		return ignoreNotFound(p.DeleteGroup(ctx, g.Name))
	}
	return nil
}

// deleteIfUnused deletes policy name if iamkit owns it and it is attached
// nowhere: a policy still attached elsewhere is refused with ErrConflict
// and kept.
func deleteIfUnused(ctx context.Context, p Provider, name string) error {
	pol, err := p.GetPolicy(ctx, name)
	if err != nil {
		return ignoreNotFound(err)
	}
	if !ownedPath(p, pol.Path) {
		return nil
	}
	if err := p.DeletePolicy(ctx, name); err != nil && !errors.Is(err, ErrConflict) {
		return ignoreNotFound(err)
	}
	return nil
}

func ignoreNotFound(err error) error {
	if errors.Is(err, ErrNotFound) {
		return nil
	}
	return err
}
