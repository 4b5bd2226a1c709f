package providertest

import (
	"bytes"
	"context"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"iter"
	"log/slog"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/iamkit/iamkit/iam"
)

// allKinds lists the error kinds, in the order iam documents them.
var allKinds = []error{
	iam.ErrNotFound, iam.ErrAlreadyExists, iam.ErrConflict, iam.ErrInvalid,
	iam.ErrDenied, iam.ErrLimit, iam.ErrThrottled, iam.ErrUnsupported,
}

// Kinds returns every iam error kind err satisfies with errors.Is, in the
// order iam declares them. A provider's error has exactly one; a
// cancellation has none.
func Kinds(err error) []error {
	var out []error
	for _, k := range allKinds {
		if errors.Is(err, k) {
			out = append(out, k)
		}
	}
	return out
}

// OneKind returns err's kind, failing t unless err has exactly one kind
// (see Kinds) and, when allowed is not empty, it is one of allowed. Fuzz
// targets of the adapters' parsers use it.
func OneKind(t testing.TB, err error, allowed ...error) error {
	t.Helper()
	got := Kinds(err)
	if len(got) != 1 {
		t.Fatalf("error has kinds %v, want one of %v: %v", got, allowed, err)
	}
	if len(allowed) > 0 && !slices.Contains(allowed, got[0]) {
		t.Fatalf("error has kind %v, want one of %v: %v", got[0], allowed, err)
	}
	return got[0]
}

// isContextErr reports whether err reports a cancelled or expired context.
func isContextErr(err error) bool {
	return errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded)
}

// CheckError returns nil when err, returned by the provider named
// provider, keeps the contract, and otherwise an error that says how it
// breaks it. The contract: err is an *iam.Error (reachable with
// errors.As) whose Provider is provider, and it satisfies errors.Is with
// exactly one iam kind — or, when it reports a cancelled or expired
// context (errors.Is context.Canceled or context.DeadlineExceeded), with
// at most one. A nil err keeps the contract.
func CheckError(provider string, err error) error {
	if err == nil {
		return nil
	}
	var problems []string
	var ie *iam.Error
	switch {
	case !errors.As(err, &ie):
		problems = append(problems, fmt.Sprintf("is a %T, not an *iam.Error", err))
	case ie.Provider != provider:
		problems = append(problems, fmt.Sprintf("names provider %q, want %q", ie.Provider, provider))
	}
	ks := Kinds(err)
	switch {
	case len(ks) == 0 && !isContextErr(err):
		problems = append(problems, "carries no iam error kind")
	case len(ks) > 1:
		problems = append(problems, fmt.Sprintf("carries %d kinds %v, want exactly one", len(ks), ks))
	}
	if len(problems) == 0 {
		return nil
	}
	return fmt.Errorf("error %q %s", err, strings.Join(problems, " and "))
}

// AssertKind fails the test unless err satisfies errors.Is with kind and
// with no other iam kind. kind is one of the iam.Err… values. It returns
// whether the assertion held.
func AssertKind(t testing.TB, err, kind error) bool {
	t.Helper()
	if err == nil {
		t.Errorf("got no error, want %v", kind)
		return false
	}
	ks := Kinds(err)
	if len(ks) != 1 || ks[0] != kind {
		t.Errorf("error %q has kinds %v, want exactly [%v]", err, ks, kind)
		return false
	}
	return true
}

// Collect reads a whole listing into a slice, failing the test at once
// if the listing yields an error.
func Collect[T any](t testing.TB, seq iter.Seq2[T, error]) []T {
	t.Helper()
	var out []T
	for v, err := range seq {
		if err != nil {
			t.Fatalf("listing: %v", err)
		}
		out = append(out, v)
	}
	return out
}

// ContainsSecret reports whether s shows secret: as is, or in one of the
// encodings a careless print or marshal would use (Go and JSON quoting,
// hexadecimal in either case, standard and URL base64). An empty secret is
// never found.
func ContainsSecret(s, secret string) bool {
	if secret == "" {
		return false
	}
	quoted := strconv.Quote(secret)
	js, _ := json.Marshal(secret)
	forms := []string{
		secret,
		quoted[1 : len(quoted)-1],
		string(js[1 : len(js)-1]),
		hex.EncodeToString([]byte(secret)),
		strings.ToUpper(hex.EncodeToString([]byte(secret))),
		base64.StdEncoding.EncodeToString([]byte(secret)),
		base64.RawStdEncoding.EncodeToString([]byte(secret)),
		base64.URLEncoding.EncodeToString([]byte(secret)),
		base64.RawURLEncoding.EncodeToString([]byte(secret)),
	}
	for _, f := range forms {
		if strings.Contains(s, f) {
			return true
		}
	}
	return false
}

// Renderings returns v as the usual ways of showing a value render it,
// keyed by how: the fmt verbs %v %+v %#v %s %q %x %X, json.Marshal, and
// slog's text and JSON handlers. A rendering that fails is reported as
// its error.
func Renderings(v any) map[string]string {
	out := map[string]string{}
	for _, verb := range []string{"%v", "%+v", "%#v", "%s", "%q", "%x", "%X"} {
		out["fmt "+verb] = fmt.Sprintf(verb, v)
	}
	if b, err := json.Marshal(v); err != nil {
		out["json.Marshal"] = "error: " + err.Error()
	} else {
		out["json.Marshal"] = string(b)
	}
	var text, js bytes.Buffer
	slog.New(slog.NewTextHandler(&text, nil)).Info("value", "v", v)
	slog.New(slog.NewJSONHandler(&js, nil)).Info("value", "v", v)
	out["slog text"] = text.String()
	out["slog JSON"] = js.String()
	return out
}

// AssertRedacted fails the test when any rendering of any of values (see
// Renderings) shows secret (see ContainsSecret). It returns whether none
// did.
func AssertRedacted(t testing.TB, secret string, values ...any) bool {
	t.Helper()
	ok := true
	for i, v := range values {
		for how, s := range Renderings(v) {
			if ContainsSecret(s, secret) {
				t.Errorf("value %d (%T) shows the secret under %s: %s", i, v, how, redactIn(s, secret))
				ok = false
			}
		}
	}
	return ok
}

// redactIn returns s with the plain occurrences of secret masked, so that a
// failure message does not itself print the secret.
func redactIn(s, secret string) string {
	if secret == "" {
		return s
	}
	return strings.ReplaceAll(s, secret, "<SECRET>")
}
