package policy

import (
	"strconv"
	"unicode/utf8"

	"github.com/iamkit/iamkit/internal/jsonx"
	"github.com/iamkit/iamkit/internal/kind"
)

// ErrInvalid is the kind of every error this package returns for a document
// that cannot be used. It is the very same value as iam.ErrInvalid, so
// errors.Is(err, iam.ErrInvalid) holds for policy errors too.
var ErrInvalid = kind.Invalid

// Error is one problem found in a policy document. Parse, Validate and
// MarshalJSON return *Error values, joined with errors.Join when there are
// several; each one wraps ErrInvalid.
type Error struct {
	// Statement is the index of the statement at fault, or -1 when the
	// problem is with the document as a whole.
	Statement int
	// Sid is the statement's Sid, when known.
	Sid string
	// Field names the part of the statement at fault, as in the JSON
	// form: "Effect", "Action[1]", "Condition.IpAddress.iamkit:SourceIp[0]".
	Field string
	// Msg says what is wrong.
	Msg string
}

// Error formats the problem as
// `policy: statement 2 ("ro"): Action[1]: unknown service "compte"`,
// leaving out the parts that are empty.
func (e *Error) Error() string {
	b := append(make([]byte, 0, 64+len(e.Sid)+len(e.Field)+len(e.Msg)), "policy: "...)
	b = jsonx.AppendLocation(b, e.Statement, e.Sid, e.Field, quote)
	return string(append(b, e.Msg...))
}

// Unwrap returns ErrInvalid.
func (e *Error) Unwrap() error { return ErrInvalid }

// maxQuoted bounds how much of a user-supplied value an error message echoes.
const maxQuoted = 64

// quote returns s as a Go-quoted string, truncated to about maxQuoted bytes
// (on a rune boundary) with "…" appended when cut.
func quote(s string) string {
	if len(s) <= maxQuoted {
		return strconv.Quote(s)
	}
	cut := maxQuoted
	for cut > 0 && !utf8.RuneStart(s[cut]) {
		cut--
	}
	return strconv.Quote(s[:cut]) + "…"
}

// maxErrors bounds how many problems Validate reports one by one.
const maxErrors = 20
