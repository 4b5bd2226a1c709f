package iam

import (
	"fmt"
	"log/slog"
)

const redacted = "[REDACTED]"

// Secret holds a credential's secret part. It never prints: every fmt verb,
// JSON and text marshalling and slog all show "[REDACTED]". The only way to
// read it is an explicit Reveal.
//
// The zero Secret is empty; an empty secret prints as "" so that a reader
// can tell "no secret returned" from "a secret, hidden".
type Secret struct {
	// p points at the value, so that even fmt's fallback dump of a struct
	// holding a Secret (taken on a bad verb, without calling Format)
	// shows an address, never the text.
	p *string
}

// NewSecret wraps s.
func NewSecret(s string) Secret {
	if s == "" {
		return Secret{}
	}
	return Secret{p: &s}
}

// Reveal returns the secret in clear. Call it only to hand the secret to
// the program that needs it.
func (s Secret) Reveal() string {
	if s.p == nil {
		return ""
	}
	return *s.p
}

// IsZero reports whether s holds nothing.
func (s Secret) IsZero() bool { return s.p == nil }

func (s Secret) shown() string {
	if s.p == nil {
		return ""
	}
	return redacted
}

// String returns "[REDACTED]" (or "" when empty).
func (s Secret) String() string { return s.shown() }

// GoString returns the same as String, so %#v hides it too.
func (s Secret) GoString() string { return `iam.Secret("` + s.shown() + `")` }

// Format implements fmt.Formatter so that no verb, flag or width shows the
// secret.
func (s Secret) Format(f fmt.State, verb rune) {
	if verb == 'v' && f.Flag('#') {
		fmt.Fprint(f, s.GoString())
		return
	}
	fmt.Fprint(f, s.shown())
}

// MarshalText writes "[REDACTED]"; UnmarshalText is not provided on purpose.
func (s Secret) MarshalText() ([]byte, error) { return []byte(s.shown()), nil }

// MarshalJSON writes "[REDACTED]" as a JSON string.
func (s Secret) MarshalJSON() ([]byte, error) { return []byte(`"` + s.shown() + `"`), nil }

// LogValue makes slog print "[REDACTED]".
func (s Secret) LogValue() slog.Value { return slog.StringValue(s.shown()) }
