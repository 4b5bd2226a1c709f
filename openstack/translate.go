package openstack

import (
	"encoding/json"
	"fmt"
	"slices"
	"strings"

	"github.com/iamkit/iamkit/policy"
)

// Native is what a portable policy becomes on OpenStack: the roles its
// policy role implies on the project, and the access rules the
// application credentials of the users it is attached to carry.
type Native struct {
	// Roles are the levels of Keystone's default roles the policy role
	// implies: "reader" when every rule only reads (GET, HEAD), "member"
	// when some rule writes, "admin" only with AllowWidening for identity
	// management. The provider maps them to Options.Roles.
	Roles []string `json:"roles"`
	// AccessRules restrict what an application credential may call.
	AccessRules []AccessRule `json:"access_rules"`
}

// AccessRule is a Keystone application-credential access rule.
type AccessRule struct {
	Service string `json:"service"`
	Method  string `json:"method"`
	Path    string `json:"path"`
}

// The level roles of Native.Roles.
const (
	levelReader = "reader"
	levelMember = "member"
	levelAdmin  = "admin"
)

// Translator translates portable documents into Native for one project.
//
// Keystone has no policy documents: what a key may call is set by the
// access rules of its application credential, and capped by the roles its
// user holds on the project. The translation grants, for each portable
// action, the calls of the catalog (see the package doc), minus those a
// Deny statement could deny; a native "openstack:<service>:<METHOD>:<path>"
// action becomes that access rule. What Keystone cannot express is
// dropped and reported as narrowed:
//   - other clouds' native actions ("aws:…", "ovh:…");
//   - conditions of an Allow (Keystone has none; a conditional Deny denies
//     always, which is narrower);
//   - resources other than "*" and the project (object-level and
//     other-project grants);
//   - a rule that would also match calls the document does not allow
//     (GET /v2.1/servers/* also matches GET /v2.1/servers/detail, a List
//     call): with AllowWidening it is kept and reported widened;
//   - identity management: Keystone checks no access rules on its own API,
//     so any iam action would need a role that grants it everywhere; with
//     AllowWidening the policy implies admin and the report says so.
type Translator struct {
	// Project is the ID of the project the policy applies to.
	Project string
}

// Translate implements policy.Translator.
func (t Translator) Translate(doc policy.Document, opts policy.TranslateOptions) (*policy.Translation, error) {
	if err := policy.Validate(doc); err != nil {
		return nil, err
	}
	tr := translation{t: t, doc: doc, opts: opts, reasons: map[int][]string{}, widened: map[int][]string{}}
	native := tr.run()
	out, err := json.Marshal(native)
	if err != nil {
		return nil, err
	}
	rep := policy.Report{}
	for i, s := range doc.Statements {
		sr := policy.StatementReport{Index: i, Sid: s.Sid}
		switch {
		case len(tr.widened[i]) > 0:
			sr.Fidelity, sr.Reason = policy.Widened, strings.Join(slices.Compact(tr.widened[i]), "; ")
		case len(tr.reasons[i]) > 0:
			sr.Fidelity, sr.Reason = policy.Narrowed, strings.Join(slices.Compact(tr.reasons[i]), "; ")
		}
		rep.Statements = append(rep.Statements, sr)
	}
	return &policy.Translation{Native: out, Report: rep}, nil
}

// translation is one run of Translate.
type translation struct {
	t       Translator
	doc     policy.Document
	opts    policy.TranslateOptions
	reasons map[int][]string // narrowing, by statement
	widened map[int][]string
	// eff is doc reduced to what Keystone can enforce: unconditional
	// Allows on the project, and every Deny applying everywhere.
	eff policy.Document
	// origin maps a statement of eff to its index in doc.
	origin []int
	// excluded are the native NotActions of Allows: portable evaluation
	// sees a route by its pattern name only, so they are checked like the
	// native actions of a Deny (see deniedNatively).
	excluded []policy.Action
}

func (tr *translation) narrow(i int, why string) { tr.reasons[i] = append(tr.reasons[i], why) }

func (tr *translation) project() policy.Resource { return policy.Resource("project/" + tr.t.Project) }

// request is how a route is evaluated against the portable document.
func (tr *translation) request(r route) policy.Request {
	return policy.Request{Action: string(r.Action), NativeAction: r.native(), Resource: string(tr.project())}
}

