package aws

import (
	"cmp"
	"fmt"
	"net/netip"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/iamkit/iamkit/iam"
	"github.com/iamkit/iamkit/internal/awspolicy"
	"github.com/iamkit/iamkit/internal/wildcard"
	"github.com/iamkit/iamkit/policy"
)

// The IAM policy size quotas, in characters that are not white space (as
// awspolicy.NonWhitespaceLen counts them).
const (
	// MaxManagedPolicySize bounds a customer managed policy.
	MaxManagedPolicySize = 6144
	// MaxInlineUserPolicySize bounds the inline policies of one user,
	// together.
	MaxInlineUserPolicySize = 2048
	// MaxInlineGroupPolicySize bounds the inline policies of one group,
	// together.
	MaxInlineGroupPolicySize = 5120
	// MaxInlineRolePolicySize bounds the inline policies of one role,
	// together.
	MaxInlineRolePolicySize = 10240
)

// Translator turns portable documents into AWS IAM identity-policy JSON.
// Its zero value is ready to use; it implements policy.Translator.
//
// The translation never allows more than the portable document (see
// Translate). Portable actions become the explicit action lists of Catalog,
// portable resources become ARNs, portable conditions the matching aws:
// condition keys.
type Translator struct {
	// Partition is the ARN partition: "aws" when empty, or "aws-cn",
	// "aws-us-gov", …
	Partition string
	// AccountID optionally scopes the ARNs of portable resources to one
	// 12-digit account ("compute:instance/i-1" becomes
	// arn:aws:ec2:*:<AccountID>:instance/i-1); when empty they name the
	// resource in any account ("*"), where AWS allows it.
	AccountID string
}

var _ policy.Translator = Translator{}

// CheckSize returns an *iam.Error of kind iam.ErrLimit when native is
// larger than limit characters that are not white space, as IAM counts
// them: "managed policy is 7012 non-whitespace characters, the limit is
// 6144". what names the policy in the message.
func CheckSize(native []byte, limit int, what string) error {
	if n := awspolicy.NonWhitespaceLen(native); n > limit {
		return &iam.Error{Provider: "aws", Op: "CheckSize", Kind: iam.ErrLimit,
			Msg: fmt.Sprintf("%s is %d non-whitespace characters, the limit is %d", what, n, limit)}
	}
	return nil
}

// Translate turns doc into an AWS IAM policy (compact canonical JSON,
// Version 2012-10-17) and a report with one entry per portable statement.
//
// The native policy never allows a call the portable one does not:
//
//   - An Allow only ever narrows. Portable actions become the explicit
//     lists of Catalog ("*" stays "*", "aws:" actions pass verbatim);
//     another cloud's native actions, and resources or conditions AWS
//     cannot express, are dropped from the grant (Narrowed), and a
//     statement left with nothing to grant is dropped.
//   - A Deny only ever widens, since a narrower Deny would widen the
//     policy: what AWS cannot express is denied more broadly (a resource
//     becomes "*", a condition is dropped), and reported Narrowed.
//   - An Allow with NotAction over portable actions would allow every AWS
//     action missing from the catalog: it is refused with iam.ErrInvalid
//     unless opts.AllowWidening, and then reported Widened.
//
// Resources: "*"; "objectstorage:bucket/NAME" and
// "objectstorage:object/BUCKET/KEY" (S3 ARNs); "compute:instance/ID",
// "compute:key-pair/NAME", "compute:launch-template/ID",
// "compute:placement-group/NAME", "blockstorage:volume/ID",
// "blockstorage:snapshot/ID", "image:image/ID", "network:vpc/ID" and the
// other network types (subnet, security-group, security-group-rule,
// network-interface, address, internet-gateway,
// egress-only-internet-gateway, route-table, nat-gateway, network-acl,
// dhcp-options, vpc-endpoint, vpc-peering-connection, prefix-list,
// flow-log) as EC2 ARNs; "iam:user/NAME", "iam:group/NAME",
// "iam:policy/NAME", "iam:role/NAME", "iam:instance-profile/NAME" as IAM
// ARNs, whatever their path (a portable IAM reference names the identity,
// never its path); "project/<12-digit account id>" as the EC2 and
// IAM ARNs of that account; native ARNs verbatim.
//
// Errors: an invalid document or a refused widening is an *iam.Error of
// kind iam.ErrInvalid (wrapping the *policy.Error that names the statement);
// a native policy over MaxManagedPolicySize is one of kind iam.ErrLimit.
func (t Translator) Translate(doc policy.Document, opts policy.TranslateOptions) (*policy.Translation, error) {
	tr, err := t.prepare()
	if err != nil {
		return nil, err
	}
	if err := policy.Validate(doc); err != nil {
		return nil, translateErr(iam.ErrInvalid, "", err)
	}
	tr.opts = opts
	var out awspolicy.Document
	out.Version = awspolicy.Version2012
	rep := policy.Report{Statements: make([]policy.StatementReport, 0, len(doc.Statements))}
	sids := make(map[string]bool)
	for i, s := range doc.Statements {
		natives, sr, err := tr.statement(i, s)
		if err != nil {
			return nil, err
		}
		base := nativeSid(s.Sid)
		for _, n := range natives {
			n.Sid = uniqueSid(base, sids)
			out.Statements = append(out.Statements, n)
		}
		rep.Statements = append(rep.Statements, sr)
	}
	if len(out.Statements) == 0 {
		return nil, translateErr(iam.ErrInvalid, "nothing of the document can be expressed on AWS: "+rep.String(), nil)
	}
	native, err := awspolicy.Marshal(out, awspolicy.AWS)
	if err != nil {
		// A translator bug: every element is checked on the way.
		return nil, translateErr(iam.ErrInvalid, "cannot write the AWS policy", err)
	}
	if n := awspolicy.NonWhitespaceLen(native); n > MaxManagedPolicySize {
		return nil, translateErr(iam.ErrLimit, fmt.Sprintf("managed policy is %d non-whitespace characters, the limit is %d", n, MaxManagedPolicySize), nil)
	}
	return &policy.Translation{Native: native, Report: rep}, nil
}

