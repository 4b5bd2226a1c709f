package ovhfake

import (
	"encoding/base64"
	"fmt"
	"net/http"
	"regexp"
	"slices"
	"sort"
	"strconv"
	"strings"
)

// Pagination headers of API v2 (iam-v2.json: X-Pagination-Cursor and
// X-Pagination-Size on requests; the next page's cursor comes back in
// X-Pagination-Cursor-Next, absent on the last page).
const (
	HeaderCursor     = "X-Pagination-Cursor"
	HeaderSize       = "X-Pagination-Size"
	HeaderCursorNext = "X-Pagination-Cursor-Next"
)

var (
	resourceURNRe = regexp.MustCompile(`^urn:v1:([a-z]+):(resource|resourceGroup):([^:]+)(?::(.+))?$`)
	identityURNRe = regexp.MustCompile(`^urn:v1:([a-z]+):identity:(account|user|group|credential):([^/:]+)(?:/(.+))?$`)
)

// page cuts items by the request's pagination headers. Without
// X-Pagination-Size the whole list is answered.
func (s *Server) page(q *request, items []any) ([]any, *apiError) {
	off := 0
	if c := q.r.Header.Get(HeaderCursor); c != "" {
		raw, err := base64.RawURLEncoding.DecodeString(c)
		n, err2 := strconv.Atoi(strings.TrimPrefix(string(raw), "off:"))
		if err != nil || err2 != nil || !strings.HasPrefix(string(raw), "off:") || n < 0 || n > len(items) {
			return nil, errBadRequest.with("Invalid pagination cursor")
		}
		off = n
	}
	size := len(items) - off
	if h := q.r.Header.Get(HeaderSize); h != "" {
		n, _ := strconv.Atoi(h) // an integer: the spec checked it
		if n <= 0 {
			return nil, errBadRequest.with("Invalid pagination size %d", n)
		}
		size = min(n, s.opts.PageSizeMax)
	}
	end := min(off+size, len(items))
	if end < len(items) {
		q.hdr.Set(HeaderCursorNext, base64.RawURLEncoding.EncodeToString([]byte("off:"+strconv.Itoa(end))))
	}
	return items[off:end], nil
}

// answerPage answers a list call with the page of items q asks for; an
// empty page is [], never null.
func (s *Server) answerPage(q *request, items []any) (int, any, *apiError) {
	out, e := s.page(q, items)
	if e != nil {
		return 0, nil, e
	}
	if out == nil {
		out = []any{}
	}
	return 0, out, nil
}

func (s *Server) listPolicies(q *request) (int, any, *apiError) {
	qs := q.r.URL.Query()
	var items []any
	for _, id := range s.st.polIx {
		p := s.st.policies[id]
		if ids := qs["identity"]; len(ids) > 0 && !p.names(ids) {
			continue
		}
		if urns := qs["resourceURN"]; len(urns) > 0 && !slices.ContainsFunc(p.Resources, func(r urnRef) bool { return slices.Contains(urns, r.URN) }) {
			continue
		}
		if acts := qs["action"]; len(acts) > 0 && !slices.ContainsFunc(p.Permissions.Allow, func(a actionRef) bool { return slices.Contains(acts, a.Action) }) {
			continue
		}
		if ro := qs.Get("readOnly"); ro != "" && strconv.FormatBool(p.ReadOnly) != ro {
			continue
		}
		items = append(items, p)
	}
	return s.answerPage(q, items)
}

// checkPolicy applies IAM's rules to a creation or update body.
func (s *Server) checkPolicy(in *policyBody, self string) *apiError {
	if strings.TrimSpace(in.Name) == "" {
		return errBadRequest.with("name must not be empty")
	}
	for _, id := range s.st.polIx {
		if id != self && s.st.policies[id].Name == in.Name {
			return errExists.with("A policy named %q already exists", in.Name)
		}
	}
	for i, r := range in.Resources {
		m := resourceURNRe.FindStringSubmatch(r.URN)
		if m == nil || m[1] != s.opts.Region {
			// The message is the live API's (terraform-provider-ovh#779).
			return errInvalidURN.with("urn %q is malformed, expected urn:v1:region:(resource|resourceGroup):(*|group_id|resource_type):(*|resource_name)", fmt.Sprintf("resources[%d].urn", i))
		}
	}
	for i, u := range in.Identities {
		m := identityURNRe.FindStringSubmatch(u)
		if m == nil || m[1] != s.opts.Region {
			return errInvalidURN.with("urn %q is malformed, expected urn:v1:region:identity:(account|user|group|credential):account_id[/name]", fmt.Sprintf("identities[%d]", i))
		}
		if m[2] != "credential" {
			continue
		}
		id, ok := strings.CutPrefix(m[4], "oauth2-")
		if _, exists := s.st.clients[id]; m[3] != s.opts.NIC || !ok || !exists {
			// Mimicked: the live API refuses an unknown credential identity
			// with this class; its exact message is not published.
			return errInvalidURN.with("urn %q is invalid: credential %s/%s does not exist", fmt.Sprintf("identities[%d]", i), m[3], m[4])
		}
	}
	for _, set := range [][]actionRef{in.Permissions.Allow, in.Permissions.Except, in.Permissions.Deny} {
		for _, a := range set {
			if strings.TrimSpace(a.Action) == "" {
				return errBadRequest.with("an action must not be empty")
			}
		}
	}
	return nil
}