func (tr *translation) run() Native {
	tr.reduce()
	allowed := map[route]bool{}
	var rules []AccessRule
	seen := map[AccessRule]bool{}
	emit := func(r AccessRule) {
		if !seen[r] {
			seen[r] = true
			rules = append(rules, r)
		}
	}
	// The catalog's routes the reduced document allows.
	for _, r := range catalog {
		if policy.Evaluate(tr.request(r), tr.eff).Allowed && !tr.deniedNatively(r) {
			allowed[r] = true
		}
	}
	for _, r := range catalog {
		if !allowed[r] {
			continue
		}
		d := policy.Evaluate(tr.request(r), tr.eff)
		src := tr.origin[d.Statement]
		if r.Service == "identity" {
			if !tr.opts.AllowWidening {
				tr.narrow(src, "identity management is not granted: Keystone checks no access rules on its own API, so it would take the admin role, which grants every API of every service")
				continue
			}
			tr.widened[src] = append(tr.widened[src], "identity management implies the admin role, which Keystone does not restrict by access rules: it grants every API of every service in the project")
		}
		if over := tr.overlaps(AccessRule{r.Service, r.Method, r.Path}, allowed); over != "" {
			if !tr.opts.AllowWidening {
				tr.narrow(src, fmt.Sprintf("%s %s is not granted: as an access rule it also matches %s, which the policy does not allow", r.Method, r.Path, over))
				continue
			}
			tr.widened[src] = append(tr.widened[src], fmt.Sprintf("%s %s also grants %s", r.Method, r.Path, over))
		}
		emit(AccessRule{r.Service, r.Method, r.Path})
	}
	// Native rules, kept verbatim when no Deny can touch them.
	for j, s := range tr.eff.Statements {
		if s.Effect != policy.Allow {
			continue
		}
		for _, a := range s.Actions {
			for _, rule := range nativeRules(a) {
				if why := tr.nativeBlocked(rule, allowed); why != "" {
					tr.narrow(tr.origin[j], why)
					continue
				}
				if strings.Contains(strings.ReplaceAll(rule.Path, "**", ""), "*") {
					tr.narrow(tr.origin[j], "in the access rule "+rule.Path+", * matches within one path segment only (** crosses segments)")
				}
				emit(rule)
			}
		}
	}
	// Another cloud's actions grant nothing here.
	for i, s := range tr.doc.Statements {
		if s.Effect != policy.Allow {
			continue
		}
		for _, a := range s.Actions {
			if cloud, _, ok := a.Native(); ok && cloud != "openstack" {
				tr.narrow(i, string(a)+" is an action of "+cloud+", not of OpenStack: it grants nothing here")
			}
		}
	}
	return Native{Roles: rolesFor(rules, tr.widenedIdentity()), AccessRules: rules}
}

// widenedIdentity reports whether identity rules were granted (only with
// AllowWidening).
func (tr *translation) widenedIdentity() bool {
	for _, w := range tr.widened {
		for _, s := range w {
			if strings.HasPrefix(s, "identity management") {
				return true
			}
		}
	}
	return false
}

// rolesFor returns the level role the rules need.
func rolesFor(rules []AccessRule, admin bool) []string {
	switch {
	case admin:
		return []string{levelAdmin}
	case len(rules) == 0:
		return []string{}
	}
	for _, r := range rules {
		if r.Method != "GET" && r.Method != "HEAD" {
			return []string{levelMember}
		}
	}
	return []string{levelReader}
}

// reduce builds tr.eff from tr.doc.
func (tr *translation) reduce() {
	proj := tr.project()
	for i, s := range tr.doc.Statements {
		if s.Effect == policy.Deny {
			// A Deny applies everywhere in the project, whatever its
			// conditions and resources (narrower), unless it names only
			// other projects.
			if len(s.Resources) > 0 && !slices.ContainsFunc(s.Resources, func(r policy.Resource) bool { return !otherProject(r, proj) }) {
				continue
			}
			d := policy.Statement{Sid: s.Sid, Effect: policy.Deny, Actions: s.Actions, NotActions: s.NotActions, Resources: []policy.Resource{"*"}}
			tr.eff.Statements = append(tr.eff.Statements, d)
			tr.origin = append(tr.origin, i)
			continue
		}
		if len(s.Conditions) > 0 {
			tr.narrow(i, "not granted: Keystone has no conditions")
			continue
		}
		if len(s.NotResources) > 0 {
			tr.narrow(i, "not granted: NotResource cannot be expressed by Keystone access rules")
			continue
		}
		var keep []policy.Resource
		for _, r := range s.Resources {
			switch {
			case r == "*" || r == proj:
				keep = append(keep, r)
			case otherProject(r, proj):
				// Another project: not this provider's.
				tr.narrow(i, fmt.Sprintf("resource %s is not granted: this provider assigns on project %s only", r, tr.t.Project))
			default:
				tr.narrow(i, fmt.Sprintf("resource %s is not granted: Keystone access rules grant on a whole project", r))
			}
		}
		if len(keep) == 0 {
			continue
		}
		for _, na := range s.NotActions {
			if _, _, ok := na.Native(); ok {
				tr.excluded = append(tr.excluded, na)
			}
		}
		a := policy.Statement{Sid: s.Sid, Effect: policy.Allow, Actions: s.Actions, NotActions: s.NotActions, Resources: []policy.Resource{"*"}}
		tr.eff.Statements = append(tr.eff.Statements, a)
		tr.origin = append(tr.origin, i)
	}
	tr.eff.Version = policy.Version
}

