package jsonx

import "testing"

type cond struct {
	op, key string
	values  []string
}

func condParts(c *cond) (string, string, []string) { return c.op, c.key, c.values }

func TestAppendConditions(t *testing.T) {
	tests := []struct {
		cs   []cond
		want string
	}{
		{nil, `{}`},
		{[]cond{{"Bool", "aws:SecureTransport", []string{"true"}}}, `{"Bool":{"aws:SecureTransport":["true"]}}`},
		{
			[]cond{
				{"IpAddress", "aws:SourceIp", []string{"198.51.100.0/24", "203.0.113.0/24"}},
				{"StringEquals", "a", []string{"x"}},
				{"StringEquals", "b", []string{"y\u2028"}},
				{"StringLike", "c", nil},
			},
			`{"IpAddress":{"aws:SourceIp":["198.51.100.0/24","203.0.113.0/24"]},"StringEquals":{"a":["x"],"b":["y\u2028"]},"StringLike":{"c":[]}}`,
		},
		// Not sorted: each run of one operator gets its own object.
		{[]cond{{"A", "k", []string{"1"}}, {"B", "k", []string{"2"}}, {"A", "j", []string{"3"}}}, `{"A":{"k":["1"]},"B":{"k":["2"]},"A":{"j":["3"]}}`},
	}
	for _, tt := range tests {
		if got := string(AppendConditions([]byte(nil), tt.cs, condParts, JavaScriptSafe)); got != tt.want {
			t.Errorf("AppendConditions(%v) =\n%s, want\n%s", tt.cs, got, tt.want)
		}
	}
	// Minimal escaping is passed down to every string.
	cs := []cond{{"Op\u2028", "k\u2029", []string{"v\u2028"}}}
	if got, want := string(AppendConditions(nil, cs, condParts, Minimal)), "{\"Op\u2028\":{\"k\u2029\":[\"v\u2028\"]}}"; got != want {
		t.Errorf("AppendConditions(Minimal) = %s, want %s", got, want)
	}
}
