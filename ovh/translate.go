package ovh

import (
	"encoding/json"
	"fmt"
	"net/netip"
	"slices"
	"strings"
	"time"

	"github.com/iamkit/iamkit/iam"
	"github.com/iamkit/iamkit/policy"
)

// NativePolicy is an OVHcloud IAM v2 policy as /v2/iam/policy reads and
// writes it (the fields iamkit sets).
type NativePolicy struct {
	// Name is the policy's name.
	Name string `json:"name"`
	// Description is the policy's description; iamkit's begin with
	// "created by iamkit".
	Description string `json:"description,omitempty"`
	// Identities are the URNs of the identities the policy applies to.
	Identities []string `json:"identities"`
	// Resources are the resources it grants on.
	Resources []NativeResource `json:"resources"`
	// Permissions are the actions it allows, excepts and denies.
	Permissions NativePermissions `json:"permissions"`
	// Conditions must hold for the policy to apply; nil: none.
	Conditions *NativeCondition `json:"conditions,omitempty"`
	// ExpiredAt is when the policy stops applying; nil: never.
	ExpiredAt *time.Time `json:"expiredAt,omitempty"`
}

// NativeResource is one resource of a policy, by URN.
type NativeResource struct {
	// URN is the resource's URN, such as
	// "urn:v1:eu:resource:publicCloudProject:<id>".
	URN string `json:"urn"`
}

// NativeAction is one action of a policy's permissions.
type NativeAction struct {
	// Action is the action's name, with OVHcloud's wildcards, such as
	// "publicCloudProject:openstack:infrastructureSupervisor".
	Action string `json:"action"`
}

// NativePermissions are a policy's allowed, excepted and denied actions.
type NativePermissions struct {
	// Allow are the actions the policy allows.
	Allow []NativeAction `json:"allow,omitempty"`
	// Except are the actions taken out of Allow.
	Except []NativeAction `json:"except,omitempty"`
	// Deny are the actions the policy denies, whatever other policies
	// allow.
	Deny []NativeAction `json:"deny,omitempty"`
}

// NativeCondition is a policy's condition tree: MATCH compares request
// and resource attributes with Values; AND, OR and NOT combine Conditions.
type NativeCondition struct {
	// Operator is MATCH, AND, OR or NOT.
	Operator string `json:"operator"`
	// Values are MATCH's attributes and the values they must have.
	Values map[string]string `json:"values,omitempty"`
	// Conditions are the operands of AND, OR and NOT.
	Conditions []*NativeCondition `json:"conditions,omitempty"`
}

// Translator turns portable documents into OVHcloud IAM v2 policies for the
// account region Region ("eu", "ca" or "us"; default "eu").
//
// Portable actions become the Public Cloud role actions
// (publicCloudProject:openstack:…, publicCloudProject:ai:…): the set of
// roles that grants exactly what a statement asks on the rights of the
// guide's table (see Roles). Where only a wider set exists the statement is
// refused with ErrInvalid, or, with AllowWidening, translated to the least
// wide set and reported Widened with the extra access. The iam service
// becomes OVHcloud API actions on the account (account:apiovh:…, from the
// x-iam-actions of OVHcloud's OpenAPI documents: see accountOps), granted
// on the account only: an action is granted when the statement asks every
// level it belongs to, refused (or, with AllowWidening, Widened) when it
// asks only some. Native "ovh:" actions pass through. Resources
// "project/<id>" become urn:v1:<region>:resource:publicCloudProject:<id>;
// native URNs pass through; "*" becomes, for each resource type the
// statement's actions act on, every resource of that type:
// urn:v1:<region>:resource:publicCloudProject:* for the roles, the
// account's URN for account actions (which needs NIC), and
// urn:v1:<region>:resource:<type>:* for native actions of another type.
// Portable references cannot be named in an OVHcloud policy and are
// dropped (Narrowed). The Native document leaves name, description and
// identities empty: the provider fills them.
type Translator struct {
	// Region is the account's IAM region: "eu", "ca" or "us".
	Region string
	// NIC is the account's NIC handle ("xx1111-ovh"), for the account's
	// URN; a statement that needs it is refused while it is empty.
	NIC string
}

var _ policy.Translator = Translator{}

func (t Translator) region() string {
	if t.Region == "" {
		return "eu"
	}
	return t.Region
}

// ProjectURN returns the URN of Public Cloud project id in region.
func ProjectURN(region, id string) string {
	return "urn:v1:" + region + ":resource:publicCloudProject:" + id
}

