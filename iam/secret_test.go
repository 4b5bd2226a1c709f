package iam_test

import (
	"bytes"
	"encoding/json"
	"fmt"
	"log/slog"
	"strings"
	"testing"

	"github.com/iamkit/iamkit/iam"
)

const clear = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY"

func TestSecretNeverPrints(t *testing.T) {
	s := iam.NewSecret(clear)
	key := &iam.AccessKey{ID: "AKIA1", Secret: s, User: "u"}
	var outs []string
	for _, verb := range []string{"%v", "%+v", "%#v", "%s", "%q", "%x", "%X", "%10s", "%-5v", "%T %v", "%d"} {
		outs = append(outs, fmt.Sprintf(verb, s), fmt.Sprintf(verb, key), fmt.Sprintf(verb, *key),
			// Nested pointers under a verb fmt cannot apply take its error
			// path, which dumps fields without calling Format.
			fmt.Sprintf(verb, &iam.Provisioned{Key: key}), fmt.Sprintf(verb, []*iam.AccessKey{key}), fmt.Sprintf(verb, map[string]*iam.AccessKey{"k": key}))
	}
	outs = append(outs, fmt.Sprint(s), fmt.Sprintln(key), s.String(), s.GoString())
	for _, v := range []any{s, key, map[string]any{"k": key}} {
		b, err := json.Marshal(v)
		if err != nil {
			t.Fatal(err)
		}
		outs = append(outs, string(b))
	}
	tb, _ := s.MarshalText()
	outs = append(outs, string(tb))
	var buf bytes.Buffer
	slog.New(slog.NewTextHandler(&buf, nil)).Info("k", "secret", s, "key", key)
	slog.New(slog.NewJSONHandler(&buf, nil)).Info("k", "secret", s, "key", key)
	outs = append(outs, buf.String())
	for _, o := range outs {
		if strings.Contains(o, clear) || strings.Contains(o, fmt.Sprintf("%x", clear)) {
			t.Errorf("secret leaked: %s", o)
		}
	}
	if !strings.Contains(fmt.Sprint(s), "[REDACTED]") {
		t.Errorf("redaction marker missing: %v", s)
	}
	if s.Reveal() != clear {
		t.Error("Reveal lost the secret")
	}
}

func TestZeroSecret(t *testing.T) {
	var s iam.Secret
	if !s.IsZero() || s.String() != "" || fmt.Sprint(s) != "" {
		t.Errorf("zero secret prints %q", s)
	}
	if iam.NewSecret("x").IsZero() {
		t.Error("non-empty secret is zero")
	}
}
