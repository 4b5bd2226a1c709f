package awspolicy

import (
	"bytes"
	"encoding/base64"
	"net/netip"
	"strings"

	"github.com/iamkit/iamkit/internal/wildcard"
)

// Request is one API call to authorize.
type Request struct {
	// Action is the "service:Action" called, such as "ec2:RunInstances".
	Action string
	// Resource is the ARN of the resource acted on, or "*".
	Resource string
	// Context holds the request's condition keys and their values, such as
	// "aws:SourceIp": {"203.0.113.7"} or "aws:TagKeys": {"env", "team"}.
	// Keys match regardless of case; a key with no values is absent.
	Context map[string][]string
}

// Decision is the outcome of Evaluate.
type Decision struct {
	// Allowed reports whether the request is allowed.
	Allowed bool
	// Effect is Deny for an explicit deny, Allow for an allow, and "" for
	// the implicit deny when no statement applies.
	Effect string
	// Document and Statement index the statement that decided (counted from
	// 0); both are -1 for an implicit deny.
	Document, Statement int
}

// Evaluate decides req against docs with the AWS rule for identity
// policies: a statement that applies and denies wins; otherwise the first
// statement that applies and allows decides; otherwise the request is
// implicitly denied.
//
// A statement applies when the action matches Action (or none of
// NotAction), the resource matches Resource (or none of NotResource) and
// every condition holds. Actions match with '*' and '?' wildcards, ignoring
// ASCII case; resources match with wildcards, case-sensitively, and a '*'
// may span ARN segments as it does in AWS. Condition values of one key are
// alternatives (any may match); conditions are all required.
//
// Conditions follow AWS: a key absent from the context makes a positive
// operator false and a negated one (StringNotEquals, NotIpAddress,
// ArnNotLike, …) true; …IfExists holds when the key is absent;
// ForAnyValue: needs at least one request value to match, ForAllValues:
// needs every request value to match and holds when the key is absent; Null
// tests absence. A request value of the wrong type (a non-number for a
// Numeric operator) does not match, and does not satisfy a negated
// operator either. A condition Evaluate cannot read (an unknown operator or
// a malformed policy value, possible only in a document built in Go) is
// false: it never widens an Allow, and never narrows a Deny either.
//
// Policy variables (${aws:username}) are not substituted: they match only
// their literal text.
func Evaluate(req Request, docs ...Document) Decision {
	allow := Decision{Document: -1, Statement: -1}
	for i := range docs {
		for j := range docs[i].Statements {
			st := &docs[i].Statements[j]
			if st.Effect != Deny && (allow.Allowed || st.Effect != Allow) {
				continue // cannot change the outcome
			}
			if !applies(st, &req) {
				continue
			}
			if st.Effect == Deny {
				return Decision{Allowed: false, Effect: Deny, Document: i, Statement: j}
			}
			allow = Decision{Allowed: true, Effect: Allow, Document: i, Statement: j}
		}
	}
	return allow
}

func applies(st *Statement, req *Request) bool {
	if st.NotActions != nil {
		if matchAny(st.NotActions, req.Action, true) {
			return false
		}
	} else if !matchAny(st.Actions, req.Action, true) {
		return false
	}
	if st.NotResources != nil {
		if matchAny(st.NotResources, req.Resource, false) {
			return false
		}
	} else if !matchAny(st.Resources, req.Resource, false) {
		return false
	}
	for k := range st.Conditions {
		if !holds(&st.Conditions[k], req.Context) {
			return false
		}
	}
	return true
}

func matchAny(patterns []string, s string, fold bool) bool {
	for _, p := range patterns {
		if wildcard.Match(p, s, fold) {
			return true
		}
	}
	return false
}

// lookup finds a context key regardless of case: the exact key first, else
// the smallest key equal under case folding (so the answer does not depend
// on map order).
func lookup(ctx map[string][]string, key string) []string {
	if v, ok := ctx[key]; ok {
		return v
	}
	var best string
	var found []string
	ok := false
	for k, v := range ctx {
		if strings.EqualFold(k, key) && (!ok || k < best) {
			best, found, ok = k, v, true
		}
	}
	return found
}

