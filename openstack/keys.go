package openstack

import (
	"cmp"
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"iter"
	mrand "math/rand/v2"
	"net/http"
	"slices"
	"strings"
	"time"

	"github.com/gophercloud/gophercloud/v2"
	gos "github.com/gophercloud/gophercloud/v2/openstack"
	"github.com/gophercloud/gophercloud/v2/openstack/identity/v3/applicationcredentials"
	"github.com/gophercloud/gophercloud/v2/openstack/identity/v3/roles"
	"github.com/gophercloud/gophercloud/v2/openstack/identity/v3/tokens"
	"github.com/gophercloud/gophercloud/v2/openstack/identity/v3/users"

	"github.com/iamkit/iamkit/iam"
	"github.com/iamkit/iamkit/internal/retry"
	"github.com/iamkit/iamkit/policy"
)

// appRule is an access rule as gophercloud sends it.
type appRule = applicationcredentials.AccessRule

// noAccess is the access rule of a key whose user has no policy: Keystone
// reads an empty list of rules as "no restriction", so the key gets one
// rule that matches no API.
var noAccess = AccessRule{Service: "iamkit-none", Method: "HEAD", Path: "/no-access"}

// assignBase gives a new user the reader role on the project: Keystone
// issues a project-scoped token, and so an application credential, only to
// a user with a role there.
func (p *Provider) assignBase(ctx context.Context, userID string) error {
	return roles.Assign(ctx, p.id, p.roleIDs[levelReader], roles.AssignOpts{UserID: userID, ProjectID: p.project}).ExtractErr()
}

// keyDescription starts the description of iamkit's application
// credentials, followed by the creation time (Keystone keeps none).
const keyDescription = "iamkit access key, created "

func keyOf(user string, c *applicationcredentials.ApplicationCredential) *iam.AccessKey {
	k := &iam.AccessKey{ID: c.ID, Kind: iam.KeyApplicationCredential, User: user, Status: iam.KeyActive, ExpiresAt: c.ExpiresAt}
	if t, ok := strings.CutPrefix(c.Description, keyDescription); ok {
		k.CreatedAt, _ = time.Parse(time.RFC3339, t)
	}
	return k
}

// CreateAccessKey creates an application credential for user, scoped to
// the project, restricted to the access rules of the policies attached to
// the user and its groups, expiring at opts.ExpiresAt.
//
// Keystone lets only the user itself create its application credentials,
// and iamkit's users have no password: the provider sets a random one,
// authenticates as the user, creates the credential, then sets another
// random password that it forgets. Changing a user's password revokes the
// tokens already issued to it (not its application credentials).
func (p *Provider) CreateAccessKey(ctx context.Context, user string, opts *iam.KeyOptions) (*iam.AccessKey, error) {
	const op = "CreateAccessKey"
	res := "user/" + user
	if err := check(ctx, names.User, op, res, user); err != nil {
		return nil, err
	}
	var expires *time.Time
	if opts != nil && !opts.ExpiresAt.IsZero() {
		if !opts.ExpiresAt.After(time.Now()) {
			return nil, fail(op, res, iam.ErrInvalid, "the expiry date is in the past")
		}
		t := opts.ExpiresAt.UTC().Truncate(time.Second)
		expires = &t
	}
	u, err := p.findUser(ctx, op, user)
	if err != nil {
		return nil, err
	}
	if p.keys == EC2Credentials {
		if expires != nil {
			return nil, fail(op, res, iam.ErrUnsupported, "EC2 credentials do not expire")
		}
		return p.createEC2(ctx, op, user, u)
	}
	if extraString(u.Extra, xPath) == "" {
		// The password dance would destroy the password of a user iamkit
		// did not make (a person's, a service's) and revoke its tokens.
		return nil, fail(op, res, iam.ErrConflict, "the user is not iamkit's: creating an application credential would replace its password; create the credential as the user itself")
	}
	rules, level, err := p.rulesFor(ctx, op, u.ID)
	if err != nil {
		return nil, err
	}
	if err := p.checkTempURLKeys(op, res, rules, level); err != nil {
		return nil, err
	}
	unlock := p.userLock.lock(u.ID)
	defer unlock()
	// Another process making a key for the same user at once replaces the
	// password this one set, and so revokes its token: Keystone answers
	// 401, and the dance is tried again after a random pause.
	for attempt := 1; ; attempt++ {
		k, err := p.createAppCred(ctx, op, user, u.ID, rules, level, expires)
		if err == nil || attempt == passwordRaceTries || !errors.Is(err, errPasswordRace) {
			return k, err
		}
		// Full jitter over a window that doubles from 1 s (capped at 8 s):
		// a dance takes a second or two, more on a loaded Keystone.
		window := min(time.Second<<(attempt-1), 8*time.Second)
		if err := retry.Sleep(ctx, time.Duration(mrand.Int64N(int64(window)))); err != nil {
			return nil, &iam.Error{Provider: providerName, Op: op, Resource: res, Err: err}
		}
	}
}

