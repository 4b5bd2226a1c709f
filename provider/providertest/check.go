package providertest

import (
	"context"
	"fmt"
	"iter"

	"github.com/iamkit/iamkit/iam"
	"github.com/iamkit/iamkit/policy"
)

// checked is the provider every test calls: it forwards to the provider
// under test and checks each answer against the contract, whatever the
// test itself expects: every error (CheckError, and no secret in its
// message), every successful answer (a non-nil value), and every listing
// (it stops when its consumer does). It also records what was created, for
// the teardown, and the secrets returned, for the leak checks.
//
// It implements iam.Provider method by method, without embedding, so that
// a method added to the interface fails to compile here instead of
// escaping the checks.
type checked struct {
	e *env
	p iam.Provider
}

var _ iam.Provider = (*checked)(nil)

// fail reports a contract violation found by the checker.
func (c *checked) fail(op, format string, args ...any) {
	c.e.t.Errorf("%s: contract violation: %s", op, fmt.Sprintf(format, args...))
}

// check checks err, the error of op.
func (c *checked) check(op string, err error) {
	if err == nil {
		return
	}
	if bad := CheckError(c.p.Name(), err); bad != nil {
		c.fail(op, "%v", bad)
	}
	msg := err.Error() + "\n" + fmt.Sprintf("%+v", err)
	for _, s := range c.e.knownSecrets() {
		if ContainsSecret(msg, s) {
			c.fail(op, "the error message contains the secret of an access key: %q", redactIn(err.Error(), s))
		}
	}
}

// result checks the (value, error) answer of op.
func result[T any](c *checked, op string) func(*T, error) (*T, error) {
	return func(v *T, err error) (*T, error) {
		c.check(op, err)
		if err == nil && v == nil {
			c.fail(op, "returned neither a value nor an error")
		}
		return v, err
	}
}

// seq checks a listing: its errors, its values, and that it stops when the
// consumer stops.
func seq[T any](c *checked, op string, in iter.Seq2[*T, error]) iter.Seq2[*T, error] {
	return func(yield func(*T, error) bool) {
		done := false
		in(func(v *T, err error) bool {
			if done {
				c.fail(op, "the listing yielded again after its consumer stopped")
				return false
			}
			c.check(op, err)
			if err == nil && v == nil {
				c.fail(op, "the listing yielded a nil item without an error")
			}
			if !yield(v, err) {
				done = true
				return false
			}
			return true
		})
	}
}

func (c *checked) Name() string                     { return c.p.Name() }
func (c *checked) Capabilities() iam.Capabilities   { return c.p.Capabilities() }
func (c *checked) Translator() policy.Translator    { return c.p.Translator() }
func (c *checked) created(list *[]string, n string) { c.e.track(list, n) }

func (c *checked) CreateUser(ctx context.Context, name string, opts *iam.UserOptions) (*iam.User, error) {
	u, err := result[iam.User](c, "CreateUser")(c.p.CreateUser(ctx, name, opts))
	if err == nil {
		c.created(&c.e.users, name)
	}
	return u, err
}

func (c *checked) GetUser(ctx context.Context, name string) (*iam.User, error) {
	return result[iam.User](c, "GetUser")(c.p.GetUser(ctx, name))
}

func (c *checked) ListUsers(ctx context.Context) iter.Seq2[*iam.User, error] {
	return seq(c, "ListUsers", c.p.ListUsers(ctx))
}

func (c *checked) DeleteUser(ctx context.Context, name string) error {
	err := c.p.DeleteUser(ctx, name)
	c.check("DeleteUser", err)
	return err
}

func (c *checked) CreateGroup(ctx context.Context, name string) (*iam.Group, error) {
	g, err := result[iam.Group](c, "CreateGroup")(c.p.CreateGroup(ctx, name))
	if err == nil {
		c.created(&c.e.groups, name)
	}
	return g, err
}

func (c *checked) GetGroup(ctx context.Context, name string) (*iam.Group, error) {
	return result[iam.Group](c, "GetGroup")(c.p.GetGroup(ctx, name))
}

func (c *checked) ListGroups(ctx context.Context) iter.Seq2[*iam.Group, error] {
	return seq(c, "ListGroups", c.p.ListGroups(ctx))
}

