package oscfake

import (
	"encoding/json"
	"regexp"
	"slices"
	"strings"
	"time"

	"github.com/iamkit/iamkit/internal/awspolicy"
)

// state is the account's EIM data. Every access holds Server.mu.
type state struct {
	s        *Server
	users    []*user   // creation order
	groups   []*group  // creation order
	policies []*policy // creation order
	keys     []*accessKey
}

type user struct {
	id, name, path, email string
	created, modified     time.Time
	linked                []*policy
	inline                []*inlinePolicy
}

type group struct {
	id, name, path    string
	created, modified time.Time
	members           []*user
	linked            []*policy
	inline            []*inlinePolicy
}

type inlinePolicy struct {
	name, body string
	doc        awspolicy.Document
}

type policy struct {
	id, name, path, description string
	created, modified           time.Time
	versions                    []*policyVersion // creation order
	defaultVersion              *policyVersion
	nextVersion                 int
	links                       int // users and groups linked
}

type policyVersion struct {
	id      string // v1, v2, …
	body    string
	doc     awspolicy.Document
	created time.Time
}

type accessKey struct {
	id, secret        string
	owner             *user // nil: the root account
	state             string
	tag               string
	created, modified time.Time
	expires           *time.Time
}

func (st *state) init(s *Server) {
	st.s = s
	now := s.opts.Now()
	st.keys = []*accessKey{{
		id: s.opts.AccessKey, secret: s.opts.SecretKey, state: "ACTIVE", created: now, modified: now,
	}}
}

// credentials returns the secret and owner of an ACTIVE, unexpired key.
func (st *state) credentials(id string) (secret string, owner *user, ok bool) {
	k := st.key(id)
	if k == nil || k.state != "ACTIVE" {
		return "", nil, false
	}
	if k.expires != nil && !st.s.opts.Now().Before(*k.expires) {
		return "", nil, false
	}
	return k.secret, k.owner, true
}

func (st *state) key(id string) *accessKey {
	for _, k := range st.keys {
		if k.id == id {
			return k
		}
	}
	return nil
}

func (st *state) user(name string) *user {
	for _, u := range st.users {
		if u.name == name {
			return u
		}
	}
	return nil
}

func (st *state) group(name string) *group {
	for _, g := range st.groups {
		if g.name == name {
			return g
		}
	}
	return nil
}

func (st *state) policyByORN(orn string) *policy {
	for _, p := range st.policies {
		if st.policyORN(p) == orn {
			return p
		}
	}
	return nil
}

func (st *state) groupsOf(u *user) []*group {
	var gs []*group
	for _, g := range st.groups {
		if slices.Contains(g.members, u) {
			gs = append(gs, g)
		}
	}
	return gs
}

func (st *state) keysOf(u *user) []*accessKey {
	var ks []*accessKey
	for _, k := range st.keys {
		if k.owner == u {
			ks = append(ks, k)
		}
	}
	return ks
}

// effectivePolicies returns every document that applies to u.
func (st *state) effectivePolicies(u *user) []awspolicy.Document {
	var docs []awspolicy.Document
	add := func(linked []*policy, inline []*inlinePolicy) {
		for _, p := range linked {
			docs = append(docs, p.defaultVersion.doc)
		}
		for _, ip := range inline {
			docs = append(docs, ip.doc)
		}
	}
	add(u.linked, u.inline)
	for _, g := range st.groupsOf(u) {
		add(g.linked, g.inline)
	}
	return docs
}

// ORNs: orn:ows:idauth::<account>:<type><path><name>.
func (st *state) orn(kind, path, name string) string {
	return "orn:ows:idauth::" + st.s.opts.AccountID + ":" + kind + path + name
}

func (st *state) policyORN(p *policy) string { return st.orn("policy", p.path, p.name) }

// Date formats of the spec's examples: EIM users, policies and keys use
// "2010-10-01 12:34:56.789000000 +00:00", user groups ISO 8601.
const (
	eimTime   = "2006-01-02 15:04:05.000000000 -07:00"
	groupTime = "2006-01-02T15:04:05.000Z"
)

func fmtTime(t time.Time) *string {
	s := t.UTC().Format(eimTime)
	return &s
}

func fmtGroupTime(t time.Time) *string {
	s := t.UTC().Format(groupTime)
	return &s
}

// Name and path rules, from the spec's descriptions (CreateUser: 1–64
// alphanumerics and +=,.@-_; paths begin and end with "/", 1–512
// alphanumerics, slashes or underscores; PutUserPolicy: policy names of
// 1–128 characters). Group and managed-policy names have no documented
// rule; the fake applies the user-name alphabet with 128 characters, as
// IAM does.
var (
	userNameRE   = regexp.MustCompile(`^[A-Za-z0-9+=,.@_-]{1,64}$`)
	groupNameRE  = regexp.MustCompile(`^[A-Za-z0-9+=,.@_-]{1,128}$`)
	policyNameRE = regexp.MustCompile(`^[A-Za-z0-9+=,.@_-]{1,128}$`)
	pathRE       = regexp.MustCompile(`^/([A-Za-z0-9_/]{0,510}/)?$`)
)

