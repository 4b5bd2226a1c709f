package iam

import (
	"fmt"
	"strings"
	"unicode/utf8"
)

// NameRule is one cloud's rule for the names of one kind of resource. Each
// provider configures its own and checks every name before any call, so a
// bad name is an ErrInvalid that costs no round trip.
type NameRule struct {
	// What is the kind of name, for messages: "user name".
	What string
	// Min and Max bound the length in characters; Min defaults to 1.
	Min, Max int
	// Allowed reports whether r may appear in a name; nil allows any
	// printable character.
	Allowed func(r rune) bool
	// Describe says which characters are allowed, for messages.
	Describe string
}

// Check returns nil when name follows the rule, or an *Error of kind
// ErrInvalid that says which rule it breaks.
func (r NameRule) Check(name string) error {
	if msg := r.violation(name); msg != "" {
		return &Error{Op: "validate", Resource: fmt.Sprintf("%q", name), Kind: ErrInvalid, Msg: r.What + " " + msg}
	}
	return nil
}

func (r NameRule) violation(name string) string {
	n := utf8.RuneCountInString(name)
	lo := max(r.Min, 1)
	if n < lo {
		if n == 0 {
			return "is empty"
		}
		return fmt.Sprintf("is %d characters, the minimum is %d", n, lo)
	}
	if r.Max > 0 && n > r.Max {
		return fmt.Sprintf("is %d characters, the maximum is %d", n, r.Max)
	}
	if !utf8.ValidString(name) {
		return "is not valid UTF-8"
	}
	for _, c := range name {
		ok := c >= 0x20 && c != 0x7f
		if r.Allowed != nil {
			ok = r.Allowed(c)
		}
		if !ok {
			d := r.Describe
			if d == "" {
				d = "printable characters"
			}
			return fmt.Sprintf("has %q; allowed: %s", c, d)
		}
	}
	return ""
}

// CharsIn returns an Allowed function for ASCII letters, digits and the
// characters of extra.
func CharsIn(extra string) func(rune) bool {
	return func(r rune) bool {
		return r < utf8.RuneSelf && (r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || strings.ContainsRune(extra, r))
	}
}

// NameRules are a provider's rules for each kind of name.
type NameRules struct {
	// User, Group and Policy are the rules of users', groups' and
	// policies' names.
	User, Group, Policy NameRule
}

// AWSNameRules returns the rules of AWS IAM (and of the in-memory provider
// by default): letters, digits and _+=,.@- ; users up to 64 characters,
// groups and policies up to 128.
func AWSNameRules() NameRules {
	const chars, desc = "_+=,.@-", "letters, digits and _+=,.@-"
	return NameRules{
		User:   NameRule{What: "user name", Max: 64, Allowed: CharsIn(chars), Describe: desc},
		Group:  NameRule{What: "group name", Max: 128, Allowed: CharsIn(chars), Describe: desc},
		Policy: NameRule{What: "policy name", Max: 128, Allowed: CharsIn(chars), Describe: desc},
	}
}
