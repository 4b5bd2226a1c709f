package policy

import (
	"cmp"
	"errors"
	"fmt"
	"net/netip"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"
)

// Validate reports every reason why doc cannot be used, or nil. It applies
// the rules Parse applies (see the package documentation) to a document
// built in Go, plus those the JSON grammar enforces by its shape: one of
// Actions and NotActions, one of Resources and NotResources, no condition
// given twice, a canonical JSON form no larger than MaxDocumentSize.
//
// The problems are *Error values joined with errors.Join, so
// errors.Is(err, ErrInvalid) holds; past 20 of them the rest are counted,
// not listed.
func Validate(doc Document) error {
	var errs []error
	add := func(e *Error) { errs = append(errs, e) }
	if doc.Version != "" && doc.Version != Version {
		add(&Error{Statement: -1, Field: "Version", Msg: fmt.Sprintf("unsupported version %s (want %q)", quote(doc.Version), Version)})
	}
	if len(doc.Statements) == 0 {
		add(&Error{Statement: -1, Field: "Statement", Msg: "must not be empty: a document needs at least one statement"})
	}
	for i := range doc.Statements {
		validateStatement(i, &doc.Statements[i], add)
	}
	if len(errs) == 0 {
		if n := len(appendDocument(nil, doc)); n > MaxDocumentSize {
			add(&Error{Statement: -1, Msg: fmt.Sprintf("document too large: %d bytes in canonical JSON, at most %d", n, MaxDocumentSize)})
		}
	}
	if len(errs) > maxErrors {
		more := len(errs) - maxErrors
		errs = append(errs[:maxErrors], &Error{Statement: -1, Msg: fmt.Sprintf("and %d more problems", more)})
	}
	return errors.Join(errs...)
}

func validateStatement(i int, s *Statement, add func(*Error)) {
	sid := ""
	if validSid(s.Sid) {
		sid = s.Sid
	}
	bad := func(field, msg string) {
		add(&Error{Statement: i, Sid: sid, Field: field, Msg: msg})
	}
	if s.Sid != "" && sid == "" {
		bad("Sid", fmt.Sprintf("invalid Sid %s: want 1 to %d characters of [A-Za-z0-9 _.-]", quote(s.Sid), maxSid))
	}
	switch s.Effect {
	case Allow, Deny:
	case "":
		bad("Effect", `missing: want "Allow" or "Deny"`)
	default:
		bad("Effect", fmt.Sprintf(`%s is not an effect: want "Allow" or "Deny"`, quote(string(s.Effect))))
	}

	switch {
	case s.Actions != nil && s.NotActions != nil:
		bad("NotAction", "Action and NotAction exclude each other: keep one")
	case s.Actions == nil && s.NotActions == nil:
		bad("Action", "missing: a statement needs Action or NotAction")
	}
	checkActions := func(field string, list []Action) {
		if list != nil && len(list) == 0 {
			bad(field, "must not be an empty list")
		}
		for j, a := range list {
			if msg := checkAction(a); msg != "" {
				bad(field+"["+strconv.Itoa(j)+"]", msg)
			}
		}
	}
	checkActions("Action", s.Actions)
	checkActions("NotAction", s.NotActions)

	switch {
	case s.Resources != nil && s.NotResources != nil:
		bad("NotResource", "Resource and NotResource exclude each other: keep one")
	case s.Resources == nil && s.NotResources == nil:
		bad("Resource", `missing: a statement needs Resource or NotResource (use "*" for every resource)`)
	}
	checkResources := func(field string, list []Resource) {
		if list != nil && len(list) == 0 {
			bad(field, "must not be an empty list")
		}
		for j, r := range list {
			if msg := checkResource(r); msg != "" {
				bad(field+"["+strconv.Itoa(j)+"]", msg)
			}
		}
	}
	checkResources("Resource", s.Resources)
	checkResources("NotResource", s.NotResources)

	if s.Conditions != nil && len(s.Conditions) == 0 {
		bad("Condition", "must not be empty")
	}
	for j, c := range s.Conditions {
		field := "Condition." + clip(string(c.Operator)) + "." + clip(c.Key)
		dup := false
		for _, d := range s.Conditions[:j] {
			if d.Operator == c.Operator && d.Key == c.Key {
				dup = true
				break
			}
		}
		if dup {
			bad(field, "condition given twice: merge its values into one list")
			continue
		}
		checkCondition(field, c, bad)
	}
}

const maxSid = 128

// validSid reports whether s is a well-formed, non-empty Sid.
func validSid(s string) bool {
	return len(s) <= maxSid && all(s, func(c byte) bool {
		return isAlnum(c) || c == ' ' || c == '_' || c == '.' || c == '-'
	})
}

// clip cuts s to about maxQuoted bytes for use in a field name.
func clip(s string) string {
	if len(s) <= maxQuoted {
		return s
	}
	cut := maxQuoted
	for cut > 0 && !utf8.RuneStart(s[cut]) {
		cut--
	}
	return s[:cut] + "…"
}

func isDateOp(op Operator) bool {
	switch op {
	case DateGreaterThan, DateGreaterThanEquals, DateLessThan, DateLessThanEquals:
		return true
	}
	return false
}

