package ovh

import (
	"context"
	"errors"
	"iter"
	"net/http"
	"slices"
	"strings"
	"time"

	"github.com/iamkit/iamkit/iam"
)

// The descriptions iamkit gives its OAuth2 clients. The description both
// marks a client as iamkit's (ListUsers lists only those) and records
// whether its credential (the key) has been handed out: OVHcloud shows a
// client's secret once, at creation, and keeps no other trace of it.
const (
	descPrefix   = "iamkit service account"
	descKeyless  = descPrefix + "; credential not issued"
	descIssued   = descPrefix + "; credential issued"
	descRotating = descPrefix + "; credential rotating"
)

// client is an OAuth2 client as GET /me/api/oauth2/client/{id} reads it.
type client struct {
	ClientID     string    `json:"clientId"`
	Name         string    `json:"name"`
	Description  string    `json:"description"`
	Flow         string    `json:"flow"`
	Identity     string    `json:"identity,omitempty"`
	CreatedAt    time.Time `json:"createdAt"`
	CallbackURLs []string  `json:"callbackUrls,omitempty"`

	fresh bool // read by this call, not remembered from an earlier one
}

func (c *client) issued() bool { return c.Description == descIssued }

// clientRequest is the body of POST /me/api/oauth2/client.
type clientRequest struct {
	Name         string   `json:"name"`
	Description  string   `json:"description"`
	Flow         string   `json:"flow"`
	CallbackURLs []string `json:"callbackUrls"`
}

// clientUpdate is the body of PUT /me/api/oauth2/client/{id}.
type clientUpdate struct {
	Name        string `json:"name"`
	Description string `json:"description"`
}

// clientSecret is the answer of POST /me/api/oauth2/client.
type clientSecret struct {
	ClientID     string `json:"clientId"`
	ClientSecret string `json:"clientSecret"`
}

// names are OVHcloud's rules as iamkit applies them.
var names = iam.NameRules{
	User: iam.NameRule{What: "service account name", Max: 64, Allowed: iam.CharsIn("_+=,.@-"), Describe: "letters, digits and _+=,.@-"},
	// Group names: OVHcloud publishes no rule; local user logins and
	// group names are read alike (1 to 32 letters, digits and _.-), the
	// stricter choice, so that a name iamkit accepts is not refused later.
	Group:  iam.NameRule{What: "group name", Max: 32, Allowed: iam.CharsIn("_.-"), Describe: "letters, digits and _.-"},
	Policy: iam.NameRule{What: "policy name", Max: 128, Allowed: iam.CharsIn("_.-"), Describe: "letters, digits and _.-"},
}

// NameRules returns the rules names are checked with before any request
// (iam.NameRuler: iam.Plan checks desired names with them); user names
// follow the local users' rule with Options.LocalUsers.
func (p *Provider) NameRules() iam.NameRules {
	r := names
	r.User = p.userRule()
	return r
}

func checkName(op string, rule iam.NameRule, name string) error {
	if err := rule.Check(name); err != nil {
		var e *iam.Error
		if errors.As(err, &e) {
			e.Op, e.Provider = op, providerName
		}
		return err
	}
	return nil
}

// identityURN returns the IAM identity URN of a client.
func (p *Provider) identityURN(c *client) string {
	if c.Identity != "" {
		return c.Identity
	}
	return "urn:v1:" + p.region + ":identity:credential:" + p.nic + "/oauth2-" + c.ClientID
}

// userOf converts c, one of iamkit's service accounts (the adapter sees
// no other client), under iam.DefaultPath as toGroup explains.
func (p *Provider) userOf(c *client) *iam.User {
	return &iam.User{Name: c.Name, ID: p.identityURN(c), Path: iam.DefaultPath, CreatedAt: c.CreatedAt}
}

// clients lists iamkit's service accounts.
//
// OVHcloud lists clients by id only, and finding a name means reading
// every client: one request per client and per lookup would make a fleet
// of N accounts cost N² requests. The provider therefore remembers each
// client it has read, by id: an id never changes hands, and iamkit never
// renames a client, so a remembered name stays true and a listing reads
// only the clients it has not seen (and forgets those gone). What does
// change, a client's description (iamkit's mark and key state), is read
// again before a change relies on it: see findClient. A client renamed
// outside iamkit is seen under its new name by a new Provider.
func (p *Provider) clients(ctx context.Context) iter.Seq2[*client, error] {
	return func(yield func(*client, error) bool) {
		var ids []string
		if err := p.get(ctx, "/me/api/oauth2/client", &ids); err != nil {
			yield(nil, err)
			return
		}
		slices.Sort(ids)
		p.keepClients(ids)
		for _, id := range ids {
			c, ok := p.knownClient(id)
			if !ok {
				var err error
				if c, err = p.readClient(ctx, id); err != nil {
					if iam.KindOf(wrap("", "", err)) == iam.ErrNotFound {
						continue // deleted meanwhile
					}
					yield(nil, err)
					return
				}
			}
			if !ours(c) {
				continue
			}
			if !yield(c, nil) {
				return
			}
		}
	}
}

