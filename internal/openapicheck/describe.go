package openapicheck

import (
	"fmt"
	"strings"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/getkin/kin-openapi/openapi3filter"
)

// Describe flattens a kin-openapi validation error into short lines, one
// per problem: "at /json/pointer: reason" for a schema error, prefixed
// with `parameter "name" in path: ` for a parameter's. A schema error
// keeps its own location and reason unless its cause is itself a schema
// error; a cause of another kind (a format validator's error, the
// failures under oneOf or allOf) is left out.
func Describe(err error) []string { return describe(err, nil, false) }

// DescribeCauses is Describe, except that a schema error with a cause of
// any kind is described by that cause instead, which leaves out the
// location when the cause is not a schema error.
func DescribeCauses(err error) []string { return describe(err, nil, true) }

func describe(err error, out []string, causes bool) []string {
	switch e := err.(type) {
	case openapi3.MultiError:
		for _, x := range e {
			out = describe(x, out, causes)
		}
		return out
	case *openapi3filter.RequestError:
		if e.Err != nil {
			if e.Parameter != nil {
				return append(out, fmt.Sprintf("parameter %q in %s: %s", e.Parameter.Name, e.Parameter.In, strings.Join(describe(e.Err, nil, causes), "; ")))
			}
			return describe(e.Err, out, causes)
		}
		return append(out, e.Reason)
	case *openapi3filter.ResponseError:
		if e.Err != nil {
			return describe(e.Err, out, causes)
		}
		return append(out, e.Reason)
	case *openapi3.SchemaError:
		if causes && e.Origin != nil {
			return describe(e.Origin, out, causes)
		}
		if o, ok := e.Origin.(*openapi3.SchemaError); ok && o != nil {
			return describe(o, out, causes)
		}
		return append(out, fmt.Sprintf("at /%s: %s", strings.Join(e.JSONPointer(), "/"), e.Reason))
	}
	first, _, _ := strings.Cut(err.Error(), "\n")
	return append(out, first)
}