// part is what one allow statement contributes to the policy.
type part struct {
	index     int
	resources []string
	cond      *NativeCondition
	expires   *time.Time
	actions   []string
}

// Translate translates doc.
func (t Translator) Translate(doc policy.Document, opts policy.TranslateOptions) (*policy.Translation, error) {
	if err := policy.Validate(doc); err != nil {
		return nil, err
	}
	out := NativePolicy{Identities: []string{}, Resources: []NativeResource{}}
	reports := make([]policy.StatementReport, len(doc.Statements))
	var parts []part
	var denies []int
	for i, s := range doc.Statements {
		reports[i] = policy.StatementReport{Index: i, Sid: s.Sid, Fidelity: policy.Exact}
		if s.Effect == policy.Deny {
			denies = append(denies, i)
			continue
		}
		p, rep, err := t.allow(i, s, opts)
		if err != nil {
			return nil, err
		}
		reports[i] = rep
		if p != nil {
			parts = append(parts, *p)
		}
	}
	// One OVHcloud policy applies every action to every resource under one
	// condition: statements can share it only when they agree on both.
	var base *part
	for i := range parts {
		p := &parts[i]
		if base == nil {
			base = p
			continue
		}
		if !slices.Equal(p.resources, base.resources) || !sameCond(p.cond, base.cond) || !sameTime(p.expires, base.expires) {
			return nil, refuse(p.index, doc.Statements[p.index].Sid,
				"an OVHcloud policy grants all its actions on all its resources under one condition; statement "+
					fmt.Sprint(base.index)+" and this one differ in resources or conditions: split the document into one policy per resource set")
		}
	}
	var allow []string
	if base != nil {
		for _, r := range base.resources {
			out.Resources = append(out.Resources, NativeResource{URN: r})
		}
		out.Conditions, out.ExpiredAt = base.cond, base.expires
		for _, p := range parts {
			allow = append(allow, p.actions...)
		}
	}
	var deny []string
	for _, i := range denies {
		acts, reason := t.deny(doc.Statements[i], base)
		deny = append(deny, acts...)
		if reason != "" {
			reports[i].Fidelity, reports[i].Reason = policy.Narrowed, reason
		}
	}
	for _, a := range dedupe(allow) {
		out.Permissions.Allow = append(out.Permissions.Allow, NativeAction{a})
	}
	if len(allow) > 0 {
		for _, a := range dedupe(deny) {
			out.Permissions.Deny = append(out.Permissions.Deny, NativeAction{a})
		}
	}
	native, err := json.Marshal(out)
	if err != nil {
		return nil, err
	}
	return &policy.Translation{Native: native, Report: policy.Report{Statements: reports}}, nil
}

func refuse(i int, sid, msg string) error {
	res := fmt.Sprintf("statement %d", i)
	if sid != "" {
		res += " (" + sid + ")"
	}
	return &iam.Error{Op: "Translate", Provider: providerName, Resource: res, Kind: iam.ErrInvalid, Msg: msg}
}

