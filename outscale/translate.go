package outscale

//go:generate go run ./internal/gencatalog -o catalog_gen.go

import (
	"fmt"
	"slices"
	"strings"

	"github.com/iamkit/iamkit/iam"
	"github.com/iamkit/iamkit/internal/awspolicy"
	"github.com/iamkit/iamkit/policy"
)

// MaxPolicySize is the largest EIM policy document, in non-whitespace
// characters (the spec's CreatePolicy: "a maximum of 5120 non-whitespace
// characters").
const MaxPolicySize = 5120

// catalogEntry is one call of the OUTSCALE API, classified (see
// catalog_gen.go and internal/gencatalog).
type catalogEntry struct {
	// Call is the operation's name, such as "ReadVms"; its EIM action is
	// "api:"+Call.
	Call string
	// Tag is the spec's tag of the operation, such as "Vm".
	Tag string
	// Level is the portable level, or "" for calls outside the portable
	// vocabulary.
	Level policy.Level
	// Services are the portable services the call acts on: one for most
	// calls, several for the tag calls (CreateTags tags VMs, volumes,
	// images and networks alike).
	Services []policy.Service
	// Note says why a call has no level, or why its level is not the
	// obvious one.
	Note string
}

// Translator is the Outscale EIM translator: it turns a portable
// policy.Document into an EIM document ({"Statement":[…]} with "api:"
// actions), keeping the no-widening guarantee. It is a value; its zero
// value is ready to use.
//
// The rules:
//   - A portable action becomes the explicit list of the API calls the
//     catalog classifies under it ("compute:Read" → api:ReadVms,
//     api:ReadVolumes…, never "api:Read*", which would reach other
//     services' reads and secret-revealing calls). "*" becomes "api:*".
//   - A native "outscale:<prefix>:<Call>" action becomes "<prefix>:<Call>"
//     verbatim; other clouds' native actions are dropped (an Allow is then
//     reported Narrowed).
//   - EIM has no resource scoping and no conditions. An Allow that names
//     resources other than "*", NotResource or conditions is refused with
//     iam.ErrInvalid unless opts.AllowWidening (then it is written for
//     every resource, without conditions, and reported Widened); a Deny
//     loses its restriction and so denies more (Narrowed).
//   - An Allow with NotAction is refused unless opts.AllowWidening: on
//     Outscale it would also allow the calls of the other APIs (FCU, LBU,
//     EIM, ICU, OOS) that the OUTSCALE API catalog does not list.
//   - Outscale has no list-only calls: its Read calls both list and
//     describe. "service:List" alone grants nothing in an Allow (Narrowed)
//     and denies the service's Read calls in a Deny (Narrowed).
//   - A call that acts on several services (CreateTags, ReadTags…) is
//     allowed only when the statement covers all of them, and denied when
//     it covers any.
//   - The result is checked against MaxPolicySize (iam.ErrLimit).
type Translator struct{}

var _ policy.Translator = Translator{}

// translateErr returns the *iam.Error of a refused translation.
func translateErr(k error, msg string, cause error) error {
	return &iam.Error{Provider: providerName, Op: "Translate", Kind: k, Msg: msg, Err: cause}
}

// portableAction is one parsed portable action of a statement.
type portableAction struct {
	svc policy.Service
	lvl policy.Level
}

func (a portableAction) matches(s policy.Service, l policy.Level) bool {
	return (a.svc == policy.AnyService || a.svc == s) && (a.lvl == policy.AnyLevel || a.lvl == l)
}

// parsedActions splits a statement's actions.
type parsedActions struct {
	all      bool             // "*"
	portable []portableAction // "service:level" (not "*")
	native   []string         // EIM actions from "outscale:…"
	foreign  []string         // other clouds' native actions
}