func otherProject(r, proj policy.Resource) bool {
	_, ok := r.Project()
	return ok && r != proj && !strings.ContainsAny(string(r), "*?")
}

// deniedNatively reports whether a Deny's native action could name some
// call of route r. Portable evaluation sees the route by its pattern name
// only, so a Deny of one concrete path ("…:GET:/v2.1/servers/abc") is
// checked here, conservatively: the literal prefixes of the two (before
// any wildcard) must be incompatible for the route to stay.
func (tr *translation) deniedNatively(r route) bool {
	name := strings.ToLower(r.native())
	q := name[:strings.IndexAny(name+"*", "*{")]
	touches := func(a policy.Action) bool {
		if _, _, ok := a.Native(); !ok {
			return false
		}
		lit := strings.ToLower(string(a))
		p := lit[:strings.IndexAny(lit+"*", "*?")]
		return strings.HasPrefix(p, q) || strings.HasPrefix(q, p)
	}
	if slices.ContainsFunc(tr.excluded, touches) {
		return true
	}
	for _, s := range tr.eff.Statements {
		if s.Effect == policy.Deny && slices.ContainsFunc(s.Actions, touches) {
			return true
		}
	}
	return false
}

// overlaps returns a catalog call that rule matches but that is not
// allowed, or "".
func (tr *translation) overlaps(rule AccessRule, allowed map[route]bool) string {
	for _, r := range catalog {
		if r.Service == rule.Service && r.Method == rule.Method && !allowed[r] && ruleMatches(rule.Path, r.sample()) {
			return r.Method + " " + r.Path + " (" + string(r.Action) + ")"
		}
	}
	return ""
}

// nativeBlocked says why a native rule cannot be kept verbatim, or "".
func (tr *translation) nativeBlocked(rule AccessRule, allowed map[route]bool) string {
	if strings.Contains(rule.Path, "{") {
		return "native rule " + rule.Method + " " + rule.Path + " is not granted: a {placeholder} matches any segment; write * instead"
	}
	if rule.Service == "identity" && !tr.opts.AllowWidening {
		return "native rule on identity is not granted: Keystone checks no access rules on its own API"
	}
	for _, s := range tr.eff.Statements {
		if s.Effect != policy.Deny {
			continue
		}
		for _, a := range s.Actions {
			if _, _, ok := a.Native(); ok || a == "*" {
				return "native rule " + rule.Method + " " + rule.Path + " is not granted: a Deny names native or all actions, which access rules cannot subtract"
			}
		}
		if len(s.NotActions) > 0 {
			return "native rule " + rule.Method + " " + rule.Path + " is not granted: a Deny with NotAction cannot be subtracted from access rules"
		}
	}
	if over := tr.overlaps(rule, allowed); over != "" {
		return "native rule " + rule.Method + " " + rule.Path + " is not granted: it also matches " + over + ", which a Deny refuses"
	}
	return ""
}

// methods are the HTTP methods access rules take.
var methods = []string{"GET", "HEAD", "POST", "PUT", "PATCH", "DELETE"}

// nativeRules returns the access rules a native "openstack:" action names,
// or none.
func nativeRules(a policy.Action) []AccessRule {
	cloud, name, ok := a.Native()
	if !ok || cloud != "openstack" {
		return nil
	}
	parts := strings.SplitN(name, ":", 3)
	if len(parts) != 3 {
		return nil
	}
	svc, method, path := parts[0], strings.ToUpper(parts[1]), parts[2]
	if method != "*" {
		return []AccessRule{{svc, method, path}}
	}
	out := make([]AccessRule, 0, len(methods))
	for _, m := range methods {
		out = append(out, AccessRule{svc, m, path})
	}
	return out
}
