package policy

import (
	"net/netip"
	"strconv"
	"strings"
	"time"

	"github.com/iamkit/iamkit/internal/wildcard"
)

// Evaluate decides req against docs with the rule every IAM user knows: a
// statement that matches and denies wins over everything (the first one, in
// the order of docs and statements, is reported); otherwise the first
// statement that matches and allows decides; otherwise the request is
// implicitly denied (Effect "", Document and Statement -1).
//
// A statement matches when its actions, its resources and all its
// conditions do:
//   - Action patterns are compared with req.Action and, when set,
//     req.NativeAction, case-insensitively with the '*' and '?' wildcards;
//     NotAction matches when neither is matched by any of its patterns.
//     "*:Level" and "*:*" match portable actions only, "*" every action. A
//     request with neither action matches nothing.
//   - Resource patterns are compared with req.Resource case-sensitively;
//     an empty req.Resource is the literal "*", which only "*"-like
//     patterns match. NotResource matches when none of its patterns does.
//   - Conditions all must hold; the values of one condition are
//     alternatives, except for NotIpAddress and StringNotEquals, which
//     hold when no value matches. A key the request does not carry (an
//     invalid SourceIP, a zero Time, a tag absent from ResourceTags) fails
//     IpAddress, the Date operators and StringEquals, and satisfies
//     NotIpAddress, StringNotEquals and StringEqualsIfExists.
//
// Evaluate trusts its documents to be valid (see Validate) and does not
// check them, but a malformed statement never widens what they allow: an
// Allow statement lacking Action/NotAction or Resource/NotResource, or
// whose condition cannot be read, does not apply; a Deny statement whose
// condition cannot be read applies. Evaluate allocates nothing for
// documents without conditions, nor for conditions whose times are in UTC.
func Evaluate(req Request, docs ...Document) Decision {
	allow := Decision{Document: -1, Statement: -1}
	if req.Action == "" && req.NativeAction == "" {
		return allow
	}
	resource := req.Resource
	if resource == "" {
		resource = "*"
	}
	ip := req.SourceIP
	if ip.IsValid() {
		ip = ip.Unmap().WithZone("")
	}
	for di := range docs {
		stmts := docs[di].Statements
		for si := range stmts {
			s := &stmts[si]
			switch s.Effect {
			case Deny:
				if s.applies(&req, resource, ip, true) {
					return Decision{Effect: Deny, Document: di, Statement: si, Sid: s.Sid}
				}
			case Allow:
				if allow.Document < 0 && s.applies(&req, resource, ip, false) {
					allow = Decision{Allowed: true, Effect: Allow, Document: di, Statement: si, Sid: s.Sid}
				}
			}
		}
	}
	return allow
}

// applies reports whether s matches the request; deny selects the
// conservative reading of malformed parts (see Evaluate).
func (s *Statement) applies(req *Request, resource string, ip netip.Addr, deny bool) bool {
	hasA, hasN := len(s.Actions) > 0, len(s.NotActions) > 0
	switch {
	case hasA && hasN:
		if !deny {
			return false
		}
		if !matchActions(s.Actions, req) && matchActions(s.NotActions, req) {
			return false
		}
	case hasA:
		if !matchActions(s.Actions, req) {
			return false
		}
	case hasN:
		if matchActions(s.NotActions, req) {
			return false
		}
	default:
		return false
	}

	hasR, hasNR := len(s.Resources) > 0, len(s.NotResources) > 0
	switch {
	case hasR && hasNR:
		if !deny {
			return false
		}
		if !matchResources(s.Resources, resource) && matchResources(s.NotResources, resource) {
			return false
		}
	case hasR:
		if !matchResources(s.Resources, resource) {
			return false
		}
	case hasNR:
		if matchResources(s.NotResources, resource) {
			return false
		}
	default:
		// No resource element: invalid; only a Deny reads it as "every
		// resource".
		if !deny {
			return false
		}
	}

	for i := range s.Conditions {
		switch evalCondition(&s.Conditions[i], req, ip) {
		case condFalse:
			return false
		case condMalformed:
			if !deny {
				return false
			}
		}
	}
	return true
}

func matchActions(patterns []Action, req *Request) bool {
	a, n := req.Action, req.NativeAction
	for _, p := range patterns {
		if a != "" && matchAction(string(p), a) || n != "" && matchAction(string(p), n) {
			return true
		}
	}
	return false
}

