package jsonx

import (
	"strings"
	"testing"
)

func TestWithinDepth(t *testing.T) {
	nest := func(n int) string { return strings.Repeat("[", n) + strings.Repeat("]", n) }
	tests := []struct {
		in    string
		limit int
		want  bool
	}{
		{``, 0, true},
		{`"x"`, 0, true},
		{`[]`, 0, false},
		{nest(8), 8, true},
		{nest(9), 8, false},
		{`{"a":{"b":[{"c":[]}]}}`, 5, true},
		{`{"a":{"b":[{"c":[]}]}}`, 4, false},
		// Brackets inside strings, escaped quotes included, do not count.
		{`["[[[[", "\"[[[[", "\\", []]`, 2, true},
		{`["\\"[[]]]`, 2, false},
		// Siblings do not add up.
		{`[[],[],[],[]]`, 2, true},
		// The scan stops at the first level over the limit, even if the
		// input is malformed afterwards or closes too much before.
		{`]]]][[[`, 3, true},
		{`[[[[`, 3, false},
		// An unterminated string hides the rest.
		{`"[[[[[[`, 1, true},
	}
	for _, tt := range tests {
		if got := WithinDepth([]byte(tt.in), tt.limit); got != tt.want {
			t.Errorf("WithinDepth(%s, %d) = %v, want %v", tt.in, tt.limit, got, tt.want)
		}
	}
}