func translateErr(kind error, msg string, cause error) error {
	return &iam.Error{Provider: "aws", Op: "Translate", Kind: kind, Msg: msg, Err: cause}
}

// translation is the state of one Translate call.
type translation struct {
	part string // ARN partition
	acct string // account id for ARNs, or "*"
	opts policy.TranslateOptions
}

func (t Translator) prepare() (*translation, error) {
	tr := &translation{part: t.Partition, acct: t.AccountID}
	if tr.part == "" {
		tr.part = "aws"
	}
	if !validPartition(tr.part) {
		return nil, translateErr(iam.ErrInvalid, fmt.Sprintf("invalid partition %q (want aws, aws-cn, aws-us-gov, …)", t.Partition), nil)
	}
	switch {
	case tr.acct == "":
		tr.acct = "*"
	case !isAccountID(tr.acct):
		return nil, translateErr(iam.ErrInvalid, fmt.Sprintf("invalid account id %q (want 12 digits)", t.AccountID), nil)
	}
	return tr, nil
}

func validPartition(p string) bool {
	if p == "" || p[0] < 'a' || p[0] > 'z' {
		return false
	}
	for i := 0; i < len(p); i++ {
		c := p[i]
		if !('a' <= c && c <= 'z' || '0' <= c && c <= '9' || c == '-') {
			return false
		}
	}
	return true
}

func isAccountID(s string) bool {
	if len(s) != 12 {
		return false
	}
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}

// nativeSid keeps the letters and digits of a portable Sid, the only
// characters AWS allows.
func nativeSid(sid string) string {
	var b strings.Builder
	for i := 0; i < len(sid); i++ {
		if c := sid[i]; 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9' {
			b.WriteByte(c)
		}
	}
	return b.String()
}

// uniqueSid returns base, or base followed by the smallest number from 2
// that makes it unused; "" stays "".
func uniqueSid(base string, used map[string]bool) string {
	if base == "" {
		return ""
	}
	sid := base
	for n := 2; used[sid]; n++ {
		sid = base + strconv.Itoa(n)
	}
	used[sid] = true
	return sid
}

// stmtState collects the report of one portable statement.
type stmtState struct {
	rep     policy.StatementReport
	reasons []string
}

func (st *stmtState) narrow(reason string) {
	st.rep.Fidelity = max(st.rep.Fidelity, policy.Narrowed)
	st.note(reason)
}

func (st *stmtState) note(reason string) {
	if reason != "" && !slices.Contains(st.reasons, reason) {
		st.reasons = append(st.reasons, reason)
	}
}

// group is one native statement in the making.
type group struct {
	actions     []string
	notAction   bool
	resources   []string
	notResource bool
	conditions  []awspolicy.Condition
	effect      string
}