// ours reports whether c is one of iamkit's service accounts.
func ours(c *client) bool {
	return strings.HasPrefix(c.Description, descPrefix) && (c.Flow == "" || c.Flow == "CLIENT_CREDENTIALS")
}

// readClient reads client id and remembers it; the result is marked
// fresh.
func (p *Provider) readClient(ctx context.Context, id string) (*client, error) {
	var c client
	if err := p.get(ctx, "/me/api/oauth2/client/"+esc(id), &c); err != nil {
		return nil, err
	}
	if c.ClientID == "" {
		c.ClientID = id
	}
	p.rememberClient(&c)
	c.fresh = true
	return &c, nil
}

// rememberClient records c as the provider last saw it.
func (p *Provider) rememberClient(c *client) {
	p.mu.Lock()
	defer p.mu.Unlock()
	k := *c
	k.fresh = false
	p.known[c.ClientID] = k
}

// knownClient returns a copy of remembered client id.
func (p *Provider) knownClient(id string) (*client, bool) {
	p.mu.Lock()
	defer p.mu.Unlock()
	c, ok := p.known[id]
	return &c, ok
}

// keepClients forgets the remembered clients whose id is not in ids, the
// account's clients as just listed (sorted).
func (p *Provider) keepClients(ids []string) {
	p.mu.Lock()
	defer p.mu.Unlock()
	for id := range p.known {
		if _, ok := slices.BinarySearch(ids, id); !ok {
			delete(p.known, id)
		}
	}
}

// better reports whether client a, rather than b, is service account
// name's: a settled client over one a rotation is making, then the older.
func better(a, b *client) bool {
	ar, br := a.Description == descRotating, b.Description == descRotating
	if ar != br {
		return br
	}
	return a.CreatedAt.Before(b.CreatedAt)
}

// namesakes returns iamkit's clients named name, as remembered or read.
func (p *Provider) namesakes(ctx context.Context, op, name string) ([]*client, error) {
	var out []*client
	for c, err := range p.clients(ctx) {
		if err != nil {
			return nil, wrap(op, "user/"+name, err)
		}
		if c.Name == name {
			out = append(out, c)
		}
	}
	return out, nil
}

// findClient returns the client of service account name, read afresh
// (its description, and so its key state, is current): the settled one
// when a rotation left two.
func (p *Provider) findClient(ctx context.Context, op, name string) (*client, error) {
	return p.pickClient(ctx, op, name, true)
}

// lookupClient is findClient for what does not change once a client
// exists (its id, identity URN and creation time): it reads only the
// clients the provider has not seen yet.
func (p *Provider) lookupClient(ctx context.Context, op, name string) (*client, error) {
	return p.pickClient(ctx, op, name, false)
}

func (p *Provider) pickClient(ctx context.Context, op, name string, reread bool) (*client, error) {
	cands, err := p.named(ctx, op, name, reread)
	if err != nil {
		return nil, err
	}
	var found *client
	for _, c := range cands {
		if found == nil || better(c, found) {
			found = c
		}
	}
	if found == nil {
		return nil, fail(op, "user/"+name, iam.ErrNotFound, "no service account of that name")
	}
	return found, nil
}

// named returns iamkit's clients of service account name (several while
// a rotation runs), read afresh when reread.
func (p *Provider) named(ctx context.Context, op, name string, reread bool) ([]*client, error) {
	cands, err := p.namesakes(ctx, op, name)
	if err != nil {
		return nil, err
	}
	out := cands[:0]
	for _, c := range cands {
		if reread && !c.fresh {
			if c, err = p.readClient(ctx, c.ClientID); err != nil {
				if iam.KindOf(wrap("", "", err)) == iam.ErrNotFound {
					continue // deleted meanwhile
				}
				return nil, wrap(op, "user/"+name, err)
			}
			if c.Name != name || !ours(c) {
				continue // renamed or disowned outside iamkit
			}
		}
		out = append(out, c)
	}
	return out, nil
}

// CreateUser creates a service account: an OAuth2 client with the
// CLIENT_CREDENTIALS flow named name. Its secret, which OVHcloud shows
// only now, is kept in memory until CreateAccessKey hands it out; the
// user has no access key until then.
func (p *Provider) CreateUser(ctx context.Context, name string, opts *iam.UserOptions) (*iam.User, error) {
	const op = "CreateUser"
	if err := checkName(op, p.userRule(), name); err != nil {
		return nil, err
	}
	if opts != nil && (len(opts.Tags) > 0 || opts.Path != "" && opts.Path != "/" && opts.Path != iam.DefaultPath) {
		return nil, fail(op, "user/"+name, iam.ErrUnsupported, "OVHcloud users have neither tags nor paths")
	}
	if p.local {
		return p.createLocal(ctx, op, name)
	}
	p.writeMu.Lock()
	defer p.writeMu.Unlock()
	if _, err := p.findClient(ctx, op, name); err == nil {
		return nil, fail(op, "user/"+name, iam.ErrAlreadyExists, "a service account of that name exists")
	} else if !errors.Is(err, iam.ErrNotFound) {
		return nil, err
	}
	c, secret, err := p.newClient(ctx, name, descKeyless)
	if err != nil {
		return nil, wrap(op, "user/"+name, err)
	}
	// OVHcloud does not keep client names unique: when another process
	// made the same name meanwhile, the older client wins. Names and
	// creation times do not change, so what is remembered will do.
	if same, err := p.namesakes(ctx, op, name); err == nil && slices.ContainsFunc(same, func(o *client) bool { return o.ClientID != c.ClientID && better(o, c) }) {
		_ = p.call(context.WithoutCancel(ctx), http.MethodDelete, "/me/api/oauth2/client/"+esc(c.ClientID), nil, nil)
		return nil, fail(op, "user/"+name, iam.ErrAlreadyExists, "a service account of that name was created meanwhile")
	}
	p.mu.Lock()
	p.pending[c.ClientID] = secret
	p.mu.Unlock()
	return p.userOf(c), nil
}