// allow translates one Allow statement; a nil part means the statement
// grants nothing on OVHcloud (and is reported Narrowed).
func (t Translator) allow(i int, s policy.Statement, opts policy.TranslateOptions) (*part, policy.StatementReport, error) {
	rep := policy.StatementReport{Index: i, Sid: s.Sid, Fidelity: policy.Exact}
	var narrowed, widened []string

	// Resources. "*" is resolved once the actions are known.
	var res []string
	anyRes, onAccount := false, false
	if len(s.NotResources) > 0 {
		narrowed = append(narrowed, "NotResource cannot be expressed (an OVHcloud policy lists resource URNs)")
	}
	for _, r := range s.Resources {
		switch r.Kind() {
		case policy.ResourceProject:
			id, _ := r.Project()
			res = append(res, ProjectURN(t.region(), id))
		case policy.ResourceNative:
			if strings.HasPrefix(string(r), "urn:") {
				res = append(res, string(r))
				onAccount = onAccount || strings.HasPrefix(string(r), "urn:v1:"+t.region()+":resource:account:")
			} else {
				narrowed = append(narrowed, fmt.Sprintf("resource %q is not an OVHcloud URN", r))
			}
		case policy.ResourceAny:
			anyRes, onAccount = true, true
		default:
			narrowed = append(narrowed, fmt.Sprintf("resource %q has no OVHcloud URN (name its project/<id>)", r))
		}
	}

	// Conditions.
	cond, exp, cnarrow, err := t.conditions(s.Conditions)
	if err != nil {
		return nil, rep, refuse(i, s.Sid, err.Error())
	}
	narrowed = append(narrowed, cnarrow...)

	if len(res) == 0 && !anyRes {
		narrowed = append(narrowed, "no resource left: the statement is dropped")
		rep.Fidelity, rep.Reason = policy.Narrowed, strings.Join(narrowed, "; ")
		return nil, rep, nil
	}

	// Actions.
	var acts []string
	if len(s.Actions) == 1 && s.Actions[0] == "*" {
		acts = []string{"*"}
	} else {
		for _, a := range s.Actions {
			if cloud, name, ok := a.Native(); ok {
				if cloud == policy.CloudOVH {
					acts = append(acts, name)
				} else {
					narrowed = append(narrowed, fmt.Sprintf("native action %q is not an OVHcloud action", a))
				}
			}
		}
		if len(s.NotActions) > 0 {
			narrowed = append(narrowed, "NotAction: OVHcloud API actions outside the OpenStack rights and the iam service are not granted")
		}
		asked := askedUnits(s, false)
		if asked != 0 {
			chosen, extra, ok := cover(asked)
			switch {
			case !ok:
				return nil, rep, refuse(i, s.Sid, "no OVHcloud role grants "+describeUnits(asked))
			case extra != 0 && !opts.AllowWidening:
				return nil, rep, refuse(i, s.Sid, fmt.Sprintf(
					"no set of OVHcloud roles grants exactly %s: the closest, %s, also grants %s (set AllowWidening to accept it, or ask for what the roles grant)",
					describeUnits(asked), strings.Join(chosen, " + "), describeUnits(extra)))
			case extra != 0:
				widened = append(widened, fmt.Sprintf("%s also grants %s", strings.Join(chosen, " + "), describeUnits(extra)))
			}
			acts = append(acts, chosen...)
		}
		if iasked := askedIAM(s); slices.Contains(iasked, true) {
			if !onAccount {
				narrowed = append(narrowed, "the iam service acts on the account: name resource \"*\" or the account's URN to grant "+describeLevels(iasked))
			} else {
				exact, partial, extra := accountCover(iasked)
				if len(partial) > 0 && !opts.AllowWidening {
					return nil, rep, refuse(i, s.Sid, fmt.Sprintf(
						"no OVHcloud API action grants exactly %s: %s (set AllowWidening to accept it, or ask for every level these actions belong to)",
						describeLevels(iasked), strings.Join(extra, "; ")))
				}
				widened = append(widened, extra...)
				acts = append(acts, exact...)
				acts = append(acts, partial...)
			}
		}
		if missing := unexpressed(s); len(missing) > 0 {
			narrowed = append(narrowed, "no OVHcloud action grants "+strings.Join(missing, ", "))
		}
	}
	if anyRes && len(acts) > 0 {
		urns, why, err := t.everyResource(acts)
		if err != nil {
			return nil, rep, refuse(i, s.Sid, err.Error())
		}
		res = append(res, urns...)
		if why != "" {
			narrowed = append(narrowed, why)
		}
	}
	slices.Sort(res)
	res = slices.Compact(res)
	switch {
	case len(widened) > 0:
		rep.Fidelity, rep.Reason = policy.Widened, strings.Join(append(widened, narrowed...), "; ")
	case len(narrowed) > 0:
		rep.Fidelity, rep.Reason = policy.Narrowed, strings.Join(narrowed, "; ")
	}
	if len(res) == 0 || len(acts) == 0 {
		if rep.Fidelity == policy.Exact {
			rep.Fidelity, rep.Reason = policy.Narrowed, "the statement grants nothing OVHcloud can express"
		} else if rep.Fidelity == policy.Widened {
			rep.Fidelity = policy.Narrowed
		}
		return nil, rep, nil
	}
	return &part{index: i, resources: res, cond: cond, expires: exp, actions: acts}, rep, nil
}

// askedUnits returns the units whose calls statement s matches by its
// actions alone (resources and conditions aside). For an Allow only its
// portable actions (or NotActions) ask for units: native actions pass
// through as written, and on OVHcloud only role actions grant OpenStack
// rights. For a Deny (withNative) native actions count too, so that a
// denial is never lost.
func askedUnits(s policy.Statement, withNative bool) unitSet {
	doc, ok := probe(s, withNative)
	if !ok {
		return 0
	}
	var set unitSet
	for i, u := range units {
		req := policy.Request{Action: u.portable(), NativeAction: u.native(), Resource: "*"}
		if req.Action == "" {
			req.Action = u.native()
		}
		if policy.Evaluate(req, doc).Allowed {
			set |= 1 << i
		}
	}
	return set
}