func (tr *translation) statement(i int, s policy.Statement) ([]awspolicy.Statement, policy.StatementReport, error) {
	st := &stmtState{rep: policy.StatementReport{Index: i, Sid: s.Sid}}
	deny := s.Effect == policy.Deny
	finish := func(groups []group) ([]awspolicy.Statement, policy.StatementReport, error) {
		st.rep.Reason = strings.Join(st.reasons, "; ")
		return emit(groups), st.rep, nil
	}

	conds, bad := tr.conditions(s.Conditions)
	if len(bad) > 0 {
		if !deny {
			st.narrow(strings.Join(bad, "; ") + ": the statement is dropped")
			return finish(nil)
		}
		st.narrow(strings.Join(bad, "; ") + ": the condition is dropped, so the Deny applies more widely")
	}

	var groups []group
	add := func(g group) {
		g.effect = string(s.Effect)
		g.conditions = conds
		g.actions = normalizeActions(g.actions)
		g.resources = normalizeResources(g.resources)
		if (len(g.actions) > 0 || g.notAction) && (len(g.resources) > 0 || g.notResource) {
			groups = append(groups, g)
		}
	}

	switch {
	case s.Actions != nil && !deny:
		as := expand(s.Actions, false)
		as.reportForeign(st)
		as.reportEmpty(st)
		if s.Resources != nil {
			tr.allowOn(st, as, s.Resources, add)
		} else {
			if len(as.scoped) > 0 {
				st.narrow("EC2 tagging limited to one service's resources cannot be combined with NotResource: " + strings.Join(as.scopedNames(), ", ") + " not granted")
			}
			nr, all := tr.resourceList(st, s.NotResources, true, nil)
			if all {
				st.narrow("NotResource cannot be expressed: the statement is dropped")
				break
			}
			add(group{actions: as.plain, resources: nr, notResource: true})
		}

	case s.Actions != nil && deny:
		as := expand(s.Actions, true)
		if len(as.foreign) > 0 {
			st.note(fmt.Sprintf("%s: other clouds' actions, nothing to deny on AWS", quoteList(as.foreign)))
		}
		if s.Resources != nil {
			tr.denyOn(st, as, s.Resources, add)
		} else {
			plain := as.plain
			if len(as.scoped) > 0 {
				st.narrow("EC2 tagging of " + strings.Join(as.scopedNames(), ", ") + " is denied on every resource type, not only that service's")
				plain = append(slices.Clone(plain), as.scopedActions()...)
			}
			nr := tr.underList(st, s.NotResources, "the Deny applies to more resources")
			if len(nr) == 0 {
				add(group{actions: plain, resources: []string{"*"}})
			} else {
				add(group{actions: plain, resources: nr, notResource: true})
			}
		}

	case !deny: // Allow with NotAction
		as := expand(s.NotActions, true)
		excluded := slices.Clone(as.plain)
		if len(as.scoped) > 0 {
			st.narrow("EC2 tagging of " + strings.Join(as.scopedNames(), ", ") + " is excluded for every resource type, not only that service's")
			excluded = append(excluded, as.scopedActions()...)
		}
		excluded = normalizeActions(excluded)
		if slices.Contains(excluded, "*") {
			st.note(`NotAction "*" leaves no action to allow: nothing to translate`)
			break
		}
		if len(as.partial) > 0 {
			msg := fmt.Sprintf("Allow with NotAction %s: AWS receives iamkit's list of the actions of %s, so AWS actions missing from that list (such as ones AWS adds later) would be allowed",
				quoteList(as.partial), pluralWord(len(as.partial), "this level", "these levels"))
			if !tr.opts.AllowWidening {
				return nil, st.rep, translateErr(iam.ErrInvalid, "", &policy.Error{Statement: i, Sid: s.Sid, Field: "NotAction",
					Msg: msg + "; list the actions to allow, or set AllowWidening to accept it"})
			}
			st.rep.Fidelity = policy.Widened
			st.note(msg)
		}
		g := group{actions: excluded, notAction: true}
		if len(excluded) == 0 {
			g = group{actions: []string{"*"}}
		}
		if s.Resources != nil {
			res, _ := tr.allowResources(st, s.Resources, []string{"*"})
			g.resources = res
		} else {
			nr, all := tr.resourceList(st, s.NotResources, true, nil)
			if all {
				st.narrow("NotResource cannot be expressed: the statement is dropped")
				break
			}
			g.resources, g.notResource = nr, true
		}
		add(g)

	default: // Deny with NotAction
		as := expand(s.NotActions, false)
		excluded := as.plain
		if len(as.scoped) > 0 {
			st.narrow("EC2 tagging of " + strings.Join(as.scopedNames(), ", ") + " cannot be excluded for one service only: the Deny covers all EC2 tagging")
		}
		excluded = normalizeActions(excluded)
		if slices.Contains(excluded, "*") {
			st.note(`NotAction "*" leaves no action to deny: nothing to translate`)
			break
		}
		g := group{actions: excluded, notAction: true}
		if len(excluded) == 0 {
			g = group{actions: []string{"*"}}
		}
		if s.Resources != nil {
			res, _ := tr.resourceList(st, s.Resources, true, nil)
			g.resources = res
		} else {
			nr := tr.underList(st, s.NotResources, "the Deny applies to more resources")
			if len(nr) == 0 {
				g.resources = []string{"*"}
			} else {
				g.resources, g.notResource = nr, true
			}
		}
		add(g)
	}

	groups = mergeGroups(groups)
	if len(groups) == 0 && !deny && st.rep.Fidelity == policy.Exact && len(st.reasons) == 0 {
		st.narrow("nothing of the statement can be granted on AWS")
	}
	return finish(groups)
}

