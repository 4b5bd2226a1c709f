package openapicheck

import (
	"strings"
	"testing"

	"github.com/getkin/kin-openapi/openapi3"
)

// TestDescribeCauses: a format failure keeps its location under Describe
// and is described by the format validator's error under DescribeCauses.
func TestDescribeCauses(t *testing.T) {
	schema := openapi3.NewObjectSchema().WithProperty("Day", openapi3.NewStringSchema().WithFormat("date"))
	err := schema.VisitJSON(map[string]any{"Day": "yesterday"}, openapi3.MultiErrors())
	if err == nil {
		t.Fatal("no error for a malformed date")
	}
	got := Describe(err)
	if len(got) != 1 || !strings.HasPrefix(got[0], "at /Day: ") || !strings.Contains(got[0], `format "date"`) {
		t.Errorf("Describe = %q, want one line at /Day about the date format", got)
	}
	got = DescribeCauses(err)
	if len(got) != 1 || strings.HasPrefix(got[0], "at ") || !strings.Contains(got[0], `format "date"`) {
		t.Errorf("DescribeCauses = %q, want one line about the date format, without location", got)
	}
}

// TestDescribeNested: a schema error caused by another is described by the
// innermost one, and the errors of a MultiError each get a line.
func TestDescribeNested(t *testing.T) {
	schema := openapi3.NewObjectSchema().
		WithProperty("Name", openapi3.NewStringSchema().WithMaxLength(3)).
		WithProperty("Tags", openapi3.NewArraySchema().WithItems(openapi3.NewStringSchema()))
	err := schema.VisitJSON(map[string]any{"Name": "toolong", "Tags": []any{"a", 2.0}}, openapi3.MultiErrors())
	for name, describe := range map[string]func(error) []string{"Describe": Describe, "DescribeCauses": DescribeCauses} {
		got := describe(err)
		want := []string{"at /Name: ", "at /Tags/1: "}
		if len(got) != len(want) {
			t.Errorf("%s = %q, want %d lines", name, got, len(want))
			continue
		}
		for i, w := range want {
			if !strings.HasPrefix(got[i], w) || strings.Contains(got[i], "\n") {
				t.Errorf("%s line %d = %q, want one line beginning %q", name, i, got[i], w)
			}
		}
	}
}