func isStringOp(op Operator) bool {
	switch op {
	case StringEquals, StringNotEquals, StringEqualsIfExists:
		return true
	}
	return false
}

func knownOp(op Operator) bool {
	return op == IPAddress || op == NotIPAddress || isDateOp(op) || isStringOp(op)
}

const maxTagKey = 128

func checkCondition(field string, c Condition, bad func(field, msg string)) {
	if !knownOp(c.Operator) {
		bad(field, fmt.Sprintf("unknown operator %s (want IpAddress, NotIpAddress, DateGreaterThan, DateGreaterThanEquals, DateLessThan, DateLessThanEquals, StringEquals, StringNotEquals or StringEqualsIfExists)", quote(string(c.Operator))))
		return
	}
	var check func(string) string
	switch {
	case c.Key == KeySourceIP:
		if c.Operator != IPAddress && c.Operator != NotIPAddress {
			bad(field, fmt.Sprintf("operator %s does not apply to %s: use IpAddress or NotIpAddress", c.Operator, c.Key))
			return
		}
		check = func(v string) string {
			if _, ok := parseIPValue(v); !ok {
				return fmt.Sprintf(`%s is not an IP address or CIDR range such as "203.0.113.0/24"`, quote(v))
			}
			return ""
		}
	case c.Key == KeyCurrentTime:
		if !isDateOp(c.Operator) {
			bad(field, fmt.Sprintf("operator %s does not apply to %s: use DateGreaterThan, DateGreaterThanEquals, DateLessThan or DateLessThanEquals", c.Operator, c.Key))
			return
		}
		check = func(v string) string {
			if _, err := time.Parse(time.RFC3339, v); err != nil {
				return fmt.Sprintf(`%s is not an RFC 3339 time such as "2026-01-31T23:59:59Z"`, quote(v))
			}
			return ""
		}
	case strings.HasPrefix(c.Key, KeyResourceTagPrefix):
		tag := c.Key[len(KeyResourceTagPrefix):]
		if tag == "" || len(tag) > maxTagKey || !plainText(tag) {
			bad(field, fmt.Sprintf("malformed tag key %s: want 1 to %d characters without control characters after %q", quote(tag), maxTagKey, KeyResourceTagPrefix))
			return
		}
		if !isStringOp(c.Operator) {
			bad(field, fmt.Sprintf("operator %s does not apply to %s: use StringEquals, StringNotEquals or StringEqualsIfExists", c.Operator, KeyResourceTagPrefix+"<key>"))
			return
		}
		check = func(v string) string {
			if v == "" || !plainText(v) {
				return fmt.Sprintf("malformed tag value %s: want a non-empty string without control characters", quote(v))
			}
			return ""
		}
	default:
		msg := fmt.Sprintf("unknown condition key %s (want %s, %s or %s<key>)", quote(c.Key), KeySourceIP, KeyCurrentTime, KeyResourceTagPrefix)
		if _, tag, ok := strings.Cut(c.Key, ":ResourceTag/"); ok && tag != "" {
			msg += fmt.Sprintf("; did you mean %s?", quote(KeyResourceTagPrefix+tag))
		}
		bad(field, msg)
		return
	}
	if len(c.Values) == 0 {
		bad(field, "needs at least one value")
		return
	}
	for j, v := range c.Values {
		if v == "" {
			bad(field+"["+strconv.Itoa(j)+"]", "must not be empty")
		} else if msg := check(v); msg != "" {
			bad(field+"["+strconv.Itoa(j)+"]", msg)
		}
	}
}

// plainText reports whether s is non-empty valid UTF-8 without control
// characters.
func plainText(s string) bool {
	if s == "" || !utf8.ValidString(s) {
		return false
	}
	for _, r := range s {
		if unicode.IsControl(r) || r == utf8.RuneError {
			return false
		}
	}
	return true
}

// parseIPValue reads an IpAddress value: a CIDR range, or a bare address
// taken as a single-address range. IPv4-mapped IPv6 forms are read as the
// IPv4 they map; zones are refused. It allocates nothing on success.
func parseIPValue(v string) (netip.Prefix, bool) {
	if strings.IndexByte(v, '/') >= 0 {
		p, err := netip.ParsePrefix(v)
		if err != nil {
			return netip.Prefix{}, false
		}
		if a := p.Addr(); a.Is4In6() {
			if p.Bits() < 96 {
				return netip.Prefix{}, false
			}
			p = netip.PrefixFrom(a.Unmap(), p.Bits()-96)
		}
		return p.Masked(), true
	}
	a, err := netip.ParseAddr(v)
	if err != nil || a.Zone() != "" {
		return netip.Prefix{}, false
	}
	a = a.Unmap()
	return netip.PrefixFrom(a, a.BitLen()), true
}

// sortConditions puts conditions in their canonical order: by operator,
// then key.
func sortConditions(cs []Condition) {
	slices.SortStableFunc(cs, func(a, b Condition) int {
		return cmp.Or(cmp.Compare(a.Operator, b.Operator), cmp.Compare(a.Key, b.Key))
	})
}