// passwordRaceTries is how many times CreateAccessKey tries the password
// dance when another process races it on the same user.
const passwordRaceTries = 8

// errPasswordRace marks a dance that lost the user's password to another.
var errPasswordRace = errors.New("another process changed the user's password at the same time (it is making a key for the same user)")

// wrapRaced is wrap, where Keystone refusing the user's throwaway password
// or token (401) is a lost race (errPasswordRace, of kind ErrDenied).
func wrapRaced(op, res string, err error) error {
	if ke := keystoneError(err); ke != nil && ke.Status == http.StatusUnauthorized {
		return &iam.Error{Provider: providerName, Op: op, Resource: res, Kind: iam.ErrDenied, Err: fmt.Errorf("%w: %w", errPasswordRace, ke)}
	}
	return wrap(op, res, err)
}

// createAppCred makes user's application credential through the password
// dance (see CreateAccessKey).
func (p *Provider) createAppCred(ctx context.Context, op, user, id string, rules []appRule, level string, expires *time.Time) (*iam.AccessKey, error) {
	res := "user/" + user
	uc, done, err := p.actAs(ctx, op, id)
	if err != nil {
		return nil, err
	}
	// After this, tokens issued to the user before now are revoked;
	// done waits for the next second so that the new key's are not.
	defer done()
	// Name the key's roles: Keystone would otherwise give it every role of
	// the token. Only the global roles iamkit's policies imply go in
	// (reader, which every iamkit user holds, up to the highest level the
	// user's policies imply), taken from the token just issued, since a
	// credential's roles must be the user's. A role assigned to the user
	// outside iamkit stays out: admin would give the key identity
	// management (access rules do not restrict Keystone's own API), and
	// another service's role (a Heat or Octavia one) rights no policy
	// granted.
	allowed := map[string]bool{}
	for _, l := range levels[:max(slices.Index(levels, level), slices.Index(levels, levelReader))+1] {
		if l != "" {
			allowed[p.roleIDs[l]] = true
		}
	}
	var roles []applicationcredentials.Role
	if r, ok := uc.GetAuthResult().(tokens.CreateResult); ok {
		rs, err := r.ExtractRoles()
		if err != nil {
			return nil, wrap(op, res, err)
		}
		for _, r := range rs {
			if allowed[r.ID] {
				roles = append(roles, applicationcredentials.Role{ID: r.ID})
			}
		}
	}
	if len(roles) == 0 {
		return nil, fail(op, res, iam.ErrConflict, "the user lacks the base role ("+p.roles.Reader+") on the project: it was removed outside iamkit")
	}
	name := "iamkit-" + randomHex(8)
	created := time.Now().UTC().Truncate(time.Second)
	c, err := applicationcredentials.Create(ctx, uc, id, applicationcredentials.CreateOpts{
		Name: name, Description: keyDescription + created.Format(time.RFC3339), Roles: roles, AccessRules: rules, ExpiresAt: expires,
	}).Extract()
	if err != nil {
		return nil, wrapRaced(op, res, err)
	}
	k := keyOf(user, c)
	k.Secret = iam.NewSecret(c.Secret)
	k.CreatedAt = created
	return k, nil
}

