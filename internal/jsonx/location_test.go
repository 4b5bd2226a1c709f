package jsonx

import (
	"fmt"
	"testing"
)

func TestAppendLocation(t *testing.T) {
	short := func(s string) string { return "<" + s + ">" }
	tests := []struct {
		stmt       int
		sid, field string
		quote      func(string) string
		want       string
	}{
		{-1, "", "", nil, ""},
		{-1, "ignored", "Version", nil, "Version: "},
		{0, "", "", nil, "statement 0: "},
		{2, "ro", "Action[1]", nil, `statement 2 ("ro"): Action[1]: `},
		{12, "a\"b", "", nil, `statement 12 ("a\"b"): `},
		{3, "ro", "Effect", short, "statement 3 (<ro>): Effect: "},
	}
	for _, tt := range tests {
		got := string(AppendLocation([]byte("p: "), tt.stmt, tt.sid, tt.field, tt.quote))
		if want := "p: " + tt.want; got != want {
			t.Errorf("AppendLocation(%d, %q, %q) = %q, want %q", tt.stmt, tt.sid, tt.field, got, want)
		}
	}
}

func ExampleAppendLocation() {
	b := []byte("policy: ")
	b = AppendLocation(b, 2, "ro", "Action[1]", nil)
	b = append(b, `unknown service "compte"`...)
	fmt.Println(string(b))
	// Output: policy: statement 2 ("ro"): Action[1]: unknown service "compte"
}