// matchAction matches one action pattern against a non-empty action. A
// portable "*:<level>" pattern only matches portable actions
// ("service:level", one colon), so that "*:Read" cannot match a native
// action whose name ends in ":Read".
func matchAction(p, a string) bool {
	if p == "" {
		return false
	}
	// Most patterns start and end with a literal byte that the action
	// must have too, up to case: rule those out before matching.
	if c := p[0]; c != '*' && c != '?' && c|0x20 != a[0]|0x20 {
		return false
	}
	if c := p[len(p)-1]; c != '*' && c != '?' && c|0x20 != a[len(a)-1]|0x20 {
		return false
	}
	if len(p) >= 2 && p[0] == '*' && p[1] == ':' && strings.IndexByte(p[2:], ':') < 0 {
		i := strings.IndexByte(a, ':')
		if i < 0 || strings.IndexByte(a[i+1:], ':') >= 0 || isCloud(a[:i]) {
			return false
		}
		return wildcard.Match(p[2:], a[i+1:], true)
	}
	return wildcard.Match(p, a, true)
}

func matchResources(patterns []Resource, r string) bool {
	for _, p := range patterns {
		if p == "" {
			continue
		}
		if c := p[0]; c != '*' && c != '?' && c != r[0] {
			continue
		}
		if c := p[len(p)-1]; c != '*' && c != '?' && c != r[len(r)-1] {
			continue
		}
		if wildcard.Match(string(p), r, false) {
			return true
		}
	}
	return false
}

type condResult uint8

const (
	condFalse condResult = iota
	condTrue
	condMalformed
)

func holds(b bool) condResult {
	if b {
		return condTrue
	}
	return condFalse
}

// evalCondition evaluates one condition against the request context.
func evalCondition(c *Condition, req *Request, ip netip.Addr) condResult {
	if len(c.Values) == 0 {
		return condMalformed
	}
	switch c.Operator {
	case IPAddress, NotIPAddress:
		if c.Key != KeySourceIP {
			return condMalformed
		}
		matched := false
		for _, v := range c.Values {
			p, ok := parseIPValue(v)
			if !ok {
				return condMalformed
			}
			if ip.IsValid() && p.Contains(ip) {
				matched = true
			}
		}
		if !ip.IsValid() {
			return holds(c.Operator == NotIPAddress)
		}
		return holds(matched == (c.Operator == IPAddress))

	case DateGreaterThan, DateGreaterThanEquals, DateLessThan, DateLessThanEquals:
		if c.Key != KeyCurrentTime {
			return condMalformed
		}
		matched := false
		for _, v := range c.Values {
			t, err := time.Parse(time.RFC3339, v)
			if err != nil {
				return condMalformed
			}
			if req.Time.IsZero() {
				continue
			}
			switch c.Operator {
			case DateGreaterThan:
				matched = matched || req.Time.After(t)
			case DateGreaterThanEquals:
				matched = matched || !req.Time.Before(t)
			case DateLessThan:
				matched = matched || req.Time.Before(t)
			case DateLessThanEquals:
				matched = matched || !req.Time.After(t)
			}
		}
		return holds(matched)

	case StringEquals, StringNotEquals, StringEqualsIfExists:
		tag, ok := strings.CutPrefix(c.Key, KeyResourceTagPrefix)
		if !ok || tag == "" {
			return condMalformed
		}
		value, present := req.ResourceTags[tag]
		if !present {
			return holds(c.Operator != StringEquals)
		}
		matched := false
		for _, v := range c.Values {
			if v == value {
				matched = true
				break
			}
		}
		return holds(matched == (c.Operator != StringNotEquals))
	}
	return condMalformed
}

// String describes the decision for a person: "allowed by document 0,
// statement 1 (Sid "ro")", "denied by document 1, statement 0",
// "denied: no statement allows it".
func (d Decision) String() string {
	if d.Effect == "" && !d.Allowed {
		return "denied: no statement allows it"
	}
	verb := "denied by"
	if d.Allowed {
		verb = "allowed by"
	}
	s := verb + " document " + strconv.Itoa(d.Document) + ", statement " + strconv.Itoa(d.Statement)
	if d.Sid != "" {
		s += " (Sid " + quote(d.Sid) + ")"
	}
	return s
}