// allowOn builds the native statements of an Allow with Action and
// Resource.
func (tr *translation) allowOn(st *stmtState, as actionSet, resources []policy.Resource, add func(group)) {
	plain := as.plain
	res, dropped := tr.allowResources(st, resources, plain)
	if len(dropped) > 0 {
		st.narrow(fmt.Sprintf("%s not granted: the resources left are in an account's EC2 and IAM ARNs only", quoteList(dropped)))
		plain = slices.DeleteFunc(slices.Clone(plain), func(a string) bool { return slices.Contains(dropped, a) })
	}
	if len(res) > 0 && !slices.Contains(res, "*") {
		if star := starOnlyOf(plain); len(star) > 0 {
			st.narrow(fmt.Sprintf("%s %s not support resource-level permissions: granted on \"*\" only, never on the resources named here",
				quoteList(star), pluralWord(len(star), "does", "do")))
		}
	}
	add(group{actions: plain, resources: res})
	for _, svc := range as.scopedServices() {
		cell := catIndex.cells[svc][policy.Tag]
		acts := uncovered(as.scoped[svc], plain)
		if len(acts) == 0 {
			continue
		}
		var sres []string
		for _, r := range resources {
			p, _, reason := tr.resource(r, false, cell)
			if reason != "" {
				st.narrow(reason)
			}
			sres = append(sres, p...)
		}
		add(group{actions: acts, resources: sres})
	}
}

// allowResources translates the Resource list of an Allow for the given
// actions. It returns the ARN patterns and, when every resource is an
// account ("project/<id>"), the actions that cannot be scoped to one.
func (tr *translation) allowResources(st *stmtState, resources []policy.Resource, actions []string) (res, dropped []string) {
	var acctPats []string
	for _, r := range resources {
		p, account, reason := tr.resource(r, false, nil)
		if reason != "" {
			st.narrow(reason)
		}
		if account {
			acctPats = append(acctPats, p...)
		} else {
			res = append(res, p...)
		}
	}
	if slices.Contains(res, "*") {
		return []string{"*"}, nil
	}
	if len(acctPats) == 0 {
		return res, nil
	}
	// Keep the account patterns the actions can use; when they are all
	// there is, drop the actions none of them can serve.
	star := slices.Contains(actions, "*")
	var useEC2, useIAM bool
	for _, a := range actions {
		switch actionPrefix(a) {
		case "ec2", "ec2-instance-connect":
			useEC2 = true
		case "iam":
			useIAM = true
		default:
			if a != "*" {
				dropped = append(dropped, a)
			}
		}
	}
	others := len(res)
	for _, p := range acctPats {
		if star || useEC2 && strings.Contains(p, ":ec2:") || useIAM && strings.Contains(p, ":iam:") {
			res = append(res, p)
		}
	}
	if others > 0 {
		// Other resources serve the other actions.
		dropped = nil
	}
	return res, dropped
}

// denyOn builds the native statements of a Deny with Action and Resource.
func (tr *translation) denyOn(st *stmtState, as actionSet, resources []policy.Resource, add func(group)) {
	plain := as.plain
	res, _ := tr.resourceList(st, resources, true, nil)
	if !slices.Contains(res, "*") {
		if star := starOnlyOf(plain); len(star) > 0 {
			st.narrow(fmt.Sprintf("%s %s not support resource-level permissions: denied on every resource",
				quoteList(star), pluralWord(len(star), "does", "do")))
			add(group{actions: star, resources: []string{"*"}})
			plain = slices.DeleteFunc(slices.Clone(plain), func(a string) bool { return slices.Contains(star, a) })
		}
	}
	add(group{actions: plain, resources: res})
	for _, svc := range as.scopedServices() {
		cell := catIndex.cells[svc][policy.Tag]
		acts := uncovered(as.scoped[svc], plain)
		if len(acts) == 0 {
			continue
		}
		sres, _ := tr.resourceList(st, resources, true, cell)
		add(group{actions: acts, resources: sres})
	}
}

// resourceList translates a list of resources; all reports whether the
// result is (or contains) "*".
func (tr *translation) resourceList(st *stmtState, list []policy.Resource, over bool, scope *catEntry) (out []string, all bool) {
	for _, r := range list {
		p, _, reason := tr.resource(r, over, scope)
		if reason != "" {
			st.narrow(reason)
		}
		out = append(out, p...)
	}
	if slices.Contains(out, "*") {
		return []string{"*"}, true
	}
	return out, false
}

