package openstack

import (
	"context"
	"iter"
	"slices"
	"time"

	"github.com/gophercloud/gophercloud/v2/openstack/identity/v3/ec2credentials"
	"github.com/gophercloud/gophercloud/v2/openstack/identity/v3/users"

	"github.com/iamkit/iamkit/iam"
	"github.com/iamkit/iamkit/policy"
)

// The kinds of access keys the provider makes (Options.Keys).
const (
	// ApplicationCredentials (the default): keys restricted by their
	// policies' access rules, with an optional expiry.
	ApplicationCredentials = iam.KeyApplicationCredential
	// EC2Credentials: an access and secret key for the S3 and EC2
	// compatible APIs (Swift's s3api, Ceph RGW). They carry the user's
	// roles on the project, unrestricted by access rules, and do not
	// expire; see Options.AllowWideKeys.
	EC2Credentials = iam.KeyEC2Credential
)

// xKeysCreated is the user's extra attribute holding the creation times
// of its EC2 credentials by access key (Keystone keeps none).
const xKeysCreated = "iamkit_ec2_created_at"

// checkEC2Width refuses an EC2 credential whose roles would grant more than
// the user's policies allow: an EC2 credential has no access rules, so it
// can do whatever the user's roles let it do on the project (the reader
// role every iamkit user holds: read every service; member: change them),
// in the services of iamkit's catalog and in every other one the cloud
// runs (Barbican, Heat, Octavia…).
func (p *Provider) checkEC2Width(ctx context.Context, op string, u *users.User) error {
	res := "user/" + u.Name
	if p.allowWide {
		return nil
	}
	pols, err := p.policiesOf(ctx, op, u.ID)
	if err != nil {
		return err
	}
	rules, implied := p.rulesOf(pols)
	// The credential carries the roles the policies imply, which a Deny
	// of another policy does not lower, so the level is the higher of
	// theirs and the one the rules need.
	level := levelReader
	for _, r := range rules {
		if r.Method != "GET" && r.Method != "HEAD" {
			level = levelMember
		}
	}
	if implied == levelAdmin {
		return fail(op, res, iam.ErrInvalid, "an EC2 credential would carry the admin role one of the user's policies implies, which no access rule restricts: use application credentials, or set Options.AllowWideKeys")
	}
	if implied == levelMember {
		level = levelMember
	}
	for _, rt := range catalog {
		if rt.Service == "identity" || (level == levelReader && rt.Method != "GET" && rt.Method != "HEAD") {
			continue
		}
		covered := slices.ContainsFunc(rules, func(a appRule) bool {
			return a.Service == rt.Service && a.Method == rt.Method && ruleMatches(a.Path, rt.sample())
		})
		if !covered {
			return fail(op, res, iam.ErrInvalid, "an EC2 credential carries the user's "+level+" role on the project, which allows "+
				rt.Method+" "+rt.Path+" ("+string(rt.Action)+") that its policies do not: use application credentials, or set Options.AllowWideKeys")
		}
	}
	// Beyond the catalog, the role reaches services the portable model
	// names only as "*": the policies must allow that, at every level the
	// role has there.
	docs := make([]policy.Document, 0, len(pols))
	for _, r := range pols {
		d, err := policy.Parse([]byte(extraString(r.Extra, xDocument)))
		if err != nil {
			return fail(op, res, iam.ErrInvalid, "policy "+r.Name+" has lost its document, so the reach of an EC2 credential cannot be checked: use application credentials, or set Options.AllowWideKeys")
		}
		docs = append(docs, d)
	}
	reach := []policy.Level{policy.List, policy.Read}
	if level == levelMember {
		reach = policy.Levels()
	}
	for _, l := range reach {
		if !policy.Evaluate(policy.Request{Action: outsideCatalog + ":" + string(l)}, docs...).Allowed {
			return fail(op, res, iam.ErrInvalid, "an EC2 credential carries the user's "+level+" role on the project, which also gives "+
				string(l)+" access to the services outside iamkit's catalog (key manager, orchestration, load balancers…) that its policies do not allow (only \"*:"+string(l)+"\" on \"*\" does): use application credentials, or set Options.AllowWideKeys")
		}
	}
	return nil
}