// checkTempURLKeys refuses a key that would read Swift's temp-URL keys
// without being allowed to write objects. Swift shows an account's and a
// container's temp-URL keys (X-Account-Meta-Temp-URL-Key, and the
// container's) on GET and HEAD to its owners, its operator roles, which
// many deployments set to member; with such a key one signs temporary URLs
// that PUT and DELETE any object. So a key holding member (some policy
// needs writes elsewhere) whose rules read the account or a container, and
// whose policies allow no object writes, would write objects. Unless
// Options.AllowWideKeys, that is iam.ErrInvalid.
func (p *Provider) checkTempURLKeys(op, res string, rules []appRule, level string) error {
	if p.allowWide || level != levelMember {
		return nil
	}
	has := func(method, path string) bool {
		return slices.ContainsFunc(rules, func(a appRule) bool {
			return a.Service == "object-store" && a.Method == method && ruleMatches(a.Path, path)
		})
	}
	const account, container, object = "/v1/AUTH_p", "/v1/AUTH_p/c", "/v1/AUTH_p/c/o"
	reads := has("GET", account) || has("HEAD", account) || has("GET", container) || has("HEAD", container)
	if !reads || (has("PUT", object) && has("DELETE", object)) {
		return nil
	}
	return fail(op, res, iam.ErrInvalid, "the key would hold the "+p.roles.Member+" role, with which Swift shows the temp-URL keys of the account and containers "+
		"its rules read, letting the key write and delete objects its policies do not allow: give object storage reads and the writes to different users, "+
		"allow object writes, or set Options.AllowWideKeys")
}

// actAs returns an identity client authenticated as user id, scoped to
// the project, through a password set for the occasion, and a function
// that replaces the password by one nobody knows (which also revokes the
// client's token).
//
// Keystone revokes a user's tokens when its password changes, by an event
// that also covers tokens issued in the same second: so the provider
// authenticates only once the next second has begun.
func (p *Provider) actAs(ctx context.Context, op, id string) (*gophercloud.ServiceClient, func(), error) {
	res := "user/" + id
	pw := randomHex(32)
	scramble := func() {
		_, _ = users.Update(context.WithoutCancel(ctx), p.id, id, users.UpdateOpts{Password: randomHex(32)}).Extract()
		nextSecond(context.WithoutCancel(ctx))
	}
	if _, err := users.Update(ctx, p.id, id, users.UpdateOpts{Password: pw}).Extract(); err != nil {
		err = wrap(op, res, err)
		if k := iam.KindOf(err); k == nil || k == iam.ErrThrottled {
			// The change may have been made (a 5xx, a lost answer, a
			// cancellation): replace the password in case it was.
			scramble()
		}
		return nil, nil, err
	}
	if err := nextSecond(ctx); err != nil {
		scramble()
		return nil, nil, &iam.Error{Provider: providerName, Op: op, Resource: res, Err: err}
	}
	pc, err := gos.NewClient(p.auth.IdentityEndpoint)
	if err != nil {
		scramble()
		return nil, nil, fail(op, res, iam.ErrInvalid, "identity endpoint: "+err.Error())
	}
	pc.HTTPClient = p.auth.HTTPClient
	pc.UserAgent = p.auth.UserAgent
	err = gos.Authenticate(ctx, pc, gophercloud.AuthOptions{IdentityEndpoint: p.auth.IdentityEndpoint, UserID: id, Password: pw,
		Scope: &gophercloud.AuthScope{ProjectID: p.project}})
	if err != nil {
		scramble()
		return nil, nil, wrapRaced(op, res, err)
	}
	sc := &gophercloud.ServiceClient{ProviderClient: pc, Endpoint: p.id.Endpoint, ResourceBase: p.id.ResourceBase, Type: p.id.Type}
	return sc, scramble, nil
}

