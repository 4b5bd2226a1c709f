package awspolicy

import (
	"encoding/base64"
	"net/netip"
	"strconv"
	"strings"
	"time"
)

// family is a condition operator family: what type its values have.
type family uint8

const (
	famString family = iota
	famNumeric
	famDate
	famBool
	famBinary
	famIP
	famArn
	famNull
)

// comparison is what a base operator checks between a request value and a
// policy value.
type comparison uint8

const (
	cmpEq comparison = iota
	cmpEqFold
	cmpLike
	cmpLT
	cmpLE
	cmpGT
	cmpGE
)

// baseOp is a condition operator without its qualifiers. A negated operator
// holds when its positive counterpart does not.
type baseOp struct {
	fam     family
	cmp     comparison
	negated bool
}

var baseOps = map[string]baseOp{
	"StringEquals":              {famString, cmpEq, false},
	"StringNotEquals":           {famString, cmpEq, true},
	"StringEqualsIgnoreCase":    {famString, cmpEqFold, false},
	"StringNotEqualsIgnoreCase": {famString, cmpEqFold, true},
	"StringLike":                {famString, cmpLike, false},
	"StringNotLike":             {famString, cmpLike, true},

	"NumericEquals":            {famNumeric, cmpEq, false},
	"NumericNotEquals":         {famNumeric, cmpEq, true},
	"NumericLessThan":          {famNumeric, cmpLT, false},
	"NumericLessThanEquals":    {famNumeric, cmpLE, false},
	"NumericGreaterThan":       {famNumeric, cmpGT, false},
	"NumericGreaterThanEquals": {famNumeric, cmpGE, false},

	"DateEquals":            {famDate, cmpEq, false},
	"DateNotEquals":         {famDate, cmpEq, true},
	"DateLessThan":          {famDate, cmpLT, false},
	"DateLessThanEquals":    {famDate, cmpLE, false},
	"DateGreaterThan":       {famDate, cmpGT, false},
	"DateGreaterThanEquals": {famDate, cmpGE, false},

	"Bool":         {famBool, cmpEq, false},
	"BinaryEquals": {famBinary, cmpEq, false},

	"IpAddress":    {famIP, cmpEq, false},
	"NotIpAddress": {famIP, cmpEq, true},

	"ArnEquals":    {famArn, cmpLike, false},
	"ArnLike":      {famArn, cmpLike, false},
	"ArnNotEquals": {famArn, cmpLike, true},
	"ArnNotLike":   {famArn, cmpLike, true},

	"Null": {famNull, cmpEq, false},
}

// setQual is a set-operator qualifier for multivalued context keys.
type setQual uint8

const (
	setNone setQual = iota
	setAny          // ForAnyValue:
	setAll          // ForAllValues:
)

// operator is a parsed full operator name.
type operator struct {
	baseOp
	set      setQual
	ifExists bool
}

const (
	prefixAny = "ForAnyValue:"
	prefixAll = "ForAllValues:"
	suffixIfX = "IfExists"
)

// parseOperator splits a full operator name into its parts. The message is
// empty on success.
func parseOperator(name string) (operator, string) {
	var op operator
	rest := name
	switch {
	case strings.HasPrefix(rest, prefixAny):
		op.set, rest = setAny, rest[len(prefixAny):]
	case strings.HasPrefix(rest, prefixAll):
		op.set, rest = setAll, rest[len(prefixAll):]
	}
	if b, ok := baseOps[rest]; ok {
		op.baseOp = b
	} else if base, ok := strings.CutSuffix(rest, suffixIfX); ok {
		b, ok := baseOps[base]
		if !ok {
			return op, "unknown condition operator"
		}
		op.baseOp, op.ifExists = b, true
	} else {
		return op, "unknown condition operator"
	}
	if op.fam == famNull && op.ifExists {
		return op, "Null cannot take the IfExists suffix"
	}
	if op.fam == famNull && op.set != setNone {
		return op, "Null cannot take a ForAnyValue:/ForAllValues: qualifier"
	}
	return op, ""
}

