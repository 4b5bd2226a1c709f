package policy

import (
	"cmp"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/iamkit/iamkit/internal/jsonx"
	"github.com/iamkit/iamkit/internal/wildcard"
)

// Severity grades a Finding, in the spirit of AWS IAM Access Analyzer.
type Severity string

// The severities, from the most to the least serious.
const (
	// SeverityError: the document cannot be used (Validate refuses it).
	SeverityError Severity = "ERROR"
	// SeveritySecurityWarning: the document grants more than a tool
	// should have, such as a way to raise its own privileges.
	SeveritySecurityWarning Severity = "SECURITY_WARNING"
	// SeverityWarning: the document probably does not do what its
	// author meant, or grants broadly.
	SeverityWarning Severity = "WARNING"
	// SeveritySuggestion: the document can be simplified.
	SeveritySuggestion Severity = "SUGGESTION"
)

func (s Severity) rank() int {
	switch s {
	case SeverityError:
		return 0
	case SeveritySecurityWarning:
		return 1
	case SeverityWarning:
		return 2
	}
	return 3
}

// Finding is one remark of Lint on a document.
type Finding struct {
	// Severity grades the finding.
	Severity Severity
	// Code identifies the rule; it is stable across releases, so that
	// tools may filter on it. See Lint for the list.
	Code string
	// Statement is the index of the statement concerned, or -1 for the
	// document as a whole.
	Statement int
	// Sid is that statement's Sid, if it has one.
	Sid string
	// Message says what is wrong.
	Message string
	// Fix says how to put it right.
	Fix string
}

// String formats the finding on one line:
// `SECURITY_WARNING privilege-escalation: statement 0 ("admin"): … Fix: …`.
func (f Finding) String() string {
	b := make([]byte, 0, 64+len(f.Code)+len(f.Sid)+len(f.Message)+len(f.Fix))
	b = append(b, f.Severity...)
	b = append(b, ' ')
	b = append(b, f.Code...)
	b = append(b, ": "...)
	b = jsonx.AppendLocation(b, f.Statement, f.Sid, "", quote)
	b = append(b, f.Message...)
	if f.Fix != "" {
		b = append(b, " Fix: "...)
		b = append(b, f.Fix...)
	}
	return string(b)
}

// The finding codes.
const (
	codeInvalid              = "invalid"
	codeWildcardAll          = "wildcard-action-all-resources"
	codePermissionsAll       = "permissions-all-resources"
	codeWriteAll             = "write-all-resources"
	codeEscalation           = "privilege-escalation"
	codeAllowNotAction       = "allow-with-notaction"
	codeAllowNotResource     = "allow-with-notresource"
	codeEmptyDateWindow      = "empty-date-window"
	codeConflictingTags      = "conflicting-tag-conditions"
	codeShadowedByDeny       = "shadowed-by-deny"
	codeDuplicateSid         = "duplicate-sid"
	codeDuplicateEntry       = "duplicate-entry"
	codeRedundantAction      = "redundant-action"
	maxNamesInFindingMessage = 4
)

