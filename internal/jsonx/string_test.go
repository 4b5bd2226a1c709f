package jsonx

import (
	"encoding/json"
	"strings"
	"testing"
	"unicode/utf8"
)

func TestAppendString(t *testing.T) {
	tests := []struct {
		in             string
		minimal, jsafe string
	}{
		{"", `""`, `""`},
		{"plain é 世界 \U0001F600", `"plain é 世界 😀"`, `"plain é 世界 😀"`},
		{`q"b\s/`, `"q\"b\\s/"`, `"q\"b\\s/"`},
		{"\n\r\t", `"\n\r\t"`, `"\n\r\t"`},
		{"\x00\x01\x1f\x7f", `"\u0000\u0001\u001f` + "\x7f" + `"`, `"\u0000\u0001\u001f` + "\x7f" + `"`},
		{"<&>", `"<&>"`, `"<&>"`},
		{"a\u2028b\u2029c", "\"a\u2028b\u2029c\"", `"a\u2028b\u2029c"`},
		{"\xff\xfe", `"\ufffd\ufffd"`, `"\ufffd\ufffd"`},
		{"\xe2\x80", `"\ufffd\ufffd"`, `"\ufffd\ufffd"`},
		{"\uFFFD", "\"\uFFFD\"", "\"\uFFFD\""},
	}
	for _, tt := range tests {
		if got := string(AppendString(nil, tt.in, Minimal)); got != tt.minimal {
			t.Errorf("AppendString(%q, Minimal) = %s, want %s", tt.in, got, tt.minimal)
		}
		if got := string(AppendString(nil, tt.in, JavaScriptSafe)); got != tt.jsafe {
			t.Errorf("AppendString(%q, JavaScriptSafe) = %s, want %s", tt.in, got, tt.jsafe)
		}
	}
	if got := string(AppendString([]byte("x:"), "y", Minimal)); got != `x:"y"` {
		t.Errorf("AppendString does not append: %s", got)
	}
}

func TestAppendStrings(t *testing.T) {
	type name string
	if got := string(AppendStrings([]byte("a="), []name{"x", "\u2028"}, JavaScriptSafe)); got != `a=["x","\u2028"]` {
		t.Errorf("AppendStrings = %s", got)
	}
	if got := string(AppendStrings[string](nil, nil, Minimal)); got != `[]` {
		t.Errorf("AppendStrings(nil) = %s", got)
	}
	if got := string(AppendStringsFunc(nil, []int{1, 2}, func(i int) string { return strings.Repeat("z", i) }, Minimal)); got != `["z","zz"]` {
		t.Errorf("AppendStringsFunc = %s", got)
	}
}

// FuzzAppendString checks that the output is valid JSON that encoding/json
// reads back as s (with invalid UTF-8 replaced), and that the two escapings
// differ only on U+2028 and U+2029.
func FuzzAppendString(f *testing.F) {
	for _, s := range []string{"", "a\"b\\c", "\x00\x1f\n", "\u2028\u2029", "\xff", "é世😀", "\uFFFD"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		// Each byte of invalid UTF-8 reads back as one U+FFFD.
		want := ""
		for i := 0; i < len(s); {
			r, w := utf8.DecodeRuneInString(s[i:])
			want += string(r)
			i += w
		}
		for _, esc := range []Escaping{Minimal, JavaScriptSafe} {
			out := AppendString(nil, s, esc)
			var got string
			if err := json.Unmarshal(out, &got); err != nil {
				t.Fatalf("AppendString(%q, %d) = %s: not JSON: %v", s, esc, out, err)
			}
			if got != want {
				t.Fatalf("AppendString(%q, %d) reads back as %q, want %q", s, esc, got, want)
			}
		}
		minimal := string(AppendString(nil, s, Minimal))
		jsafe := string(AppendString(nil, s, JavaScriptSafe))
		r := strings.NewReplacer("\u2028", `\u2028`, "\u2029", `\u2029`)
		if r.Replace(minimal) != jsafe {
			t.Fatalf("escapings of %q differ beyond U+2028/U+2029: %s vs %s", s, minimal, jsafe)
		}
		if strings.ContainsAny(jsafe, "\u2028\u2029") {
			t.Fatalf("JavaScriptSafe left a line separator in %q", jsafe)
		}
	})
}