func parseActions(acts []policy.Action) parsedActions {
	var p parsedActions
	for _, a := range acts {
		if a == "*" {
			p.all = true
			continue
		}
		if s, l, ok := a.Portable(); ok {
			p.portable = append(p.portable, portableAction{s, l})
			continue
		}
		if cloud, nat, ok := a.Native(); ok {
			if cloud == policy.CloudOutscale {
				p.native = append(p.native, nat)
			} else {
				p.foreign = append(p.foreign, string(a))
			}
		}
	}
	return p
}

// coverage says how many of e's services the actions cover at level l.
func (p parsedActions) coverage(e *catalogEntry, l policy.Level) (covered int) {
	for _, s := range e.Services {
		if slices.ContainsFunc(p.portable, func(a portableAction) bool { return a.matches(s, l) }) {
			covered++
		}
	}
	return covered
}

// anyCall reports whether a portable action covers at least one call.
func anyCall(a portableAction) bool {
	for i := range catalog {
		e := &catalog[i]
		if e.Level != "" && slices.ContainsFunc(e.Services, func(s policy.Service) bool { return a.matches(s, e.Level) }) {
			return true
		}
	}
	return false
}

// stmtResult is the translation of one statement.
type stmtResult struct {
	st      *awspolicy.Statement // nil: nothing to write
	fid     policy.Fidelity
	reasons []string
}

func (r *stmtResult) grade(f policy.Fidelity, reason string) {
	r.fid = max(r.fid, f)
	if !slices.Contains(r.reasons, reason) {
		r.reasons = append(r.reasons, reason)
	}
}

func restricted(s policy.Statement) string {
	var what []string
	if !slices.Contains(s.Resources, "*") && len(s.Resources) > 0 {
		what = append(what, "resources other than \"*\"")
	}
	if len(s.NotResources) > 0 {
		what = append(what, "NotResource")
	}
	if len(s.Conditions) > 0 {
		what = append(what, "conditions")
	}
	return strings.Join(what, " and ")
}

// Translate implements policy.Translator.
func (Translator) Translate(doc policy.Document, opts policy.TranslateOptions) (*policy.Translation, error) {
	if err := policy.Validate(doc); err != nil {
		return nil, translateErr(iam.ErrInvalid, "", err)
	}
	var out awspolicy.Document
	rep := policy.Report{Statements: make([]policy.StatementReport, len(doc.Statements))}
	for i, s := range doc.Statements {
		var r stmtResult
		var err error
		if s.Effect == policy.Deny {
			r = translateDeny(s)
		} else {
			r, err = translateAllow(s, opts)
			if err != nil {
				return nil, translateErr(iam.ErrInvalid, fmt.Sprintf("statement %d: %v", i, err), nil)
			}
		}
		rep.Statements[i] = policy.StatementReport{Index: i, Sid: s.Sid, Fidelity: r.fid, Reason: strings.Join(r.reasons, "; ")}
		if r.st != nil {
			if validSid(s.Sid) {
				r.st.Sid = s.Sid
			}
			out.Statements = append(out.Statements, *r.st)
		}
	}
	if len(out.Statements) == 0 {
		return nil, translateErr(iam.ErrInvalid, "nothing in this policy can be expressed as an Outscale EIM policy", nil)
	}
	native, err := awspolicy.Marshal(out, awspolicy.EIM)
	if err != nil {
		return nil, translateErr(iam.ErrInvalid, "cannot write the EIM policy", err)
	}
	if n := awspolicy.NonWhitespaceLen(native); n > MaxPolicySize {
		return nil, translateErr(iam.ErrLimit, fmt.Sprintf("the EIM policy is %d non-whitespace characters, the limit is %d; split it into several policies or use native actions with wildcards", n, MaxPolicySize), nil)
	}
	return &policy.Translation{Native: native, Report: rep}, nil
}

// validSid reports whether s can be written as an EIM Sid.
func validSid(s string) bool {
	if s == "" {
		return false
	}
	for _, c := range s {
		if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9') {
			return false
		}
	}
	return true
}

