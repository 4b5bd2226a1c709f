package awspolicy

import (
	"strconv"
	"strings"
	"unicode/utf8"
)

// Validate reports whether doc is a valid document in dialect d, with the
// same checks and errors as Parse. Marshal calls it.
func Validate(doc Document, d Dialect) error {
	if !d.valid() {
		return docErr("", "unknown dialect "+d.String())
	}
	if err := validate(doc, d); err != nil {
		return err
	}
	return nil
}

// validate checks the content of a document whose shape is already right
// (Parse) or unknown (Marshal).
func validate(doc Document, d Dialect) *Error {
	switch d {
	case AWS:
		switch doc.Version {
		case "", Version2012, Version2008:
		default:
			return docErr("Version", "must be "+strconv.Quote(Version2012)+" or "+strconv.Quote(Version2008))
		}
		if msg := checkText(doc.ID, d); msg != "" {
			return docErr("Id", msg)
		}
	case EIM:
		if doc.Version != "" && doc.Version != Version2012 {
			return docErr("Version", "Outscale EIM accepts only "+strconv.Quote(Version2012)+", or no Version")
		}
		if doc.ID != "" {
			return docErr("Id", "Outscale EIM policies have no Id element")
		}
	}
	if len(doc.Statements) == 0 {
		return docErr("Statement", "empty list: a policy needs at least one statement")
	}
	sids := make(map[string]int)
	for i, st := range doc.Statements {
		if err := validateStatement(st, i, d); err != nil {
			return err
		}
		if d == AWS && st.Sid != "" {
			if j, dup := sids[st.Sid]; dup {
				return &Error{Statement: i, Sid: st.Sid, Field: "Sid", Msg: "same Sid as statement " + strconv.Itoa(j) + " (AWS requires unique Sids)"}
			}
			sids[st.Sid] = i
		}
	}
	return nil
}

func validateStatement(st Statement, i int, d Dialect) *Error {
	fail := func(field, msg string) *Error {
		return &Error{Statement: i, Sid: st.Sid, Field: field, Msg: msg}
	}
	if msg := checkText(st.Sid, d); msg != "" {
		return fail("Sid", msg)
	}
	if d == AWS {
		for _, r := range st.Sid {
			if !isAlnum(r) {
				return fail("Sid", "AWS allows only letters and digits ([A-Za-z0-9]) in a Sid")
			}
		}
	}
	switch st.Effect {
	case Allow, Deny:
	case "":
		return fail("Effect", `missing or empty (want "Allow" or "Deny")`)
	default:
		return fail("Effect", "must be \"Allow\" or \"Deny\" (case-sensitive), not "+strconv.Quote(st.Effect))
	}

	actions, field := st.Actions, "Action"
	switch {
	case st.Actions != nil && st.NotActions != nil:
		return fail("NotAction", "a statement has Action or NotAction, not both")
	case st.NotActions != nil:
		actions, field = st.NotActions, "NotAction"
	}
	if len(actions) == 0 {
		return fail(field, "empty (a statement needs at least one action)")
	}
	for j, a := range actions {
		if msg := checkAction(a, d); msg != "" {
			return fail(field+"["+strconv.Itoa(j)+"]", msg)
		}
	}

	resources, field := st.Resources, "Resource"
	switch {
	case st.Resources != nil && st.NotResources != nil:
		return fail("NotResource", "a statement has Resource or NotResource, not both")
	case st.NotResources != nil:
		if d == EIM {
			return fail("NotResource", "Outscale EIM policies have no NotResource element")
		}
		resources, field = st.NotResources, "NotResource"
	}
	if len(resources) == 0 {
		return fail(field, "empty (a statement needs at least one resource)")
	}
	for j, r := range resources {
		if msg := checkResource(r, d); msg != "" {
			return fail(field+"["+strconv.Itoa(j)+"]", msg)
		}
	}

	if len(st.Conditions) > 0 && d == EIM {
		return fail("Condition", "Outscale EIM policies have no Condition element")
	}
	for j, c := range st.Conditions {
		field := "Condition." + c.Operator + "." + c.Key
		if j > 0 {
			if p := st.Conditions[j-1]; p.Operator == c.Operator && p.Key == c.Key {
				return fail(field, "condition key given twice for the same operator")
			}
		}
		if msg := checkText(c.Operator, d); msg != "" {
			return fail("Condition."+c.Operator, msg)
		}
		op, msg := parseOperator(c.Operator)
		if msg != "" {
			return fail("Condition."+c.Operator, msg)
		}
		if c.Key == "" {
			return fail(field, "empty condition key")
		}
		if msg := checkText(c.Key, d); msg != "" {
			return fail(field, msg)
		}
		if len(c.Values) == 0 {
			return fail(field, "empty list of values")
		}
		for k, v := range c.Values {
			vf := field + "[" + strconv.Itoa(k) + "]"
			if msg := checkText(v, d); msg != "" {
				return fail(vf, msg)
			}
			if msg := checkValue(op.fam, v); msg != "" {
				return fail(vf, strconv.Quote(v)+" is "+msg)
			}
		}
	}
	// Duplicate (operator, key) pairs are caught above only when adjacent;
	// a Go-built document may list them in any order.
	if len(st.Conditions) > 2 {
		seen := make(map[[2]string]bool, len(st.Conditions))
		for _, c := range st.Conditions {
			k := [2]string{c.Operator, c.Key}
			if seen[k] {
				return fail("Condition."+c.Operator+"."+c.Key, "condition key given twice for the same operator")
			}
			seen[k] = true
		}
	}
	return nil
}

