package jsonx

import (
	"encoding/json"
	"testing"
)

func TestNewDecoderKeepsNumbers(t *testing.T) {
	dec := NewDecoder([]byte(`[1.50, 12345678901234567890]`))
	var got []json.Token
	for {
		tok, err := dec.Token()
		if err != nil {
			break
		}
		got = append(got, tok)
	}
	if len(got) != 4 || got[1] != json.Number("1.50") || got[2] != json.Number("12345678901234567890") {
		t.Errorf("tokens = %#v", got)
	}
}

func TestAtEnd(t *testing.T) {
	tests := []struct {
		in   string
		want bool
	}{
		{`{}`, true},
		{"{} \n\t", true},
		{`{} {}`, false},
		{`{} x`, false},
		{`{}]`, false},
		{`{} "`, false},
	}
	for _, tt := range tests {
		dec := NewDecoder([]byte(tt.in))
		var v any
		if err := dec.Decode(&v); err != nil {
			t.Fatalf("%s: %v", tt.in, err)
		}
		if got := AtEnd(dec); got != tt.want {
			t.Errorf("AtEnd after %s = %v, want %v", tt.in, got, tt.want)
		}
	}
}

func TestKind(t *testing.T) {
	tests := []struct {
		tok  json.Token
		kind Kind
		ok   bool
		name string
	}{
		{nil, Null, true, "null"},
		{true, Bool, true, "a boolean"},
		{json.Number("1"), Number, true, "a number"},
		{"s", String, true, "a string"},
		{json.Delim('['), Array, true, "a list"},
		{json.Delim('{'), Object, true, "an object"},
		{json.Delim(']'), 0, false, ""},
		{json.Delim('}'), 0, false, ""},
		{1.5, 0, false, ""}, // not a token of NewDecoder's decoders
	}
	for _, tt := range tests {
		k, ok := TokenKind(tt.tok)
		if k != tt.kind || ok != tt.ok {
			t.Errorf("TokenKind(%#v) = %v, %v; want %v, %v", tt.tok, k, ok, tt.kind, tt.ok)
		}
		if ok && k.String() != tt.name {
			t.Errorf("%#v: String() = %q, want %q", tt.tok, k.String(), tt.name)
		}
	}
	if got := Kind(42).String(); got != "Kind(42)" {
		t.Errorf("Kind(42).String() = %q", got)
	}
}
