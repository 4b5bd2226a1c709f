package policy

import (
	"fmt"
	"strings"
)

// Translator turns a portable Document into one cloud's native policy.
//
// Implementations keep the no-widening guarantee: the native policy never
// allows a call the portable one does not. A statement the cloud cannot
// express exactly is either narrowed (the cloud grants less; reported) or
// refused with an error of kind ErrInvalid, unless opts.AllowWidening is
// set, in which case it is translated wider and reported as Widened.
type Translator interface {
	// Translate returns doc as the cloud's native policy, with a report
	// of each statement's fidelity.
	Translate(doc Document, opts TranslateOptions) (*Translation, error)
}

// TranslatorFunc adapts a function to the Translator interface.
type TranslatorFunc func(doc Document, opts TranslateOptions) (*Translation, error)

// Translate calls f.
func (f TranslatorFunc) Translate(doc Document, opts TranslateOptions) (*Translation, error) {
	return f(doc, opts)
}

// TranslateOptions tunes a translation.
type TranslateOptions struct {
	// AllowWidening accepts statements that the cloud can only express by
	// granting more than asked. Each one is marked Widened in the Report.
	AllowWidening bool
}

// Translation is the result of translating a Document.
type Translation struct {
	// Native is the cloud's policy document, ready to send.
	Native []byte
	// Report says, statement by statement, how faithful Native is.
	Report Report
}

// Fidelity grades how a statement survived translation.
type Fidelity int

// The fidelity grades, from best to worst.
const (
	// Exact: the native statement allows and denies exactly the same.
	Exact Fidelity = iota
	// Narrowed: the native statement grants less than the portable one.
	Narrowed
	// Widened: the native statement grants more; only with AllowWidening.
	Widened
)

// String returns "exact", "narrowed" or "widened".
func (f Fidelity) String() string {
	switch f {
	case Exact:
		return "exact"
	case Narrowed:
		return "narrowed"
	case Widened:
		return "widened"
	}
	return fmt.Sprintf("Fidelity(%d)", int(f))
}

// MarshalText writes the grade's name.
func (f Fidelity) MarshalText() ([]byte, error) { return []byte(f.String()), nil }

// StatementReport says how one portable statement was translated.
type StatementReport struct {
	// Index is the statement's position in the portable Document.
	Index int
	// Sid is the statement's Sid, if it has one.
	Sid string
	// Fidelity grades the statement's translation.
	Fidelity Fidelity
	// Reason explains a Narrowed or Widened grade in words.
	Reason string
}

// Report is the fidelity report of one translation.
type Report struct {
	// Statements has one entry per portable statement, in order.
	Statements []StatementReport
}

// Fidelity returns the worst grade of the report (Exact when empty).
func (r Report) Fidelity() Fidelity {
	worst := Exact
	for _, s := range r.Statements {
		worst = max(worst, s.Fidelity)
	}
	return worst
}

// String lists the statements that are not exact, one per line.
func (r Report) String() string {
	var b strings.Builder
	for _, s := range r.Statements {
		if s.Fidelity == Exact {
			continue
		}
		fmt.Fprintf(&b, "statement %d", s.Index)
		if s.Sid != "" {
			fmt.Fprintf(&b, " (%s)", s.Sid)
		}
		fmt.Fprintf(&b, ": %s: %s\n", s.Fidelity, s.Reason)
	}
	if b.Len() == 0 {
		return "exact"
	}
	return strings.TrimSuffix(b.String(), "\n")
}