func holds(c *Condition, ctx map[string][]string) bool {
	op, msg := parseOperator(c.Operator)
	if msg != "" || len(c.Values) == 0 {
		return false
	}
	for _, v := range c.Values {
		if checkValue(op.fam, v) != "" {
			return false
		}
	}
	reqVals := lookup(ctx, c.Key)
	present := len(reqVals) > 0

	if op.fam == famNull {
		for _, v := range c.Values {
			wantAbsent, _ := parseBool(v)
			if wantAbsent != present {
				return true
			}
		}
		return false
	}
	if !present {
		switch {
		case op.ifExists:
			return true
		case op.set == setAll:
			return true
		case op.set == setAny:
			return false
		}
		return op.negated
	}
	// ok(r) is whether request value r satisfies the operator: for a
	// positive operator, r matches some policy value; for a negated one, r
	// is well formed and matches none.
	ok := func(r string) bool {
		m, wellFormed := matchValues(op, r, c.Values)
		if !wellFormed {
			return false
		}
		return m != op.negated
	}
	switch op.set {
	case setAll:
		for _, r := range reqVals {
			if !ok(r) {
				return false
			}
		}
		return true
	case setAny:
		for _, r := range reqVals {
			if ok(r) {
				return true
			}
		}
		return false
	}
	// No qualifier: a positive operator needs some request value to match,
	// a negated one needs every request value to match none.
	if op.negated {
		for _, r := range reqVals {
			if !ok(r) {
				return false
			}
		}
		return true
	}
	for _, r := range reqVals {
		if ok(r) {
			return true
		}
	}
	return false
}

// matchValues reports whether request value r matches any policy value
// under op's positive comparison, and whether r is of op's type at all.
func matchValues(op operator, r string, vals []string) (match, wellFormed bool) {
	switch op.fam {
	case famString:
		for _, v := range vals {
			switch op.cmp {
			case cmpEq:
				if r == v {
					return true, true
				}
			case cmpEqFold:
				if strings.EqualFold(r, v) {
					return true, true
				}
			case cmpLike:
				if wildcard.Match(v, r, false) {
					return true, true
				}
			}
		}
		return false, true
	case famArn:
		for _, v := range vals {
			if matchARN(v, r) {
				return true, true
			}
		}
		return false, true
	case famNumeric:
		x, ok := parseNumber(r)
		if !ok {
			return false, false
		}
		for _, v := range vals {
			y, _ := parseNumber(v)
			if ordered(op.cmp, compareNumbers(x, y)) {
				return true, true
			}
		}
		return false, true
	case famDate:
		x, ok := parseDate(r)
		if !ok {
			return false, false
		}
		for _, v := range vals {
			y, _ := parseDate(v)
			if ordered(op.cmp, x.Compare(y)) {
				return true, true
			}
		}
		return false, true
	case famBool:
		x, ok := parseBool(r)
		if !ok {
			return false, false
		}
		for _, v := range vals {
			if y, _ := parseBool(v); x == y {
				return true, true
			}
		}
		return false, true
	case famBinary:
		x, err := base64.StdEncoding.DecodeString(r)
		if err != nil {
			return false, false
		}
		for _, v := range vals {
			if y, _ := base64.StdEncoding.DecodeString(v); bytes.Equal(x, y) {
				return true, true
			}
		}
		return false, true
	case famIP:
		a, err := netip.ParseAddr(r)
		if err != nil {
			return false, false
		}
		a = a.Unmap()
		for _, v := range vals {
			if p, _ := parsePrefix(v); p.Contains(a) {
				return true, true
			}
		}
		return false, true
	}
	return false, false
}

// ordered reports whether a comparison result c (-1, 0, +1 for request
// value against policy value) satisfies cmp.
func ordered(cmp comparison, c int) bool {
	switch cmp {
	case cmpEq:
		return c == 0
	case cmpLT:
		return c < 0
	case cmpLE:
		return c <= 0
	case cmpGT:
		return c > 0
	case cmpGE:
		return c >= 0
	}
	return false
}

// matchARN compares an ARN against a pattern the way the Arn operators do:
// each of the six colon-separated fields separately, with wildcards,
// case-sensitively. When either side has fewer than six fields the whole
// strings are compared with wildcards instead.
func matchARN(pattern, arn string) bool {
	if strings.Count(pattern, ":") < 5 || strings.Count(arn, ":") < 5 {
		return wildcard.Match(pattern, arn, false)
	}
	p, a := pattern, arn
	for range 5 {
		var pf, af string
		pf, p, _ = strings.Cut(p, ":")
		af, a, _ = strings.Cut(a, ":")
		if !wildcard.Match(pf, af, false) {
			return false
		}
	}
	return wildcard.Match(p, a, false)
}