// Lint reviews doc as a security reviewer would and returns its findings,
// sorted by statement (document-level first), then severity, then code.
// Each one names the statement and says how to fix it. A document with no
// findings returns nil.
//
// The rules, by code:
//
//	invalid                        ERROR             what Validate refuses, one finding per problem
//	wildcard-action-all-resources  SECURITY_WARNING  Allow of every action ("*", "*:*", or "<service>:*" for every service) on every resource
//	permissions-all-resources      SECURITY_WARNING  Allow of a Permissions (or "*") level on every resource
//	privilege-escalation           SECURITY_WARNING  Allow of an action that lets an identity give itself or others more rights: create access keys, attach or put policies, create policy versions, pass roles, join groups (portable iam:Write, iam:Permissions and the native equivalents, wildcards included)
//	write-all-resources            WARNING           Allow of a write or tag action on every resource with no tag condition
//	allow-with-notaction           WARNING           Allow with NotAction: allows every other action, present and future
//	allow-with-notresource         WARNING           Allow with NotResource: allows every other resource
//	empty-date-window              WARNING           the iamkit:CurrentTime conditions leave no instant: the statement never applies
//	conflicting-tag-conditions     WARNING           tag conditions that no value satisfies: the statement never applies
//	shadowed-by-deny               WARNING           an Allow whose every action and resource an unconditional Deny covers: it never allows anything
//	duplicate-sid                  WARNING           a Sid used by an earlier statement (AWS refuses such policies)
//	duplicate-entry                SUGGESTION        the same action or resource listed twice in one statement
//	redundant-action               SUGGESTION        an action that another pattern of the same statement already covers
//
// "Every resource" means a Resource of "*" (or any all-'*' pattern), or a
// NotResource. Rules beyond validity apply to malformed documents as far as
// they can be read.
func Lint(doc Document) []Finding {
	var out []Finding
	add := func(sev Severity, code string, i int, msg, fix string) {
		sid := ""
		if i >= 0 {
			sid = doc.Statements[i].Sid
		}
		out = append(out, Finding{Severity: sev, Code: code, Statement: i, Sid: sid, Message: msg, Fix: fix})
	}
	for _, e := range flatten(Validate(doc)) {
		msg := e.Msg
		if e.Field != "" {
			msg = e.Field + ": " + e.Msg
		}
		fix := "Correct it as the policy package documentation describes; the document cannot be used until then."
		if e.Field != "" {
			fix = "Correct " + e.Field + " as the policy package documentation describes; the document cannot be used until then."
		}
		sid := ""
		if e.Statement >= 0 && e.Statement < len(doc.Statements) {
			sid = doc.Statements[e.Statement].Sid
		}
		out = append(out, Finding{Severity: SeverityError, Code: codeInvalid, Statement: e.Statement, Sid: sid, Message: msg, Fix: fix})
	}

	firstSid := map[string]int{}
	shadowBudget := 10 * coverBudget
	for i := range doc.Statements {
		s := &doc.Statements[i]
		if s.Sid != "" {
			if j, ok := firstSid[s.Sid]; ok {
				add(SeverityWarning, codeDuplicateSid, i,
					fmt.Sprintf("Sid %s is also used by statement %d.", quote(s.Sid), j),
					"Give each statement its own Sid (AWS refuses a policy whose Sids repeat).")
			} else {
				firstSid[s.Sid] = i
			}
		}
		lintNeverMatches(doc, i, add, &shadowBudget)
		lintDuplicates(i, s, add)
		if s.Effect == Allow {
			lintAllow(i, s, add)
		}
	}
	slices.SortStableFunc(out, func(a, b Finding) int {
		return cmp.Or(cmp.Compare(a.Statement, b.Statement), cmp.Compare(a.Severity.rank(), b.Severity.rank()), cmp.Compare(a.Code, b.Code))
	})
	return out
}

// flatten lists the *Error values in err (as Validate returns it).
func flatten(err error) []*Error {
	if err == nil {
		return nil
	}
	var out []*Error
	if j, ok := err.(interface{ Unwrap() []error }); ok {
		for _, e := range j.Unwrap() {
			out = append(out, flatten(e)...)
		}
		return out
	}
	var e *Error
	if errors.As(err, &e) {
		out = append(out, e)
	}
	return out
}

type addFunc func(sev Severity, code string, i int, msg, fix string)

func lintAllow(i int, s *Statement, add addFunc) {
	if len(s.NotActions) > 0 {
		add(SeverityWarning, codeAllowNotAction, i,
			"Allow with NotAction allows every action not listed, including actions the clouds add later.",
			"List the actions to allow in Action instead of those to exclude in NotAction.")
	}
	if len(s.NotResources) > 0 {
		add(SeverityWarning, codeAllowNotResource, i,
			"Allow with NotResource allows every resource not listed, including resources created later.",
			"List the resources to allow in Resource instead of those to exclude in NotResource.")
	}
	everyResource := len(s.NotResources) > 0
	for _, r := range s.Resources {
		if allStars(string(r)) {
			everyResource = true
		}
	}
	if everyResource {
		switch {
		case everyAction(s.Actions):
			add(SeveritySecurityWarning, codeWildcardAll, i,
				"The statement allows every action on every resource: full control of the account.",
				`List only the services and levels the tool needs (such as "compute:Read") and, in Resource, the resources it works on.`)
		case len(permissionActions(s.Actions)) > 0:
			add(SeveritySecurityWarning, codePermissionsAll, i,
				fmt.Sprintf("The statement allows changing permissions (%s) on every resource.", names(permissionActions(s.Actions))),
				"Restrict Resource to the resources whose access this identity must manage, or drop the Permissions level.")
		case !hasTagCondition(s) && len(writeActions(s.Actions)) > 0:
			add(SeverityWarning, codeWriteAll, i,
				fmt.Sprintf("The statement allows changes (%s) to every resource.", names(writeActions(s.Actions))),
				"Restrict Resource to the resources the tool manages (a project, a bucket, an ARN prefix), or add a resource tag condition.")
		}
	}
	if esc := escalations(s); len(esc) > 0 {
		add(SeveritySecurityWarning, codeEscalation, i,
			fmt.Sprintf("The statement allows privilege escalation: %s let an identity grant itself or others more rights.", names(esc)),
			"Remove these actions, or scope Resource to the identities this tool manages and deny the escalation actions in a separate Deny statement.")
	}
}