func (s *Server) createPolicy(q *request) (int, any, *apiError) {
	var in policyBody
	if e := q.decode(&in); e != nil {
		return 0, nil, e
	}
	if e := s.checkPolicy(&in, ""); e != nil {
		return 0, nil, e
	}
	normalize(&in)
	p := &policy{ID: uuid(), policyBody: in, Owner: s.opts.NIC, CreatedAt: s.now()}
	s.st.policies[p.ID] = p
	s.st.polIx = append(s.st.polIx, p.ID)
	return 0, p, nil
}

func normalize(in *policyBody) {
	if in.Identities == nil {
		in.Identities = []string{}
	}
	if in.Resources == nil {
		in.Resources = []urnRef{}
	}
	if in.PermissionsGroups == nil {
		in.PermissionsGroups = []urnRef{}
	}
	if string(in.Conditions) == "null" {
		in.Conditions = nil
	}
}

func (s *Server) policy(q *request) (*policy, *apiError) {
	p, ok := s.st.policies[q.params["policyId"]]
	if !ok {
		return nil, errNotFound.with("Policy %s not found", q.params["policyId"])
	}
	return p, nil
}

func (s *Server) getPolicy(q *request) (int, any, *apiError) {
	p, e := s.policy(q)
	if e != nil {
		return 0, nil, e
	}
	return 0, p, nil
}

func (s *Server) updatePolicy(q *request) (int, any, *apiError) {
	p, e := s.policy(q)
	if e != nil {
		return 0, nil, e
	}
	if p.ReadOnly {
		return 0, nil, errForbidden.with("Policy %s is read-only", p.ID)
	}
	var in policyBody
	if e := q.decode(&in); e != nil {
		return 0, nil, e
	}
	if e := s.checkPolicy(&in, p.ID); e != nil {
		return 0, nil, e
	}
	normalize(&in)
	p.policyBody = in
	now := s.now()
	p.UpdatedAt = &now
	return 0, p, nil
}

func (s *Server) deletePolicy(q *request) (int, any, *apiError) {
	p, e := s.policy(q)
	if e != nil {
		return 0, nil, e
	}
	if p.ReadOnly {
		return 0, nil, errForbidden.with("Policy %s is read-only", p.ID)
	}
	delete(s.st.policies, p.ID)
	s.st.polIx = without(s.st.polIx, p.ID)
	return 0, nil, nil
}

// checkAuthorization answers, for the caller, which actions it may do on
// the resource. The account itself may do everything.
func (s *Server) checkAuthorization(q *request) (int, any, *apiError) {
	urn := q.params["resourceURN"]
	if m := resourceURNRe.FindStringSubmatch(urn); m == nil || strings.Contains(urn, "*") {
		return 0, nil, errInvalidURN.with("urn %q is malformed, expected urn:v1:region:resource:resource_type:resource_name", urn)
	}
	var in struct {
		Actions []string `json:"actions"`
	}
	if e := q.decode(&in); e != nil {
		return 0, nil, e
	}
	out := struct {
		Authorized   []string `json:"authorizedActions"`
		Unauthorized []string `json:"unauthorizedActions"`
	}{[]string{}, []string{}}
	ids, all := s.identitiesOf(q.who), s.mayAll(q.who)
	for _, a := range in.Actions {
		if all || s.st.allowed(ids, urn, a, s.opts.Now()) {
			out.Authorized = append(out.Authorized, a)
		} else {
			out.Unauthorized = append(out.Unauthorized, a)
		}
	}
	return 0, out, nil
}

type refAction struct {
	Action             string   `json:"action"`
	Categories         []string `json:"categories"`
	Description        string   `json:"description"`
	HasQueryParameters bool     `json:"hasQueryParameters"`
	ResourceType       string   `json:"resourceType"`
}

// catalog is the fake's /v2/iam/reference/action: the account actions
// named by me-v1.json's x-iam-actions, and the Public Cloud OpenStack role
// actions.
func (s *Server) catalog() []refAction {
	seen := map[string]bool{}
	var out []refAction
	for _, rt := range s.specs.routes {
		raw, _ := rt.op.Extensions["x-iam-actions"].([]any)
		for _, a := range raw {
			m, _ := a.(map[string]any)
			name, _ := m["name"].(string)
			if name == "" || seen[name] {
				continue
			}
			seen[name] = true
			cat := "OPERATE"
			if rt.method == http.MethodGet {
				cat = "READ"
			}
			typ, _, _ := strings.Cut(name, ":")
			out = append(out, refAction{Action: name, Categories: []string{cat}, Description: rt.op.Summary, ResourceType: typ})
		}
	}
	for role := range roleRights {
		kind := "openstack"
		if strings.HasPrefix(role, "ai") {
			kind = "ai"
		}
		out = append(out, refAction{Action: "publicCloudProject:" + kind + ":" + role, Categories: []string{"OPERATE"},
			Description: "OpenStack role " + role, ResourceType: "publicCloudProject"})
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Action < out[j].Action })
	return out
}

func (s *Server) listActions(q *request) (int, any, *apiError) {
	types := q.r.URL.Query()["resourceType"]
	var items []any
	for _, a := range s.catalog() {
		if len(types) == 0 || slices.Contains(types, a.ResourceType) {
			items = append(items, a)
		}
	}
	return s.answerPage(q, items)
}