// checkValue reports what is wrong with a policy value for operator family
// fam, or "" when it is well formed.
func checkValue(fam family, v string) string {
	switch fam {
	case famNumeric:
		if _, ok := parseNumber(v); !ok {
			return "not a number"
		}
	case famDate:
		if _, ok := parseDate(v); !ok {
			return "not a date (ISO 8601 such as 2026-01-02T15:04:05Z, or epoch seconds)"
		}
	case famBool, famNull:
		if _, ok := parseBool(v); !ok {
			return `not "true" or "false"`
		}
	case famBinary:
		if _, err := base64.StdEncoding.DecodeString(v); err != nil {
			return "not base64"
		}
	case famIP:
		if _, ok := parsePrefix(v); !ok {
			return "not an IP address or CIDR range"
		}
	case famString, famArn:
		// Any string; wildcards are literal for the Equals operators.
	}
	return ""
}

// number is a parsed numeric value: an exact integer when the literal was
// one, a float otherwise.
type number struct {
	isInt bool
	i     int64
	f     float64
}

func (n number) float() float64 {
	if n.isInt {
		return float64(n.i)
	}
	return n.f
}

// compareNumbers returns -1, 0 or +1.
func compareNumbers(a, b number) int {
	if a.isInt && b.isInt {
		switch {
		case a.i < b.i:
			return -1
		case a.i > b.i:
			return 1
		}
		return 0
	}
	x, y := a.float(), b.float()
	switch {
	case x < y:
		return -1
	case x > y:
		return 1
	}
	return 0
}

// parseNumber accepts decimal numbers: an optional '-', digits, an optional
// fraction and an optional exponent (the JSON number syntax, leading zeros
// allowed). Infinite values are refused.
func parseNumber(s string) (number, bool) {
	i := 0
	if i < len(s) && s[i] == '-' {
		i++
	}
	d := digits(s[i:])
	if d == 0 {
		return number{}, false
	}
	i += d
	integer := true
	if i < len(s) && s[i] == '.' {
		i++
		d = digits(s[i:])
		if d == 0 {
			return number{}, false
		}
		i += d
		integer = false
	}
	if i < len(s) && (s[i] == 'e' || s[i] == 'E') {
		i++
		if i < len(s) && (s[i] == '+' || s[i] == '-') {
			i++
		}
		d = digits(s[i:])
		if d == 0 {
			return number{}, false
		}
		i += d
		integer = false
	}
	if i != len(s) {
		return number{}, false
	}
	if integer {
		if n, err := strconv.ParseInt(s, 10, 64); err == nil {
			return number{isInt: true, i: n}, true
		}
	}
	f, err := strconv.ParseFloat(s, 64)
	if err != nil {
		return number{}, false
	}
	return number{f: f}, true
}

func digits(s string) int {
	n := 0
	for n < len(s) && '0' <= s[n] && s[n] <= '9' {
		n++
	}
	return n
}

var dateLayouts = []string{
	time.RFC3339Nano,
	"2006-01-02T15:04:05.999999999Z0700",
	"2006-01-02T15:04:05.999999999",
	"2006-01-02T15:04Z07:00",
	"2006-01-02T15:04",
	"2006-01-02",
}

// parseDate accepts the ISO 8601 forms AWS documents (date, date and time,
// with or without a zone; no zone means UTC) and epoch seconds.
func parseDate(s string) (time.Time, bool) {
	if u := strings.TrimPrefix(s, "-"); u != "" && digits(u) == len(u) {
		n, err := strconv.ParseInt(s, 10, 64)
		if err != nil {
			return time.Time{}, false
		}
		return time.Unix(n, 0).UTC(), true
	}
	for _, l := range dateLayouts {
		if t, err := time.Parse(l, s); err == nil {
			return t, true
		}
	}
	return time.Time{}, false
}

func parseBool(s string) (bool, bool) {
	switch {
	case strings.EqualFold(s, "true"):
		return true, true
	case strings.EqualFold(s, "false"):
		return false, true
	}
	return false, false
}

// parsePrefix accepts an address or a CIDR range; a bare address is a
// single-address range.
func parsePrefix(s string) (netip.Prefix, bool) {
	if strings.IndexByte(s, '/') >= 0 {
		p, err := netip.ParsePrefix(s)
		if err != nil {
			return netip.Prefix{}, false
		}
		if a := p.Addr(); a.Is4In6() && p.Bits() >= 96 {
			p = netip.PrefixFrom(a.Unmap(), p.Bits()-96)
		}
		return p.Masked(), true
	}
	a, err := netip.ParseAddr(s)
	if err != nil || a.Zone() != "" {
		return netip.Prefix{}, false
	}
	a = a.Unmap()
	return netip.PrefixFrom(a, a.BitLen()), true
}