func (c *checked) DeleteGroup(ctx context.Context, name string) error {
	err := c.p.DeleteGroup(ctx, name)
	c.check("DeleteGroup", err)
	return err
}

func (c *checked) AddUserToGroup(ctx context.Context, group, user string) error {
	err := c.p.AddUserToGroup(ctx, group, user)
	c.check("AddUserToGroup", err)
	return err
}

func (c *checked) RemoveUserFromGroup(ctx context.Context, group, user string) error {
	err := c.p.RemoveUserFromGroup(ctx, group, user)
	c.check("RemoveUserFromGroup", err)
	return err
}

func (c *checked) ListGroupMembers(ctx context.Context, group string) iter.Seq2[*iam.User, error] {
	return seq(c, "ListGroupMembers", c.p.ListGroupMembers(ctx, group))
}

func (c *checked) ListGroupsForUser(ctx context.Context, user string) iter.Seq2[*iam.Group, error] {
	return seq(c, "ListGroupsForUser", c.p.ListGroupsForUser(ctx, user))
}

func (c *checked) CreatePolicy(ctx context.Context, in iam.PolicyInput) (*iam.Policy, error) {
	pol, err := result[iam.Policy](c, "CreatePolicy")(c.p.CreatePolicy(ctx, in))
	if err == nil {
		c.created(&c.e.pols, in.Name)
	}
	return pol, err
}

func (c *checked) GetPolicy(ctx context.Context, name string) (*iam.Policy, error) {
	return result[iam.Policy](c, "GetPolicy")(c.p.GetPolicy(ctx, name))
}

func (c *checked) ListPolicies(ctx context.Context) iter.Seq2[*iam.Policy, error] {
	return seq(c, "ListPolicies", c.p.ListPolicies(ctx))
}

func (c *checked) UpdatePolicy(ctx context.Context, name string, doc policy.Document, opts policy.TranslateOptions) (*iam.Policy, error) {
	return result[iam.Policy](c, "UpdatePolicy")(c.p.UpdatePolicy(ctx, name, doc, opts))
}

func (c *checked) DeletePolicy(ctx context.Context, name string) error {
	err := c.p.DeletePolicy(ctx, name)
	c.check("DeletePolicy", err)
	return err
}

func (c *checked) AttachPolicy(ctx context.Context, name string, to iam.Principal) error {
	err := c.p.AttachPolicy(ctx, name, to)
	c.check("AttachPolicy", err)
	return err
}

func (c *checked) DetachPolicy(ctx context.Context, name string, from iam.Principal) error {
	err := c.p.DetachPolicy(ctx, name, from)
	c.check("DetachPolicy", err)
	return err
}

func (c *checked) ListAttachedPolicies(ctx context.Context, pr iam.Principal) iter.Seq2[*iam.Policy, error] {
	return seq(c, "ListAttachedPolicies", c.p.ListAttachedPolicies(ctx, pr))
}

func (c *checked) CreateAccessKey(ctx context.Context, user string, opts *iam.KeyOptions) (*iam.AccessKey, error) {
	k, err := c.p.CreateAccessKey(ctx, user, opts)
	if err == nil && k != nil && !k.Secret.IsZero() {
		c.e.track(&c.e.secrets, k.Secret.Reveal())
	}
	return result[iam.AccessKey](c, "CreateAccessKey")(k, err)
}

func (c *checked) ListAccessKeys(ctx context.Context, user string) iter.Seq2[*iam.AccessKey, error] {
	in := seq(c, "ListAccessKeys", c.p.ListAccessKeys(ctx, user))
	return func(yield func(*iam.AccessKey, error) bool) {
		for k, err := range in {
			if k != nil && !k.Secret.IsZero() {
				c.fail("ListAccessKeys", "a listed key carries a secret (key %s): clouds show a secret once", k.ID)
			}
			if !yield(k, err) {
				return
			}
		}
	}
}

func (c *checked) SetAccessKeyStatus(ctx context.Context, user, keyID string, status iam.KeyStatus) error {
	err := c.p.SetAccessKeyStatus(ctx, user, keyID, status)
	c.check("SetAccessKeyStatus", err)
	return err
}

func (c *checked) DeleteAccessKey(ctx context.Context, user, keyID string) error {
	err := c.p.DeleteAccessKey(ctx, user, keyID)
	c.check("DeleteAccessKey", err)
	return err
}
