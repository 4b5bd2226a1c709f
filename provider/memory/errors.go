package memory

import (
	"errors"
	"fmt"
	"strconv"

	"github.com/iamkit/iamkit/iam"
)

// fail returns an error of the given kind for op on resource.
func fail(op, resource string, kind error, format string, args ...any) *iam.Error {
	msg := format
	if len(args) > 0 {
		msg = fmt.Sprintf(format, args...)
	}
	return iam.NewError(name, op, resource, kind, msg, nil)
}

// ctxError reports a cancelled or expired context: no kind, the context's
// error as the cause, so errors.Is(err, context.Canceled) holds.
func ctxError(op, resource string, err error) *iam.Error {
	return iam.NewError(name, op, resource, nil, "", err)
}

// The resources errors name.
func userRes(n string) string   { return "user/" + n }
func groupRes(n string) string  { return "group/" + n }
func policyRes(n string) string { return "policy/" + n }
func keyRes(user, id string) string {
	return userRes(user) + "/access-key/" + keyRef(id)
}

// checkName checks n against rule and returns an ErrInvalid naming op, or
// nil. what is the resource kind ("user", "group", "policy").
func checkName(op string, rule iam.NameRule, what, n string) error {
	err := rule.Check(n)
	if err == nil {
		return nil
	}
	msg := err.Error()
	if ie := (*iam.Error)(nil); errors.As(err, &ie) && ie.Msg != "" {
		msg = ie.Msg
	}
	// Quoted: a bad name may hold anything, even a newline.
	return fail(op, what+"/"+strconv.Quote(n), iam.ErrInvalid, "%s", msg)
}

// firstErr returns the first non-nil error.
func firstErr(errs ...error) error {
	for _, err := range errs {
		if err != nil {
			return err
		}
	}
	return nil
}

// keyRef returns id for use in a message when it has the shape of one of
// our key IDs, and a placeholder otherwise: a caller who swaps key ID and
// secret must not see the secret echoed in an error.
func keyRef(id string) string {
	if validKeyID(id) {
		return id
	}
	return "(malformed key ID)"
}

// plural formats n with the noun's singular or plural form.
func plural(n int, one, many string) string {
	if n == 1 {
		return "1 " + one
	}
	return strconv.Itoa(n) + " " + many
}