// outsideCatalog stands, in a policy.Request, for a service the portable
// model does not name: only the "*" service patterns match it.
const outsideCatalog = "outside-catalog"

// createEC2 creates an EC2 credential of user u on the project.
func (p *Provider) createEC2(ctx context.Context, op, user string, u *users.User) (*iam.AccessKey, error) {
	res := "user/" + user
	if err := p.checkEC2Width(ctx, op, u); err != nil {
		return nil, err
	}
	unlock := p.userLock.lock(u.ID)
	defer unlock()
	c, err := ec2credentials.Create(ctx, p.id, u.ID, ec2credentials.CreateOpts{TenantID: p.project}).Extract()
	if err != nil {
		return nil, wrap(op, res, err)
	}
	created := time.Now().UTC().Truncate(time.Second)
	if err := p.noteEC2(ctx, u.ID, c.Access, created); err != nil {
		// Undo: a key whose creation time is lost would still work, but
		// the caller has an error and no key.
		_ = ec2credentials.Delete(context.WithoutCancel(ctx), p.id, u.ID, c.Access).ExtractErr()
		return nil, wrap(op, res, err)
	}
	return &iam.AccessKey{ID: c.Access, Kind: iam.KeyEC2Credential, Secret: iam.NewSecret(c.Secret), User: user, Status: iam.KeyActive, CreatedAt: created}, nil
}

// noteEC2 records (or, with a zero time, forgets) the creation time of an
// EC2 credential on its user. The caller holds the user's lock.
func (p *Provider) noteEC2(ctx context.Context, userID, access string, at time.Time) error {
	u, err := users.Get(ctx, p.id, userID).Extract()
	if err != nil {
		return err
	}
	times := map[string]any{}
	if m, ok := u.Extra[xKeysCreated].(map[string]any); ok {
		times = m
	}
	if at.IsZero() {
		delete(times, access)
	} else {
		times[access] = at.Format(time.RFC3339)
	}
	_, err = users.Update(ctx, p.id, userID, users.UpdateOpts{Extra: map[string]any{xKeysCreated: times}}).Extract()
	return err
}

// listEC2 lists the EC2 credentials of user u, without their secrets.
func (p *Provider) listEC2(ctx context.Context, op, user string, u *users.User) iter.Seq2[*iam.AccessKey, error] {
	times, _ := u.Extra[xKeysCreated].(map[string]any)
	return listAll(ctx, op, "user/"+user, ec2credentials.List(p.id, u.ID), ec2credentials.ExtractCredentials,
		func(c *ec2credentials.Credential) *iam.AccessKey {
			k := &iam.AccessKey{ID: c.Access, Kind: iam.KeyEC2Credential, User: user, Status: iam.KeyActive}
			if s, ok := times[c.Access].(string); ok {
				k.CreatedAt, _ = time.Parse(time.RFC3339, s)
			}
			return k
		})
}

// deleteEC2 deletes an EC2 credential of user u, looked up among its own
// first (as DeleteAccessKey does for application credentials).
func (p *Provider) deleteEC2(ctx context.Context, op, user string, u *users.User, access string) error {
	res := "user/" + user
	creds, err := collect(ctx, ec2credentials.List(p.id, u.ID), ec2credentials.ExtractCredentials)
	if err != nil {
		return wrap(op, res, err)
	}
	if !slices.ContainsFunc(creds, func(c ec2credentials.Credential) bool { return c.Access == access }) {
		return fail(op, res, iam.ErrNotFound, "the user has no EC2 credential of that access key")
	}
	unlock := p.userLock.lock(u.ID)
	defer unlock()
	if err := ec2credentials.Delete(ctx, p.id, u.ID, access).ExtractErr(); err != nil {
		return wrap(op, res, err)
	}
	_ = p.noteEC2(context.WithoutCancel(ctx), u.ID, access, time.Time{})
	return nil
}

// hasEC2 reports whether user u has EC2 credentials.
func (p *Provider) hasEC2(ctx context.Context, u *users.User) (bool, error) {
	creds, err := collect(ctx, ec2credentials.List(p.id, u.ID), ec2credentials.ExtractCredentials)
	return len(creds) > 0, err
}