func checkName(re *regexp.Regexp, what, v string) *apiError {
	if !re.MatchString(v) {
		return errInvalidParameterValue.with("invalid %s %q", what, v)
	}
	return nil
}

// optPath returns *p, or "/" when p is nil, after checking it.
func optPath(p *string) (string, *apiError) {
	if p == nil {
		return "/", nil
	}
	if !pathRE.MatchString(*p) {
		return "", errInvalidParameterValue.with("invalid path %q: it must begin and end with a slash and hold 1 to 512 alphanumerics, slashes or underscores", *p)
	}
	return *p, nil
}

// parseDocument checks a policy document as EIM reads it.
func parseDocument(body string) (awspolicy.Document, *apiError) {
	if n := awspolicy.NonWhitespaceLen([]byte(body)); n > MaxDocumentChars {
		return awspolicy.Document{}, errDocumentMalformed.with("policy document has %d non-whitespace characters, more than %d", n, MaxDocumentChars)
	}
	doc, err := awspolicy.Parse([]byte(body), awspolicy.EIM)
	if err != nil {
		return awspolicy.Document{}, errDocumentMalformed.with("malformed policy document: %v", err)
	}
	return doc, nil
}

// call is one request being handled, with s.mu held.
type call struct {
	s      *Server
	op     string
	body   []byte
	caller *user // nil: root
}

func (c *call) st() *state     { return &c.s.state }
func (c *call) now() time.Time { return c.s.opts.Now() }

// decode reads the (already validated) body into v.
func (c *call) decode(v any) *apiError {
	if len(c.body) == 0 {
		return nil
	}
	if err := json.Unmarshal(c.body, v); err != nil {
		return errInvalidParameterValue.with("malformed JSON: %v", err)
	}
	return nil
}

func (c *call) dryRun() bool {
	var v struct{ DryRun *bool }
	_ = json.Unmarshal(c.body, &v)
	return v.DryRun != nil && *v.DryRun
}

type handler func(*call) (any, *apiError)

// handlers maps each implemented call to its handler.
var handlers = map[string]handler{}

// decoded returns the handler that decodes the call's body into a new In
// and passes it to h.
func decoded[In any](h func(*call, *In) (any, *apiError)) handler {
	return func(c *call) (any, *apiError) {
		var in In
		if err := c.decode(&in); err != nil {
			return nil, err
		}
		return h(c, &in)
	}
}

// page cuts items for a FirstItem/ResultsPerPage call.
type pageInfo struct {
	HasMoreItems        bool
	MaxResultsLimit     int32
	MaxResultsTruncated bool
}

func paginate[T any](c *call, items []T, firstItem, perPage *int32) ([]T, pageInfo, *apiError) {
	limit := c.s.opts.PageSizeMax
	info := pageInfo{MaxResultsLimit: int32(limit)}
	base := 1
	if c.s.opts.FirstItemZeroBased {
		base = 0
	}
	start := 0
	if firstItem != nil {
		if int(*firstItem) < base {
			return nil, info, errInvalidParameterValue.with("FirstItem %d is below %d", *firstItem, base)
		}
		start = int(*firstItem) - base
	}
	n := limit
	if perPage != nil {
		if *perPage < 1 {
			return nil, info, errInvalidParameterValue.with("ResultsPerPage %d is below 1", *perPage)
		}
		if int(*perPage) > limit {
			info.MaxResultsTruncated = true
		} else {
			n = int(*perPage)
		}
	}
	if start >= len(items) {
		return []T{}, info, nil
	}
	end := min(start+n, len(items))
	info.HasMoreItems = end < len(items)
	return items[start:end], info, nil
}

// modelPage is paginate with each item of the page converted by model.
func modelPage[T, M any](c *call, items []T, firstItem, perPage *int32, model func(T) M) ([]M, pageInfo, *apiError) {
	pg, info, err := paginate(c, items, firstItem, perPage)
	if err != nil {
		return nil, info, err
	}
	return models(pg, model), info, nil
}

// models converts each of items by model. The result is never nil, so that
// it encodes as [] and not as null.
func models[T, M any](items []T, model func(T) M) []M {
	out := make([]M, 0, len(items))
	for _, it := range items {
		out = append(out, model(it))
	}
	return out
}

func hasPrefix(prefix *string, path string) bool {
	return prefix == nil || strings.HasPrefix(path, *prefix)
}