// probe returns an Allow of s's actions on every resource, without
// conditions, to test which calls s matches by its actions alone: its
// portable actions (or NotActions), and also its native ones when
// withNative. ok is false when it names no action that counts.
func probe(s policy.Statement, withNative bool) (doc policy.Document, ok bool) {
	p := s
	p.Effect, p.Resources, p.NotResources, p.Conditions = policy.Allow, []policy.Resource{"*"}, nil, nil
	if len(s.NotActions) == 0 && !withNative {
		p.Actions = nil
		for _, a := range s.Actions {
			if _, _, ok := a.Portable(); ok {
				p.Actions = append(p.Actions, a)
			}
		}
		if len(p.Actions) == 0 {
			return policy.Document{}, false
		}
	}
	return policy.Build(p), true
}

// askedIAM returns, for each of iamPairs, whether statement s's portable
// actions (or NotActions) match it, resources and conditions aside:
// whether s asks for that operation at that level of the iam service.
// Native actions do not count: they pass through as written.
func askedIAM(s policy.Statement) []bool {
	out := make([]bool, len(iamPairs))
	doc, ok := probe(s, false)
	if !ok {
		return out
	}
	for i, p := range iamPairs {
		req := policy.Request{Action: string(policy.Portable(policy.IAM, p.Level)),
			NativeAction: "ovh:" + accountOps[p.Op].Action, Resource: "*"}
		out[i] = policy.Evaluate(req, doc).Allowed
	}
	return out
}

// accountCover sorts the account actions a statement touches by the
// pairs it asks (askedIAM): exact are those it asks for at every level of
// every operation; partial, those it asks for only in part, with extra
// saying what each grants beyond the request.
func accountCover(asked []bool) (exact, partial, extra []string) {
	for _, a := range accountActions {
		var some, missing []string
		for i, p := range iamPairs {
			if accountOps[p.Op].Action != a {
				continue
			}
			lvl := string(policy.Portable(policy.IAM, p.Level))
			if asked[i] {
				some = append(some, lvl)
			} else {
				missing = append(missing, lvl)
			}
		}
		switch {
		case len(some) == 0:
		case len(missing) == 0:
			exact = append(exact, a)
		default:
			slices.Sort(missing)
			partial = append(partial, a)
			extra = append(extra, a+" also grants "+strings.Join(slices.Compact(missing), ", "))
		}
	}
	return exact, partial, extra
}

// describeLevels names the iam levels of the pairs set in asked.
func describeLevels(asked []bool) string {
	var out []string
	for i, p := range iamPairs {
		if asked[i] {
			out = append(out, string(policy.Portable(policy.IAM, p.Level)))
		}
	}
	slices.Sort(out)
	return strings.Join(slices.Compact(out), ", ")
}

// everyResource returns the URNs of every resource that the actions acts
// may act on, for a statement on "*". An action's resource type is its
// first part ("publicCloudProject", "account"): Public Cloud projects
// become urn:v1:<region>:resource:publicCloudProject:* (OVHcloud accepts
// * in resource URNs, as in urn:v1:eu:resource:vps:*), the account its
// own URN, another type T urn:v1:<region>:resource:T:*. The action "*"
// (or a type with wildcards) gets the projects and the account, and why
// says that other types are not granted.
func (t Translator) everyResource(acts []string) (urns []string, why string, err error) {
	var types []string
	for _, a := range acts {
		typ, _, _ := strings.Cut(a, ":")
		if a == "*" || strings.ContainsAny(typ, "*?") {
			types = append(types, "publicCloudProject", "account")
			why = `resource "*" with every action: only Public Cloud projects and the account are granted (name the URNs of other resources)`
			continue
		}
		types = append(types, typ)
	}
	slices.Sort(types)
	for _, typ := range slices.Compact(types) {
		switch typ {
		case "publicCloudProject":
			urns = append(urns, ProjectURN(t.region(), "*"))
		case "account":
			if t.NIC == "" {
				return nil, "", fmt.Errorf(`resource "*" with account actions needs the account's URN, and the Translator's NIC is unset`)
			}
			urns = append(urns, AccountURN(t.region(), t.NIC))
		default:
			urns = append(urns, "urn:v1:"+t.region()+":resource:"+typ+":*")
		}
	}
	return urns, why, nil
}