// names lists up to a few names for a message.
func names(list []string) string {
	if len(list) <= maxNamesInFindingMessage {
		return strings.Join(list, ", ")
	}
	return strings.Join(list[:maxNamesInFindingMessage], ", ") + fmt.Sprintf(" and %d more", len(list)-maxNamesInFindingMessage)
}

func allStars(s string) bool {
	return all(s, func(c byte) bool { return c == '*' })
}

// everyAction reports whether the patterns cover every portable action.
func everyAction(actions []Action) bool {
	covered := map[Service]bool{}
	for _, a := range actions {
		if allStars(string(a)) {
			return true
		}
		svc, lvl, ok := a.Portable()
		if ok && lvl == AnyLevel {
			if svc == AnyService {
				return true
			}
			covered[svc] = true
		}
	}
	for _, s := range services {
		if !covered[s] {
			return false
		}
	}
	return true
}

// permissionActions lists the portable patterns that include the
// Permissions level.
func permissionActions(actions []Action) []string {
	var out []string
	for _, a := range actions {
		if _, lvl, ok := a.Portable(); ok && (lvl == Permissions || lvl == AnyLevel) {
			out = append(out, string(a.canonical()))
		}
	}
	return out
}

// readPrefixes start the names of native AWS and Outscale calls that only
// read.
var readPrefixes = []string{"Describe", "Get", "List", "Read", "Select", "Head", "Query", "Scan", "Search", "Lookup", "View"}

// writeActions lists the patterns that may allow a change.
func writeActions(actions []Action) []string {
	var out []string
	for _, a := range actions {
		if mayWrite(a) {
			out = append(out, string(a.canonical()))
		}
	}
	return out
}

func mayWrite(a Action) bool {
	if _, lvl, ok := a.Portable(); ok {
		return lvl != List && lvl != Read
	}
	cloud, name, ok := a.Native()
	if !ok {
		return false
	}
	switch cloud {
	case CloudAWS, CloudOutscale:
		_, call, _ := strings.Cut(name, ":")
		lit := call
		if i := strings.IndexAny(call, "*?"); i >= 0 {
			lit = call[:i]
		}
		for _, p := range readPrefixes {
			if len(lit) >= len(p) && strings.EqualFold(lit[:len(p)], p) {
				return false
			}
		}
		return true
	case CloudOVH:
		return wildcard.HasWildcard(name) || !strings.HasSuffix(strings.ToLower(name), "/get")
	case CloudOpenStack:
		_, rest, _ := strings.Cut(name, ":")
		method, _, _ := strings.Cut(rest, ":")
		return method != "GET" && method != "HEAD"
	}
	return false
}

func hasTagCondition(s *Statement) bool {
	for _, c := range s.Conditions {
		if strings.HasPrefix(c.Key, KeyResourceTagPrefix) && c.Operator != StringNotEquals {
			return true
		}
	}
	return false
}

// escalationActions are the actions that let an identity raise its own or
// another identity's privileges, portable and native.
var escalationActions = []string{
	"iam:Write", "iam:Permissions",
	"aws:iam:CreateAccessKey", "aws:iam:CreateLoginProfile", "aws:iam:UpdateLoginProfile",
	"aws:iam:AttachUserPolicy", "aws:iam:AttachGroupPolicy", "aws:iam:AttachRolePolicy",
	"aws:iam:PutUserPolicy", "aws:iam:PutGroupPolicy", "aws:iam:PutRolePolicy",
	"aws:iam:CreatePolicyVersion", "aws:iam:SetDefaultPolicyVersion",
	"aws:iam:AddUserToGroup", "aws:iam:UpdateAssumeRolePolicy", "aws:iam:PassRole",
	"outscale:api:CreateAccessKey", "outscale:api:LinkPolicy", "outscale:api:LinkManagedPolicyToUserGroup",
	"outscale:api:PutUserPolicy", "outscale:api:PutUserGroupPolicy", "outscale:api:CreatePolicyVersion",
	"outscale:api:SetDefaultPolicyVersion", "outscale:api:AddUserToUserGroup",
	"outscale:eim:CreateAccessKey", "outscale:eim:AttachUserPolicy", "outscale:eim:AttachGroupPolicy",
	"outscale:eim:PutUserPolicy", "outscale:eim:PutGroupPolicy", "outscale:eim:CreatePolicyVersion",
	"outscale:eim:SetDefaultPolicyVersion", "outscale:eim:AddUserToGroup",
	"ovh:account:apiovh:iam/policy/create", "ovh:account:apiovh:iam/policy/edit",
	"ovh:account:apiovh:me/api/oauth2/client/create", "ovh:account:apiovh:me/identity/user/create",
	"ovh:account:apiovh:me/identity/group/edit",
	"openstack:identity:POST:/v3/users/{user_id}/application_credentials",
	"openstack:identity:POST:/v3/credentials",
	"openstack:identity:PUT:/v3/projects/{project_id}/users/{user_id}/roles/{role_id}",
	"openstack:identity:PUT:/v3/projects/{project_id}/groups/{group_id}/roles/{role_id}",
	"openstack:identity:PUT:/v3/groups/{group_id}/users/{user_id}",
}