// nextSecond waits until the next second of the wall clock has begun (see
// actAs).
func nextSecond(ctx context.Context) error {
	now := time.Now()
	return retry.Sleep(ctx, now.Truncate(time.Second).Add(time.Second+20*time.Millisecond).Sub(now))
}

// rulesFor returns the access rules of the policies attached to user id
// and to its groups, on the project, and whether one of those policies
// the highest level role (reader, member, admin) those policies imply, ""
// for none.
func (p *Provider) rulesFor(ctx context.Context, op, id string) ([]applicationcredentials.AccessRule, string, error) {
	pols, err := p.policiesOf(ctx, op, id)
	if err != nil {
		return nil, "", err
	}
	rules, level := p.rulesOf(pols)
	return rules, level, nil
}

// policiesOf returns the policies attached to user id and to its groups.
// (Keystone's effective assignments would give both at once, but they
// show a domain-specific role, an iamkit policy, only as the global roles
// it implies.)
func (p *Provider) policiesOf(ctx context.Context, op, id string) ([]*roles.Role, error) {
	res := "user/" + id
	gs, err := collect(ctx, users.ListGroups(p.id, id), groupsOf)
	if err != nil {
		return nil, wrap(op, res, err)
	}
	who := []roles.ListAssignmentsOpts{{UserID: id, ScopeProjectID: p.project}}
	for _, g := range gs {
		who = append(who, roles.ListAssignmentsOpts{GroupID: g.ID, ScopeProjectID: p.project})
	}
	var as []roles.RoleAssignment
	for _, w := range who {
		a, err := collect(ctx, roles.ListAssignments(p.id, w), roles.ExtractRoleAssignments)
		if err != nil {
			return nil, wrap(op, res, err)
		}
		as = append(as, a...)
	}
	// One listing of the domain's roles serves the user and its groups.
	return p.policiesIn(ctx, op, as)
}

// rulesOf returns the access rules of a user's policies pols, sorted, and
// the strongest level role they imply.
func (p *Provider) rulesOf(pols []*roles.Role) ([]applicationcredentials.AccessRule, string) {
	level := ""
	for _, r := range pols {
		for _, l := range nativeOf(r).Roles {
			if slices.Index(levels, l) > slices.Index(levels, level) {
				level = l
			}
		}
	}
	var out []applicationcredentials.AccessRule
	seen := map[AccessRule]bool{}
	for _, a := range p.effectiveRules(pols) {
		if !seen[a] {
			seen[a] = true
			out = append(out, applicationcredentials.AccessRule{Service: a.Service, Method: a.Method, Path: a.Path})
		}
	}
	if len(out) == 0 {
		out = append(out, applicationcredentials.AccessRule{Service: noAccess.Service, Method: noAccess.Method, Path: noAccess.Path})
	}
	slices.SortFunc(out, func(a, b applicationcredentials.AccessRule) int {
		if c := cmp.Compare(a.Service, b.Service); c != 0 {
			return c
		}
		if c := cmp.Compare(a.Path, b.Path); c != 0 {
			return c
		}
		return cmp.Compare(a.Method, b.Method)
	})
	return out, level
}

// levels are the level roles from weakest to strongest.
var levels = []string{"", levelReader, levelMember, levelAdmin}