func translateAllow(s policy.Statement, opts policy.TranslateOptions) (stmtResult, error) {
	var r stmtResult
	if what := restricted(s); what != "" {
		if !opts.AllowWidening {
			return r, fmt.Errorf("Outscale EIM has no resource scoping and no conditions: an Allow with %s would allow more than asked (set AllowWidening to accept that)", what)
		}
		r.grade(policy.Widened, "EIM cannot express "+what+": allowed on every resource, unconditionally")
	}
	if len(s.NotActions) > 0 {
		if !opts.AllowWidening {
			return r, fmt.Errorf("an Allow with NotAction would also allow the calls of Outscale's other APIs (FCU, LBU, EIM, ICU, OOS) that the OUTSCALE API catalog does not list (set AllowWidening to accept that)")
		}
		r.grade(policy.Widened, "NotAction also allows calls of Outscale's other APIs")
		p := parseActions(s.NotActions)
		var not []string
		if p.all {
			not = append(not, "api:*")
		}
		for i := range catalog {
			e := &catalog[i]
			if e.Level != "" && p.coverage(e, e.Level) > 0 {
				not = append(not, "api:"+e.Call)
			}
		}
		not = append(not, p.native...)
		st := &awspolicy.Statement{Effect: "Allow", Resources: []string{"*"}}
		if len(not) == 0 {
			st.Actions = []string{"api:*"}
		} else {
			st.NotActions = dedupe(not)
		}
		r.st = st
		return r, nil
	}
	p := parseActions(s.Actions)
	var acts []string
	if p.all {
		acts = append(acts, "api:*")
	}
	for i := range catalog {
		e := &catalog[i]
		if e.Level == "" {
			continue
		}
		switch c := p.coverage(e, e.Level); {
		case c == len(e.Services):
			acts = append(acts, "api:"+e.Call)
		case c > 0 && !p.all:
			r.grade(policy.Narrowed, fmt.Sprintf("api:%s acts on %s alike; it is allowed only when the statement covers all of them", e.Call, joinServices(e.Services)))
		}
	}
	for _, a := range p.portable {
		if p.all || anyCall(a) {
			continue
		}
		if a.lvl == policy.List {
			if slices.ContainsFunc(p.portable, func(b portableAction) bool { return b.matches(a.svc, policy.Read) }) {
				continue // the Read calls list too
			}
			r.grade(policy.Narrowed, fmt.Sprintf("Outscale has no list-only calls (its Read calls list and describe): %s:List alone grants nothing; add %s:Read", a.svc, a.svc))
		} else {
			r.grade(policy.Narrowed, fmt.Sprintf("no OUTSCALE API call is %s:%s", a.svc, a.lvl))
		}
	}
	acts = append(acts, p.native...)
	for _, f := range p.foreign {
		r.grade(policy.Narrowed, "dropped "+f+", another cloud's action")
	}
	if len(acts) == 0 {
		r.grade(policy.Narrowed, "nothing of this statement exists on Outscale: left out")
		return r, nil
	}
	r.st = &awspolicy.Statement{Effect: "Allow", Actions: dedupe(acts), Resources: []string{"*"}}
	return r, nil
}