// unexpressed lists the portable actions of s that no OVHcloud right nor
// account action grants at all (iam:Tag, compute:Permissions…).
func unexpressed(s policy.Statement) []string {
	var out []string
	for _, a := range s.Actions {
		svc, lvl, ok := a.Portable()
		if !ok {
			continue
		}
		for _, sv := range policy.Services() {
			if svc != policy.AnyService && svc != sv {
				continue
			}
			for _, l := range policy.Levels() {
				if lvl != policy.AnyLevel && lvl != l {
					continue
				}
				if !slices.ContainsFunc(units, func(u unit) bool { return u.Service == sv && u.Level == l }) &&
					!(sv == policy.IAM && iamLevel(l)) {
					out = append(out, string(policy.Portable(sv, l)))
				}
			}
		}
	}
	slices.Sort(out)
	return slices.Compact(out)
}

// cover returns the least wide set of roles that grants every unit of
// asked: the fewest extra units, then the fewest roles. Roles that grant
// nothing beyond asked are always included. ok is false when no set
// covers asked.
func cover(asked unitSet) (actions []string, extra unitSet, ok bool) {
	var fit unitSet
	var fitIdx, other []int
	for i, ru := range roleUnits {
		if ru.minus(asked) == 0 {
			fit |= ru
			fitIdx = append(fitIdx, i)
		} else if ru&asked != 0 {
			other = append(other, i)
		}
	}
	bestExtra, bestN, best := -1, 0, []int(nil)
	for mask := 0; mask < 1<<len(other); mask++ {
		got, n := fit, 0
		var pick []int
		for b, ri := range other {
			if mask&(1<<b) != 0 {
				got |= roleUnits[ri]
				n++
				pick = append(pick, ri)
			}
		}
		if asked.minus(got) != 0 {
			continue
		}
		e := weight(got.minus(asked))
		if bestExtra < 0 || e < bestExtra || e == bestExtra && n < bestN {
			bestExtra, bestN, best = e, n, pick
		}
	}
	if bestExtra < 0 {
		return nil, 0, false
	}
	idx := append(slices.Clone(fitIdx), best...)
	slices.Sort(idx)
	var got unitSet
	for _, i := range idx {
		got |= roleUnits[i]
	}
	// Drop roles that add nothing to the others.
	for k := 0; k < len(idx); k++ {
		var rest unitSet
		for j, i := range idx {
			if j != k {
				rest |= roleUnits[i]
			}
		}
		if rest == got {
			idx = slices.Delete(idx, k, k+1)
			k--
		}
	}
	for _, i := range idx {
		actions = append(actions, roles[i].Action)
	}
	return actions, got.minus(asked), true
}

// weight measures extra access: a unit that reads (List, Read) weighs 1,
// any other (writes, tags, permissions, AI Training) 100, so that a cover
// that only reads more is preferred to one that can change things.
func weight(s unitSet) int {
	w := 0
	for _, u := range s.list() {
		if u.Level == policy.List || u.Level == policy.Read {
			w++
		} else {
			w += 100
		}
	}
	return w
}

func describeUnits(s unitSet) string {
	var parts []string
	for _, u := range s.list() {
		parts = append(parts, u.describe())
	}
	return strings.Join(parts, ", ")
}

// deny translates a Deny statement into denied actions. OVHcloud applies
// a policy's denials to all its resources, unconditionally within the
// policy's own condition, so a denial is over-approximated: every role
// that grants any of what it denies is denied. reason is "" when exact.
func (t Translator) deny(s policy.Statement, allow *part) ([]string, string) {
	var why []string
	if len(s.Conditions) > 0 {
		why = append(why, "its conditions are dropped: it denies always")
	}
	covers := allow == nil || slices.Contains(s.Resources, "*")
	if !covers && allow != nil {
		covers = true
		for _, r := range allow.resources {
			if !slices.ContainsFunc(s.Resources, func(x policy.Resource) bool {
				id, ok := x.Project()
				return ok && ProjectURN(t.region(), id) == r || string(x) == r
			}) {
				covers = false
			}
		}
	}
	if !covers {
		why = append(why, "it denies on every resource of the policy, not only those it names")
	}
	if len(s.NotActions) > 0 || slices.Contains(s.Actions, "*") {
		return []string{"*"}, joinWhy(append(why, "it denies every action"))
	}
	var acts []string
	for _, a := range s.Actions {
		if cloud, name, ok := a.Native(); ok && cloud == policy.CloudOVH {
			acts = append(acts, name)
		}
	}
	denied := askedUnits(s, true)
	var over unitSet
	for i, ru := range roleUnits {
		if ru&denied != 0 {
			acts = append(acts, roles[i].Action)
			over |= ru
		}
	}
	if extra := over.minus(denied); extra != 0 {
		why = append(why, "it also denies "+describeUnits(extra))
	}
	// Account actions: every one of which the statement denies a part.
	exact, partial, extra := accountCover(askedIAM(s))
	acts = append(acts, exact...)
	acts = append(acts, partial...)
	for _, e := range extra {
		why = append(why, "it denies "+strings.Replace(e, " also grants ", ", which also grants ", 1))
	}
	return acts, joinWhy(why)
}