// effectiveRules returns the access rules of a user's policies (those of
// the user and of its groups). Each policy's rules were translated alone,
// but a Deny of one policy wins over an Allow of another: a policy's rules
// are kept as stored only when no other policy has a Deny; otherwise only
// those that its document translated together with the other policies'
// Deny statements (without widening) also grants.
func (p *Provider) effectiveRules(pols []*roles.Role) []AccessRule {
	docs := make([]policy.Document, len(pols))
	parsed := make([]bool, len(pols))
	for i, r := range pols {
		d, err := policy.Parse([]byte(extraString(r.Extra, xDocument)))
		docs[i], parsed[i] = d, err == nil
	}
	var out []AccessRule
	for i, r := range pols {
		stored := nativeOf(r).AccessRules
		var denies []policy.Statement
		for j, d := range docs {
			if j == i || r.ID == pols[j].ID {
				continue
			}
			if !parsed[j] {
				// A policy whose document is lost may deny anything.
				denies = append(denies, policy.Statement{Effect: policy.Deny, Actions: []policy.Action{"*"}, Resources: []policy.Resource{"*"}})
				continue
			}
			for _, s := range d.Statements {
				if s.Effect == policy.Deny {
					denies = append(denies, s)
				}
			}
		}
		if len(denies) == 0 {
			out = append(out, stored...)
			continue
		}
		if !parsed[i] {
			continue
		}
		both := policy.Document{Version: docs[i].Version, Statements: append(slices.Clone(docs[i].Statements), denies...)}
		tr, err := p.Translator().Translate(both, policy.TranslateOptions{})
		if err != nil {
			continue
		}
		var n Native
		if json.Unmarshal(tr.Native, &n) != nil {
			continue
		}
		for _, a := range stored {
			if slices.Contains(n.AccessRules, a) {
				out = append(out, a)
			}
		}
	}
	return out
}

// ListAccessKeys lists user's application credentials (or EC2
// credentials), without secrets.
func (p *Provider) ListAccessKeys(ctx context.Context, user string) iter.Seq2[*iam.AccessKey, error] {
	const op = "ListAccessKeys"
	res := "user/" + user
	return scoped(ctx, names.User, op, res, user, func() (*users.User, error) { return p.findUser(ctx, op, user) },
		func(u *users.User) iter.Seq2[*iam.AccessKey, error] {
			if p.keys == EC2Credentials {
				return p.listEC2(ctx, op, user, u)
			}
			return listAll(ctx, op, res, applicationcredentials.List(p.id, u.ID, nil), applicationcredentials.ExtractApplicationCredentials,
				func(c *applicationcredentials.ApplicationCredential) *iam.AccessKey { return keyOf(user, c) })
		})
}

// SetAccessKeyStatus is iam.ErrUnsupported: application credentials
// cannot be deactivated.
func (p *Provider) SetAccessKeyStatus(ctx context.Context, user, keyID string, status iam.KeyStatus) error {
	const op = "SetAccessKeyStatus"
	if err := check(ctx, names.User, op, "user/"+user, user); err != nil {
		return err
	}
	return fail(op, "user/"+user, iam.ErrUnsupported, "Keystone application credentials cannot be deactivated, only deleted")
}

// DeleteAccessKey deletes an application credential of user. The key is
// looked up among the user's own first: Keystone would delete another
// user's credential named by ID, and would echo a wrong ID (perhaps a
// secret pasted by mistake) in its error.
func (p *Provider) DeleteAccessKey(ctx context.Context, user, keyID string) error {
	const op = "DeleteAccessKey"
	res := "user/" + user
	if err := check(ctx, names.User, op, res, user); err != nil {
		return err
	}
	if keyID == "" {
		return fail(op, res, iam.ErrInvalid, "empty key ID")
	}
	u, err := p.findUser(ctx, op, user)
	if err != nil {
		return err
	}
	if p.keys == EC2Credentials {
		return p.deleteEC2(ctx, op, user, u, keyID)
	}
	creds, err := collect(ctx, applicationcredentials.List(p.id, u.ID, nil), applicationcredentials.ExtractApplicationCredentials)
	if err != nil {
		return wrap(op, res, err)
	}
	if !slices.ContainsFunc(creds, func(c applicationcredentials.ApplicationCredential) bool { return c.ID == keyID }) {
		return fail(op, res, iam.ErrNotFound, "the user has no application credential of that ID")
	}
	return wrap(op, res+"/key/"+keyID, applicationcredentials.Delete(ctx, p.id, u.ID, keyID).ExtractErr())
}

// randomHex returns n random bytes in hex.
func randomHex(n int) string {
	b := make([]byte, n)
	rand.Read(b)
	return hex.EncodeToString(b)
}