// escalations lists the escalation actions the statement allows.
func escalations(s *Statement) []string {
	var out []string
	for _, e := range escalationActions {
		if len(s.Actions) > 0 {
			for _, p := range s.Actions {
				if matchAction(string(p), e) {
					out = append(out, e)
					break
				}
			}
		} else if len(s.NotActions) > 0 {
			excluded := false
			for _, p := range s.NotActions {
				if matchAction(string(p), e) {
					excluded = true
					break
				}
			}
			if !excluded {
				out = append(out, e)
			}
		}
	}
	return out
}

// covers reports whether pattern p surely matches everything pattern q
// matches, in the simple cases: p is "*", p equals q, or p is a literal
// prefix followed by '*' that q starts with.
func covers(p, q string, fold bool) bool {
	eq := func(a, b string) bool { return a == b || fold && strings.EqualFold(a, b) }
	if p == "*" || eq(p, q) {
		return true
	}
	if pre, ok := strings.CutSuffix(p, "*"); ok && !wildcard.HasWildcard(pre) {
		return len(q) >= len(pre) && eq(q[:len(pre)], pre)
	}
	return false
}

// coveredBy reports whether every pattern of qs is covered by one of ps.
// It gives up, answering false, once it has spent *budget comparisons.
func coveredBy[T ~string](qs, ps []T, fold bool, budget *int) bool {
	for _, q := range qs {
		ok := false
		for _, p := range ps {
			if *budget--; *budget < 0 {
				return false
			}
			if covers(string(p), string(q), fold) {
				ok = true
				break
			}
		}
		if !ok {
			return false
		}
	}
	return len(qs) > 0
}

func lintNeverMatches(doc Document, i int, add addFunc, budget *int) {
	s := &doc.Statements[i]
	if emptyDateWindow(s.Conditions) {
		add(SeverityWarning, codeEmptyDateWindow, i,
			"The iamkit:CurrentTime conditions leave no instant at which the statement applies: its not-before is after its not-after.",
			"Fix the dates of the validity window, or remove the statement.")
	}
	if tag, ok := conflictingTags(s.Conditions); ok {
		add(SeverityWarning, codeConflictingTags, i,
			fmt.Sprintf("No value of tag %s satisfies the statement's conditions, so it never applies.", quote(tag)),
			"Make the StringEquals, StringEqualsIfExists and StringNotEquals values of the tag consistent, or remove the statement.")
	}
	if s.Effect != Allow || len(s.Actions) == 0 || len(s.Resources) == 0 {
		return
	}
	for j := range doc.Statements {
		d := &doc.Statements[j]
		if j == i || d.Effect != Deny || len(d.Conditions) > 0 || len(d.NotActions) > 0 || len(d.NotResources) > 0 {
			continue
		}
		if coveredBy(s.Actions, d.Actions, true, budget) && coveredBy(s.Resources, d.Resources, false, budget) {
			ref := "statement " + strconv.Itoa(j)
			if d.Sid != "" {
				ref += " (" + quote(d.Sid) + ")"
			}
			add(SeverityWarning, codeShadowedByDeny, i,
				fmt.Sprintf("The statement never allows anything: %s denies all its actions on all its resources, unconditionally.", ref),
				fmt.Sprintf("Remove the statement, or narrow the Deny of %s.", ref))
			return
		}
	}
}