// checkText refuses control characters, and for AWS anything outside the
// characters AWS allows in policy documents (tab, LF, CR, U+0020–U+00FF).
func checkText(s string, d Dialect) string {
	if !utf8.ValidString(s) {
		return "not valid UTF-8"
	}
	for _, r := range s {
		switch {
		case r < 0x20 || r == 0x7f:
			return "control character " + strconv.QuoteRune(r) + " not allowed"
		case d == AWS && r > 0xff:
			return "character " + strconv.QuoteRune(r) + " not allowed (AWS policies allow only U+0020 to U+00FF)"
		}
	}
	return ""
}

func isAlnum(r rune) bool {
	return 'a' <= r && r <= 'z' || 'A' <= r && r <= 'Z' || '0' <= r && r <= '9'
}

// checkAction accepts "*" or "service:Action", where the service is made of
// letters, digits and '-' and the action of letters, digits, '-', '_' and
// the wildcards '*' and '?'.
func checkAction(a string, d Dialect) string {
	if a == "*" {
		return ""
	}
	if msg := checkText(a, d); msg != "" {
		return msg
	}
	service, name, ok := strings.Cut(a, ":")
	if !ok {
		return strconv.Quote(a) + ` is not "*" or "service:Action"`
	}
	if service == "" {
		return strconv.Quote(a) + " has an empty service prefix"
	}
	for _, r := range service {
		if !isAlnum(r) && r != '-' {
			return strconv.Quote(a) + " has an invalid service prefix (letters, digits and '-' only, no wildcards)"
		}
	}
	if name == "" {
		return strconv.Quote(a) + " has an empty action name"
	}
	for _, r := range name {
		if !isAlnum(r) && r != '-' && r != '_' && r != '*' && r != '?' {
			if r == ':' {
				return strconv.Quote(a) + " has more than one ':'"
			}
			return strconv.Quote(a) + " has an invalid character " + strconv.QuoteRune(r) + " in the action name"
		}
	}
	return ""
}

// checkResource accepts "*" or an ARN with at least partition, service and
// one more field ("arn:aws:s3:::bucket", "arn:aws:ec2:*"). Outscale EIM has
// no resource scoping, so it accepts only "*".
func checkResource(r string, d Dialect) string {
	if r == "*" {
		return ""
	}
	if d == EIM {
		return strconv.Quote(r) + ` is not "*": Outscale EIM has no resource scoping, a policy applies to every resource`
	}
	if msg := checkText(r, d); msg != "" {
		return msg
	}
	if !strings.HasPrefix(r, "arn:") || strings.Count(r, ":") < 3 {
		return strconv.Quote(r) + ` is not "*" or an ARN (arn:partition:service:region:account:resource)`
	}
	return ""
}