// underList translates the NotResource list of a Deny: resources that
// cannot be expressed are left out, so the Deny covers them too.
func (tr *translation) underList(st *stmtState, list []policy.Resource, consequence string) []string {
	var out []string
	for _, r := range list {
		p, _, reason := tr.resource(r, false, nil)
		if reason != "" {
			st.narrow(reason + "; " + consequence)
		}
		out = append(out, p...)
	}
	if slices.Contains(out, "*") {
		return []string{"*"}
	}
	return out
}

// emit turns groups into native statements.
func emit(groups []group) []awspolicy.Statement {
	out := make([]awspolicy.Statement, 0, len(groups))
	for _, g := range groups {
		n := awspolicy.Statement{Effect: g.effect, Conditions: g.conditions}
		if g.notAction {
			n.NotActions = g.actions
		} else {
			n.Actions = g.actions
		}
		if g.notResource {
			n.NotResources = g.resources
		} else {
			n.Resources = g.resources
		}
		out = append(out, n)
	}
	return out
}

// mergeGroups merges plain (Action, Resource) groups that share their
// actions or their resources: the union is the same grant, written once.
func mergeGroups(groups []group) []group {
	for changed := true; changed; {
		changed = false
	outer:
		for i := range groups {
			for j := i + 1; j < len(groups); j++ {
				a, b := &groups[i], &groups[j]
				if a.notAction || a.notResource || b.notAction || b.notResource {
					continue
				}
				switch {
				case slices.Equal(a.actions, b.actions):
					a.resources = normalizeResources(append(slices.Clone(a.resources), b.resources...))
				case slices.Equal(a.resources, b.resources):
					a.actions = normalizeActions(append(slices.Clone(a.actions), b.actions...))
				default:
					continue
				}
				groups = slices.Delete(groups, j, j+1)
				changed = true
				break outer
			}
		}
	}
	return groups
}

// normalizeActions sorts and deduplicates actions, drops the literal ones a
// wildcard of the list already matches, and reduces a list with "*" to it.
func normalizeActions(list []string) []string {
	if slices.Contains(list, "*") {
		return []string{"*"}
	}
	out := slices.Clone(list)
	slices.SortFunc(out, func(a, b string) int {
		return cmp.Or(cmp.Compare(strings.ToLower(a), strings.ToLower(b)), cmp.Compare(a, b))
	})
	out = slices.CompactFunc(out, strings.EqualFold)
	var wild []string
	for _, a := range out {
		if strings.ContainsAny(a, "*?") {
			wild = append(wild, a)
		}
	}
	if len(wild) == 0 {
		return out
	}
	return slices.DeleteFunc(out, func(a string) bool {
		for _, w := range wild {
			if w == a {
				continue
			}
			if !strings.ContainsAny(a, "*?") && wildcard.Match(w, a, true) {
				return true
			}
			// "svc:*" covers every pattern of the same service.
			if p, ok := strings.CutSuffix(w, ":*"); ok && !strings.ContainsAny(p, "*?") && strings.EqualFold(actionPrefix(a), p) {
				return true
			}
		}
		return false
	})
}

// normalizeResources sorts and deduplicates resources, reducing a list
// with "*" to it.
func normalizeResources(list []string) []string {
	if slices.Contains(list, "*") {
		return []string{"*"}
	}
	out := slices.Clone(list)
	slices.Sort(out)
	return slices.Compact(out)
}

// uncovered returns the actions of acts that no action of plain matches.
func uncovered(acts, plain []string) []string {
	var out []string
	for _, a := range acts {
		covered := false
		for _, p := range plain {
			if wildcard.Match(p, a, true) {
				covered = true
				break
			}
		}
		if !covered {
			out = append(out, a)
		}
	}
	return out
}

func starOnlyOf(actions []string) []string {
	var out []string
	for _, a := range actions {
		if !strings.ContainsAny(a, "*?") && starOnly(a) {
			out = append(out, a)
		}
	}
	return out
}

// actionSet is a list of portable and native actions expanded to IAM
// actions.
type actionSet struct {
	// plain are IAM actions and patterns, valid on any resource.
	plain []string
	// scoped are the EC2 tagging actions of a service's Tag level, valid
	// on that service's resource types only.
	scoped map[policy.Service][]string
	// foreign are native actions of other clouds.
	foreign []policy.Action
	// empty are portable actions with no AWS action.
	empty []policy.Action
	// partial are portable actions expanded (in over mode) to explicit
	// lists rather than whole-service wildcards.
	partial []policy.Action
}