// emptyDateWindow reports whether the time conditions exclude every
// instant. Malformed values are ignored.
func emptyDateWindow(cs []Condition) bool {
	var lo, hi time.Time
	var loStrict, hiStrict, haveLo, haveHi bool
	for _, c := range cs {
		if c.Key != KeyCurrentTime || !isDateOp(c.Operator) {
			continue
		}
		// The values are alternatives: the loosest one bounds.
		var bound time.Time
		found := false
		for _, v := range c.Values {
			t, err := time.Parse(time.RFC3339, v)
			if err != nil {
				continue
			}
			lower := c.Operator == DateGreaterThan || c.Operator == DateGreaterThanEquals
			if !found || lower && t.Before(bound) || !lower && t.After(bound) {
				bound, found = t, true
			}
		}
		if !found {
			continue
		}
		switch c.Operator {
		case DateGreaterThan, DateGreaterThanEquals:
			strict := c.Operator == DateGreaterThan
			if !haveLo || bound.After(lo) || bound.Equal(lo) && strict {
				lo, loStrict, haveLo = bound, strict, true
			}
		case DateLessThan, DateLessThanEquals:
			strict := c.Operator == DateLessThan
			if !haveHi || bound.Before(hi) || bound.Equal(hi) && strict {
				hi, hiStrict, haveHi = bound, strict, true
			}
		}
	}
	return haveLo && haveHi && (lo.After(hi) || lo.Equal(hi) && (loStrict || hiStrict))
}

// conflictingTags reports a tag whose conditions no value satisfies.
func conflictingTags(cs []Condition) (string, bool) {
	for _, c := range cs {
		if c.Operator != StringEquals || !strings.HasPrefix(c.Key, KeyResourceTagPrefix) {
			continue
		}
		for _, d := range cs {
			if d.Key != c.Key {
				continue
			}
			switch d.Operator {
			case StringNotEquals:
				// Every allowed value is excluded.
				if subset(c.Values, d.Values) {
					return c.Key[len(KeyResourceTagPrefix):], true
				}
			case StringEqualsIfExists:
				// The tag must exist, so both lists apply.
				if !intersects(c.Values, d.Values) {
					return c.Key[len(KeyResourceTagPrefix):], true
				}
			}
		}
	}
	return "", false
}

func subset(a, b []string) bool {
	for _, v := range a {
		if !slices.Contains(b, v) {
			return false
		}
	}
	return true
}

func intersects(a, b []string) bool {
	for _, v := range a {
		if slices.Contains(b, v) {
			return true
		}
	}
	return false
}

// maxPerRule bounds how many findings of one SUGGESTION rule a statement
// gets, and coverBudget how many pattern comparisons the redundancy rule
// makes per list, so that Lint stays fast on the largest documents.
const (
	maxPerRule  = 20
	coverBudget = 100000
)

func lintDuplicates(i int, s *Statement, add addFunc) {
	dup := func(field string, list []string, fold bool) {
		first := make(map[string]int, len(list))
		reported := map[string]bool{}
		n := 0
		for j, v := range list {
			key := v
			if fold {
				key = strings.ToLower(v)
			}
			k, seen := first[key]
			if !seen {
				first[key] = j
				continue
			}
			if reported[key] || n >= maxPerRule {
				continue
			}
			reported[key] = true
			n++
			add(SeveritySuggestion, codeDuplicateEntry, i,
				fmt.Sprintf("%s[%d] repeats %s[%d] (%s).", field, j, field, k, quote(v)),
				fmt.Sprintf("Remove %s[%d] and any other copy.", field, j))
		}
	}
	redundant := func(field string, list []string) {
		// Only "*" and literal-prefix "…*" patterns can surely cover
		// another pattern (see covers).
		var wild []int
		seen := map[string]bool{}
		for j, v := range list {
			pre, ok := strings.CutSuffix(v, "*")
			key := strings.ToLower(v)
			if ok && !wildcard.HasWildcard(pre) && !seen[key] {
				seen[key] = true
				wild = append(wild, j)
			}
		}
		budget, n := coverBudget, 0
		for j, a := range list {
			for _, k := range wild {
				if budget--; budget < 0 || n >= maxPerRule {
					return
				}
				b := list[k]
				if !strings.EqualFold(a, b) && covers(b, a, true) && matchAction(b, a) {
					n++
					add(SeveritySuggestion, codeRedundantAction, i,
						fmt.Sprintf("%s[%d] (%s) is already covered by %s[%d] (%s).", field, j, quote(a), field, k, quote(b)),
						fmt.Sprintf("Remove %s[%d].", field, j))
					break
				}
			}
		}
	}
	for _, l := range []struct {
		field   string
		actions []Action
	}{{"Action", s.Actions}, {"NotAction", s.NotActions}} {
		strs := toStrings(l.actions)
		dup(l.field, strs, true)
		redundant(l.field, strs)
	}
	dup("Resource", toStrings(s.Resources), false)
	dup("NotResource", toStrings(s.NotResources), false)
}

func toStrings[T ~string](list []T) []string {
	out := make([]string, len(list))
	for i, v := range list {
		out[i] = string(v)
	}
	return out
}