func translateDeny(s policy.Statement) stmtResult {
	var r stmtResult
	if what := restricted(s); what != "" {
		r.grade(policy.Narrowed, "EIM cannot express "+what+": denied on every resource, unconditionally")
	}
	st := &awspolicy.Statement{Effect: "Deny", Resources: []string{"*"}}
	if len(s.NotActions) > 0 {
		// Deny all but: a call is spared only when every service it acts
		// on is spared, so that the deny never shrinks.
		p := parseActions(s.NotActions)
		var not []string
		if p.all {
			not = append(not, "api:*")
		}
		for i := range catalog {
			e := &catalog[i]
			if e.Level == "" {
				continue
			}
			switch c := p.coverage(e, e.Level); {
			case c == len(e.Services):
				not = append(not, "api:"+e.Call)
			case c > 0 && !p.all:
				r.grade(policy.Narrowed, fmt.Sprintf("api:%s acts on %s alike; it stays denied unless all are excepted", e.Call, joinServices(e.Services)))
			}
		}
		not = append(not, p.native...)
		if len(not) == 0 {
			st.Actions = []string{"api:*"}
		} else {
			st.NotActions = dedupe(not)
		}
		r.st = st
		return r
	}
	p := parseActions(s.Actions)
	var acts []string
	if p.all {
		acts = append(acts, "api:*")
	}
	for i := range catalog {
		e := &catalog[i]
		if e.Level == "" {
			continue
		}
		exact := p.coverage(e, e.Level)
		viaList := 0
		if e.Level == policy.Read {
			viaList = p.coverage(e, policy.List)
		}
		switch {
		case exact == len(e.Services):
			acts = append(acts, "api:"+e.Call)
		case exact > 0 || viaList > 0:
			acts = append(acts, "api:"+e.Call)
			if p.all {
				break
			}
			if exact > 0 {
				r.grade(policy.Narrowed, fmt.Sprintf("api:%s acts on %s alike; denied as soon as one is", e.Call, joinServices(e.Services)))
			} else {
				r.grade(policy.Narrowed, "Outscale has no list-only calls: a denied List level denies the service's Read calls")
			}
		}
	}
	acts = append(acts, p.native...)
	if len(acts) == 0 {
		// Denies nothing that exists on Outscale: leaving it out changes
		// nothing.
		return r
	}
	st.Actions = dedupe(acts)
	r.st = st
	return r
}

func dedupe(s []string) []string {
	seen := make(map[string]bool, len(s))
	out := s[:0:0]
	for _, v := range s {
		k := strings.ToLower(v)
		if !seen[k] {
			seen[k] = true
			out = append(out, v)
		}
	}
	return out
}

func joinServices(s []policy.Service) string {
	parts := make([]string, len(s))
	for i, v := range s {
		parts[i] = string(v)
	}
	return strings.Join(parts, ", ")
}

// Catalog returns the OUTSCALE API calls a portable action stands for, as
// EIM actions ("api:ReadVms"), in the translator's order. It is what the
// Translator writes for that action in an Allow; it returns nil for an
// action that is not portable.
func Catalog(action policy.Action) []string {
	p := parseActions([]policy.Action{action})
	if p.all {
		return []string{"api:*"}
	}
	var out []string
	for i := range catalog {
		e := &catalog[i]
		if e.Level != "" && len(p.portable) > 0 && p.coverage(e, e.Level) == len(e.Services) {
			out = append(out, "api:"+e.Call)
		}
	}
	return out
}

// CatalogEntry describes one call of the OUTSCALE API as the translator
// classifies it.
type CatalogEntry struct {
	// Call is the operation, such as "ReadVms"; its EIM action is "api:"+Call.
	Call string
	// Tag is the spec's tag (the API's resource family), such as "Vm".
	Tag string
	// Level and Services place the call in the portable vocabulary; Level
	// is "" for calls outside it (Note says why).
	Level policy.Level
	// Services are the portable services the call acts on (several for
	// calls such as ReadTags).
	Services []policy.Service
	// Note explains a call's place, or why it has none.
	Note string
}

// CatalogEntries returns the whole catalog, generated from the SDK's
// api/openapi.yaml, sorted by call.
func CatalogEntries() []CatalogEntry {
	out := make([]CatalogEntry, len(catalog))
	for i, e := range catalog {
		out[i] = CatalogEntry{Call: e.Call, Tag: e.Tag, Level: e.Level, Services: slices.Clone(e.Services), Note: e.Note}
	}
	return out
}

// CatalogVersion names the SDK module version the catalog was generated from.
func CatalogVersion() string { return catalogVersion }