// newClient creates an OAuth2 client and reads it back.
func (p *Provider) newClient(ctx context.Context, name, desc string) (*client, iam.Secret, error) {
	var cs clientSecret
	body := clientRequest{Name: name, Description: desc, Flow: "CLIENT_CREDENTIALS", CallbackURLs: []string{}}
	if err := p.call(ctx, http.MethodPost, "/me/api/oauth2/client", body, &cs); err != nil {
		return nil, iam.Secret{}, err
	}
	secret := iam.NewSecret(cs.ClientSecret)
	c := &client{ClientID: cs.ClientID, Name: name, Description: desc, Flow: "CLIENT_CREDENTIALS", CreatedAt: time.Now().UTC()}
	if got, err := p.readClient(ctx, cs.ClientID); err == nil {
		c = got
	} else {
		p.rememberClient(c)
	}
	return c, secret, nil
}

// setDescription records a client's key state.
func (p *Provider) setDescription(ctx context.Context, c *client, desc string) error {
	if err := p.call(ctx, http.MethodPut, "/me/api/oauth2/client/"+esc(c.ClientID), clientUpdate{Name: c.Name, Description: desc}, nil); err != nil {
		return err
	}
	c.Description = desc
	p.rememberClient(c)
	return nil
}

// GetUser returns service account name.
func (p *Provider) GetUser(ctx context.Context, name string) (*iam.User, error) {
	if err := checkName("GetUser", p.userRule(), name); err != nil {
		return nil, err
	}
	if p.local {
		u, err := p.findLocal(ctx, "GetUser", name)
		if err != nil {
			return nil, err
		}
		return p.userOfLocal(u), nil
	}
	c, err := p.lookupClient(ctx, "GetUser", name)
	if err != nil {
		return nil, err
	}
	return p.userOf(c), nil
}

// ListUsers lists iamkit's service accounts (the OAuth2 clients whose
// description marks them as iamkit's), by name; with Options.LocalUsers,
// iamkit's local users, by login.
func (p *Provider) ListUsers(ctx context.Context) iter.Seq2[*iam.User, error] {
	if p.local {
		return p.listLocals(ctx)
	}
	return func(yield func(*iam.User, error) bool) {
		byName := map[string]*client{}
		var order []string
		for c, err := range p.clients(ctx) {
			if err != nil {
				yield(nil, wrap("ListUsers", "", err))
				return
			}
			if prev, ok := byName[c.Name]; !ok {
				order = append(order, c.Name)
				byName[c.Name] = c
			} else if better(c, prev) {
				byName[c.Name] = c
			}
		}
		for _, n := range order {
			if !yield(p.userOf(byName[n]), nil) {
				return
			}
		}
	}
}

// DeleteUser deletes service account name: ErrConflict while its
// credential is issued or a policy names it.
func (p *Provider) DeleteUser(ctx context.Context, name string) error {
	const op = "DeleteUser"
	if err := checkName(op, p.userRule(), name); err != nil {
		return err
	}
	if p.local {
		return p.deleteLocal(ctx, op, name)
	}
	p.writeMu.Lock()
	defer p.writeMu.Unlock()
	c, err := p.findClient(ctx, op, name)
	if err != nil {
		return err
	}
	if c.issued() {
		return fail(op, "user/"+name, iam.ErrConflict, "the service account's credential (access key "+c.ClientID+") is issued; delete it first")
	}
	urn := p.identityURN(c)
	for pol, err := range p.policies(ctx) {
		if err != nil {
			return wrap(op, "user/"+name, err)
		}
		if slices.Contains(pol.Identities, urn) {
			return fail(op, "user/"+name, iam.ErrConflict, "policy "+pol.Name+" names the service account; detach it first")
		}
	}
	if err := p.call(ctx, http.MethodDelete, "/me/api/oauth2/client/"+esc(c.ClientID), nil, nil); err != nil {
		return wrap(op, "user/"+name, err)
	}
	p.mu.Lock()
	delete(p.pending, c.ClientID)
	p.mu.Unlock()
	return nil
}