// expand turns actions into IAM actions. With over, a set of catalog cells
// that holds every catalog action of an AWS service prefix is written
// "prefix:*" ("iam:*" for iam:*): a superset, as a Deny or a NotAction of
// an Allow needs; otherwise the explicit lists are used.
func expand(actions []policy.Action, over bool) actionSet {
	var as actionSet
	var cells []*catEntry
	from := make(map[*catEntry][]policy.Action)
	for _, a := range actions {
		if a == "*" {
			as.plain = append(as.plain, "*")
			continue
		}
		if svc, lvl, ok := a.Portable(); ok {
			n := 0
			for _, c := range cellsOf(svc, lvl) {
				if !slices.Contains(cells, c) {
					cells = append(cells, c)
				}
				from[c] = append(from[c], a)
				n += len(c.actions)
			}
			if n == 0 {
				as.empty = append(as.empty, a)
			}
			continue
		}
		cloud, name, ok := a.Native()
		switch {
		case !ok:
			// Validate refused it already.
		case cloud == policy.CloudAWS:
			as.plain = append(as.plain, name)
		default:
			as.foreign = append(as.foreign, a)
		}
	}
	whole := map[string]bool{}
	if over {
		for p, owners := range catIndex.owners {
			all := true
			for _, o := range owners {
				if !slices.Contains(cells, o) {
					all = false
					break
				}
			}
			whole[p] = all
		}
	}
	for _, c := range cells {
		for _, act := range c.actions {
			p := actionPrefix(act)
			switch {
			case whole[p]:
				as.plain = append(as.plain, p+":*")
				continue
			case c.types != nil:
				if as.scoped == nil {
					as.scoped = make(map[policy.Service][]string)
				}
				as.scoped[c.service] = append(as.scoped[c.service], act)
			default:
				as.plain = append(as.plain, act)
			}
			for _, a := range from[c] {
				if !slices.Contains(as.partial, a) {
					as.partial = append(as.partial, a)
				}
			}
		}
	}
	as.plain = normalizeActions(as.plain)
	return as
}

// cellsOf returns the catalog cells a portable action covers.
func cellsOf(svc policy.Service, lvl policy.Level) []*catEntry {
	var out []*catEntry
	for i := range catalog {
		c := &catalog[i]
		if (svc == policy.AnyService || c.service == svc) && (lvl == policy.AnyLevel || c.level == lvl) {
			out = append(out, c)
		}
	}
	return out
}

func (as actionSet) scopedServices() []policy.Service {
	var out []policy.Service
	for _, s := range policy.Services() {
		if len(as.scoped[s]) > 0 {
			out = append(out, s)
		}
	}
	return out
}

func (as actionSet) scopedNames() []string {
	var out []string
	for _, s := range as.scopedServices() {
		out = append(out, string(s))
	}
	return out
}

func (as actionSet) scopedActions() []string {
	var out []string
	for _, s := range as.scopedServices() {
		out = append(out, as.scoped[s]...)
	}
	return out
}

func (as actionSet) reportForeign(st *stmtState) {
	if len(as.foreign) > 0 {
		names := make([]string, len(as.foreign))
		for i, a := range as.foreign {
			names[i] = string(a)
		}
		st.narrow(fmt.Sprintf("%s: %s, which AWS cannot express: not granted",
			quoteList(names), pluralWord(len(names), "another cloud's native action", "other clouds' native actions")))
	}
}

func (as actionSet) reportEmpty(st *stmtState) {
	for _, a := range as.empty {
		st.narrow(fmt.Sprintf("%s has no AWS action of its own (AWS's Describe calls also read state: see Catalog)", a))
	}
}

// ec2Types maps the portable resource types of the EC2-API services to the
// resource part of their ARNs.
var ec2Types = map[policy.Service]map[string]string{
	policy.Compute: {"instance": "instance", "key-pair": "key-pair", "launch-template": "launch-template",
		"placement-group": "placement-group"},
	policy.BlockStorage: {"volume": "volume", "snapshot": "snapshot"},
	policy.Image:        {"image": "image"},
	policy.Network: {"vpc": "vpc", "subnet": "subnet", "security-group": "security-group",
		"security-group-rule": "security-group-rule", "network-interface": "network-interface",
		"address": "elastic-ip", "internet-gateway": "internet-gateway",
		"egress-only-internet-gateway": "egress-only-internet-gateway", "route-table": "route-table",
		"nat-gateway": "natgateway", "network-acl": "network-acl", "dhcp-options": "dhcp-options",
		"vpc-endpoint": "vpc-endpoint", "vpc-peering-connection": "vpc-peering-connection",
		"prefix-list": "prefix-list", "flow-log": "vpc-flow-log"},
}

// accountless reports whether ARNs of an EC2 resource type carry no
// account: AMIs and snapshots, which can be public.
func accountless(arnType string) bool { return arnType == "image" || arnType == "snapshot" }

// iamTypes are the portable IAM resource types, named as in IAM ARNs.
var iamTypes = []string{"user", "group", "policy", "role", "instance-profile"}