func joinWhy(why []string) string { return strings.Join(why, "; ") }

// conditions translates an Allow statement's conditions into an OVHcloud
// condition and expiry; an error refuses what OVHcloud cannot express.
func (t Translator) conditions(cs []policy.Condition) (*NativeCondition, *time.Time, []string, error) {
	var all []*NativeCondition
	var exp *time.Time
	var narrowed []string
	for _, c := range cs {
		switch {
		case c.Key == policy.KeySourceIP && c.Operator == policy.IPAddress:
			var alts []*NativeCondition
			for _, v := range c.Values {
				ip, ok := hostIP(v)
				if !ok {
					return nil, nil, nil, fmt.Errorf("OVHcloud conditions match request.IP against one address; %q is a range", v)
				}
				alts = append(alts, &NativeCondition{Operator: "MATCH", Values: map[string]string{"request.IP": ip}})
			}
			all = append(all, anyOf(alts))
		case c.Key == policy.KeyCurrentTime && (c.Operator == policy.DateLessThan || c.Operator == policy.DateLessThanEquals) && len(c.Values) == 1:
			at, err := time.Parse(time.RFC3339, c.Values[0])
			if err != nil {
				return nil, nil, nil, fmt.Errorf("bad time %q", c.Values[0])
			}
			at = at.UTC()
			if exp == nil || at.Before(*exp) {
				exp = &at
			}
			if c.Operator == policy.DateLessThanEquals {
				narrowed = append(narrowed, "expiredAt ends the policy at "+c.Values[0]+" itself")
			}
		case strings.HasPrefix(c.Key, policy.KeyResourceTagPrefix) && (c.Operator == policy.StringEquals || c.Operator == policy.StringEqualsIfExists):
			tag := strings.TrimPrefix(c.Key, policy.KeyResourceTagPrefix)
			var alts []*NativeCondition
			for _, v := range c.Values {
				alts = append(alts, &NativeCondition{Operator: "MATCH", Values: map[string]string{"resource.Tag(" + tag + ")": v}})
			}
			all = append(all, anyOf(alts))
			if c.Operator == policy.StringEqualsIfExists {
				narrowed = append(narrowed, "resources without the tag "+tag+" are not granted (OVHcloud has no if-exists match)")
			}
		default:
			return nil, nil, nil, fmt.Errorf("OVHcloud policy conditions cannot express %s on %s (supported: IpAddress of single addresses, DateLessThan, resource-tag StringEquals)", c.Operator, c.Key)
		}
	}
	switch len(all) {
	case 0:
		return nil, exp, narrowed, nil
	case 1:
		return all[0], exp, narrowed, nil
	}
	return &NativeCondition{Operator: "AND", Conditions: all}, exp, narrowed, nil
}

func anyOf(alts []*NativeCondition) *NativeCondition {
	if len(alts) == 1 {
		return alts[0]
	}
	return &NativeCondition{Operator: "OR", Conditions: alts}
}

// hostIP returns the address of v when v names one host ("192.0.2.1",
// "192.0.2.1/32").
func hostIP(v string) (string, bool) {
	if a, err := netip.ParseAddr(v); err == nil {
		return a.String(), true
	}
	p, err := netip.ParsePrefix(v)
	if err != nil || p.Bits() != p.Addr().BitLen() {
		return "", false
	}
	return p.Addr().String(), true
}

func sameCond(a, b *NativeCondition) bool {
	ja, _ := json.Marshal(a)
	jb, _ := json.Marshal(b)
	return string(ja) == string(jb)
}

func sameTime(a, b *time.Time) bool {
	if a == nil || b == nil {
		return a == b
	}
	return a.Equal(*b)
}

func dedupe(s []string) []string {
	var out []string
	for _, x := range s {
		if !slices.Contains(out, x) {
			out = append(out, x)
		}
	}
	return out
}
