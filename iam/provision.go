package iam

import (
	"context"
	"errors"

	"github.com/iamkit/iamkit/policy"
)

// ServiceAccount describes the identity an automation tool should run as.
type ServiceAccount struct {
	// User is the user's name (required).
	User string
	// Group is the group's name; optional. Where service accounts cannot
	// join groups (Capabilities.GroupsForServiceAccounts false) the policy
	// is attached to the user directly and Group is ignored.
	Group string
	// Policy is the portable policy granted to the account.
	Policy policy.Document
	// PolicyName names the managed policy; it defaults to Group, or to
	// User when there is no group.
	PolicyName string
	// Description is stored with the policy where the cloud allows it.
	Description string
	// Translate tunes the translation of Policy.
	Translate policy.TranslateOptions
	// Key sets the options of the access key; nil for defaults.
	Key *KeyOptions
}

// Provisioned is what Provision made or found.
type Provisioned struct {
	User   *User
	Group  *Group // nil without a group
	Policy *Policy
	// Key is the new access key, with its secret. When the user already
	// had a key, Key is that key without a secret and KeyExisted is true:
	// no second key is created.
	Key        *AccessKey
	KeyExisted bool
	// Created lists, in order, what this call created or changed.
	Created []string
}

// Provision creates (or completes) a service account: group, policy,
// attachment, user, membership and access key, in the order the clouds'
// own guides use. Running it again with the same input changes nothing.
// On failure it undoes what this call created, in reverse order, and
// returns the original error.
func Provision(ctx context.Context, p Provider, sa ServiceAccount) (*Provisioned, error) {
	return nil, errors.New("TODO")
}

// Deprovision removes user with everything that hangs on it: its access
// keys, group memberships and directly attached policies, then the user.
func Deprovision(ctx context.Context, p Provider, user string) error {
	return errors.New("TODO")
}