// resource translates one portable resource. With over, the patterns cover
// at least the portable resource (for a Deny, or the NotResource of an
// Allow); without, at most (an Allow, or the NotResource of a Deny). scope,
// when set, intersects the result with the resource types of an EC2 Tag
// cell. account reports that the patterns are those of "project/<id>" for
// unscoped actions. reason is set when the patterns are not exact.
func (tr *translation) resource(r policy.Resource, over bool, scope *catEntry) (pats []string, account bool, reason string) {
	unexpressible := func(why string) ([]string, bool, string) {
		if !over {
			return nil, false, why + ": not granted"
		}
		if scope != nil {
			return tr.scopePatterns(scope, "*", true), false, why + ": denied on every " + string(scope.service) + " resource"
		}
		return []string{"*"}, false, why + ": denied on every resource"
	}
	switch r.Kind() {
	case policy.ResourceAny:
		if scope != nil {
			return tr.scopePatterns(scope, tr.acct, true), false, ""
		}
		return []string{"*"}, false, ""

	case policy.ResourceProject:
		id, _ := r.Project()
		if !isAccountID(id) {
			return unexpressible(fmt.Sprintf("%q is not an AWS account (want project/<12-digit account id>)", r))
		}
		if over {
			if scope != nil {
				return tr.scopePatterns(scope, id, true), false, ""
			}
			return []string{"*"}, false, fmt.Sprintf("a Deny on %q applies to every resource", r)
		}
		why := fmt.Sprintf("%q is granted on the account's EC2 and IAM ARNs only: actions that take no resource (Describe…, List…) and resources whose ARNs carry no account (S3 buckets and objects, AMIs, snapshots) are not granted", r)
		if scope != nil {
			return tr.scopePatterns(scope, id, false), false, why
		}
		return []string{"arn:" + tr.part + ":ec2:*:" + id + ":*", "arn:" + tr.part + ":iam::" + id + ":*"}, true, why

	case policy.ResourceNative:
		s := string(r)
		if !strings.HasPrefix(s, "arn:") {
			return unexpressible(fmt.Sprintf("%q is not an AWS resource", shorten(s)))
		}
		if !awsText(s) || strings.Count(s, ":") < 5 {
			return unexpressible(fmt.Sprintf("%q is not an ARN AWS accepts", shorten(s)))
		}
		if scope != nil {
			if !over {
				return nil, false, fmt.Sprintf("%s tagging on %q not granted: iamkit cannot tell whether that ARN is a %s resource", scope.service, shorten(s), scope.service)
			}
			return []string{s}, false, fmt.Sprintf("%s tagging is denied on %q whatever its type", scope.service, shorten(s))
		}
		return []string{s}, false, ""

	case policy.ResourcePortable:
		svc, typ, path, _ := r.Reference()
		if scope != nil && svc != scope.service {
			// A call of this scope never touches another service's
			// resource: nothing to grant or deny, exactly.
			return nil, false, ""
		}
		p, inexact, ok := tr.reference(svc, typ, path, over)
		if !ok {
			return unexpressible(fmt.Sprintf("%q has no AWS ARN", shorten(string(r))))
		}
		if scope != nil && !slices.Contains(scope.types, ec2Types[svc][typ]) {
			return nil, false, ""
		}
		for _, x := range p {
			if !awsText(x) {
				return unexpressible(fmt.Sprintf("%q has characters AWS does not accept", shorten(string(r))))
			}
		}
		if inexact != "" {
			inexact = fmt.Sprintf("%q: %s", shorten(string(r)), inexact)
		}
		return p, false, inexact
	}
	return unexpressible(fmt.Sprintf("%q is not a resource", shorten(string(r))))
}

// scopePatterns returns the ARN patterns of every resource type of an EC2
// Tag cell in account acct ("*" for any). Without withAccountless the
// types whose ARNs carry no account are left out.
func (tr *translation) scopePatterns(scope *catEntry, acct string, withAccountless bool) []string {
	var out []string
	for _, typ := range scope.types {
		if accountless(typ) {
			if withAccountless {
				out = append(out, "arn:"+tr.part+":ec2:*::"+typ+"/*")
			}
			continue
		}
		out = append(out, "arn:"+tr.part+":ec2:*:"+acct+":"+typ+"/*")
	}
	return out
}

// reference translates a portable reference to ARN patterns; ok is false
// when it has none. inexact explains a translation that is not exact (a
// superset with over, a subset without).
func (tr *translation) reference(svc policy.Service, typ, path string, over bool) (pats []string, inexact string, ok bool) {
	wild := strings.ContainsAny(path, "*?")
	switch svc {
	case policy.ObjectStorage:
		s3 := "arn:" + tr.part + ":s3:::"
		switch typ {
		case "bucket":
			switch {
			case strings.Contains(path, "/"):
				return nil, "", false
			case !wild:
				return []string{s3 + path}, "", true
			case over:
				return []string{s3 + path}, "in an S3 ARN a wildcard bucket name also matches objects, which are denied too", true
			}
			return nil, "in an S3 ARN a wildcard bucket name would also match objects: not granted", true
		case "object":
			// An object path is "<bucket>/<key>": a pattern with a
			// literal '/' matches objects only, as in S3 ARNs.
			if strings.Contains(path, "/") {
				return []string{s3 + path}, "", true
			}
			if q, ok := strings.CutSuffix(path, "*"); ok && !strings.ContainsAny(q, "*?") {
				return []string{s3 + q + "*/*"}, "", true
			}
			if over {
				return []string{s3 + path}, "the S3 ARN pattern also matches buckets, which are denied too", true
			}
			return nil, "the S3 ARN pattern would also match buckets: not granted", true
		}
		return nil, "", false

	case policy.IAM:
		if !slices.Contains(iamTypes, typ) {
			return nil, "", false
		}
		base := "arn:" + tr.part + ":iam::" + tr.acct + ":" + typ + "/"
		switch {
		case path == "*":
			return []string{base + "*"}, "", true
		case strings.Contains(path, "/"):
			// A portable IAM reference names the identity, never its
			// path: no name holds a '/'.
			return nil, "", false
		case !wild:
			// The name, under any path: IAM names are unique whatever
			// the path, and hold no '/'.
			return []string{base + path, base + "*/" + path}, "", true
		case over:
			return []string{base + path, base + "*/" + path}, "IAM ARNs carry the path, which the wildcard may match too: more is denied", true
		}
		return nil, "IAM ARNs carry the path, which the wildcard could match too: not granted", true
	}
	types, known := ec2Types[svc]
	arnType, ok := types[typ]
	if !known || !ok {
		return nil, "", false
	}
	acct := tr.acct
	if accountless(arnType) {
		acct = ""
	}
	return []string{"arn:" + tr.part + ":ec2:*:" + acct + ":" + arnType + "/" + path}, "", true
}

// conditions translates portable conditions; bad describes those AWS
// cannot express.
func (tr *translation) conditions(cs []policy.Condition) (out []awspolicy.Condition, bad []string) {
	for _, c := range cs {
		var key string
		switch {
		case c.Key == policy.KeySourceIP:
			key = "aws:SourceIp"
		case c.Key == policy.KeyCurrentTime:
			key = "aws:CurrentTime"
		case strings.HasPrefix(c.Key, policy.KeyResourceTagPrefix):
			key = "aws:ResourceTag/" + c.Key[len(policy.KeyResourceTagPrefix):]
		}
		vals := make([]string, len(c.Values))
		ok := key != "" && awsText(key)
		for i, v := range c.Values {
			switch key {
			case "aws:SourceIp":
				v = canonicalIP(v)
			case "aws:CurrentTime":
				if t, err := time.Parse(time.RFC3339, v); err == nil {
					v = t.UTC().Format(time.RFC3339Nano)
				}
			}
			vals[i] = v
			ok = ok && awsText(v)
		}
		if !ok {
			bad = append(bad, fmt.Sprintf("condition %s %s cannot be written in an AWS policy", c.Operator, shorten(c.Key)))
			continue
		}
		out = append(out, awspolicy.Condition{Operator: string(c.Operator), Key: key, Values: vals})
	}
	return out, bad
}

// canonicalIP writes an IpAddress value as the portable model reads it:
// IPv4-mapped IPv6 as IPv4, ranges masked.
func canonicalIP(v string) string {
	if strings.Contains(v, "/") {
		p, err := netip.ParsePrefix(v)
		if err != nil {
			return v
		}
		if a := p.Addr(); a.Is4In6() && p.Bits() >= 96 {
			p = netip.PrefixFrom(a.Unmap(), p.Bits()-96)
		}
		return p.Masked().String()
	}
	a, err := netip.ParseAddr(v)
	if err != nil {
		return v
	}
	return a.Unmap().String()
}

// awsText reports whether s uses only the characters AWS accepts in a
// policy (U+0020 to U+00FF, no DEL).
func awsText(s string) bool {
	for _, r := range s {
		if r < 0x20 || r == 0x7f || r > 0xff {
			return false
		}
	}
	return true
}

func shorten(s string) string {
	if len(s) <= 80 {
		return s
	}
	return s[:77] + "..."
}

func quoteList[S ~string](list []S) string {
	var b strings.Builder
	for i, s := range list {
		if i == 3 {
			fmt.Fprintf(&b, " and %d more", len(list)-3)
			break
		}
		if i > 0 {
			b.WriteString(", ")
		}
		b.WriteString(string(s))
	}
	return b.String()
}

func pluralWord(n int, one, many string) string {
	if n == 1 {
		return one
	}
	return many
}
