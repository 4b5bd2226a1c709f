package oscfake

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/getkin/kin-openapi/routers"
	"github.com/iamkit/iamkit/internal/openapicheck"
)

// sdkModule is the module whose api/openapi.yaml is the contract.
const sdkModule = "github.com/outscale/osc-sdk-go/v2"

var spec struct {
	once sync.Once
	doc  *openapi3.T
	path string
	err  error
}

// loadSpec loads and caches the OpenAPI document shipped in the SDK module
// the main module requires (found with `go list -m`, which needs the go
// tool, as every go test run has).
func loadSpec() (*openapi3.T, error) {
	spec.once.Do(func() {
		spec.path, spec.err = specPath()
		if spec.err != nil {
			return
		}
		l := openapi3.NewLoader()
		spec.doc, spec.err = l.LoadFromFile(spec.path)
		if spec.err != nil {
			spec.err = fmt.Errorf("oscfake: loading %s: %w", spec.path, spec.err)
		}
	})
	return spec.doc, spec.err
}

// specPath finds api/openapi.yaml of the osc-sdk-go/v2 version the main
// module requires, with go list -m (test binaries carry no dependency
// versions in their build information, so the go tool is asked).
func specPath() (string, error) {
	if p := os.Getenv("OSCFAKE_OPENAPI"); p != "" {
		return p, nil
	}
	out, err := exec.Command("go", "list", "-m", "-f", "{{.Dir}}", sdkModule).Output()
	if err != nil {
		var ee *exec.ExitError
		if errors.As(err, &ee) {
			err = fmt.Errorf("%w: %s", err, ee.Stderr)
		}
		return "", fmt.Errorf("oscfake: locating %s (set OSCFAKE_OPENAPI to the spec's path to skip this): %w", sdkModule, err)
	}
	dir := strings.TrimSpace(string(out))
	if dir == "" {
		return "", fmt.Errorf("oscfake: module %s is not in the module cache; run go mod download", sdkModule)
	}
	return filepath.Join(dir, "api", "openapi.yaml"), nil
}

// operation returns the spec's route for the OUTSCALE API call op
// (every call is POST /<op>).
func operation(doc *openapi3.T, op string) *routers.Route {
	pi := doc.Paths.Value("/" + op)
	if pi == nil || pi.Post == nil {
		return nil
	}
	return &routers.Route{Spec: doc, Path: "/" + op, PathItem: pi, Method: http.MethodPost, Operation: pi.Post}
}

// validateRequest checks r (whose body is body) against route's request
// schema. It returns nil or a short description of what is wrong, and the
// table entry the API answers for it.
func validateRequest(ctx context.Context, route *routers.Route, r *http.Request, body []byte) (string, *apiError) {
	err := openapicheck.Request(ctx, route, r, nil, body)
	if err == nil {
		return "", nil
	}
	msg := shortError(err)
	switch {
	case strings.Contains(msg, "is missing") || strings.Contains(msg, "value is required but missing"):
		return msg, &errMissingParameter
	case strings.Contains(msg, "is unsupported"):
		return msg, &errInvalidParameter
	default:
		return msg, &errInvalidParameterValue
	}
}

// validateResponse checks a 200 response body against route's schema.
func validateResponse(ctx context.Context, route *routers.Route, r *http.Request, body []byte) error {
	return openapicheck.Response(ctx, route, r, nil, body)
}

// validateErrorBody checks an error body against components.schemas.ErrorResponse
// (the EIM calls document no error response, so the schema is checked directly).
func validateErrorBody(doc *openapi3.T, body []byte) error {
	ref := doc.Components.Schemas["ErrorResponse"]
	if ref == nil || ref.Value == nil {
		return errors.New("spec has no ErrorResponse schema")
	}
	var v any
	if err := json.Unmarshal(body, &v); err != nil {
		return err
	}
	return ref.Value.VisitJSON(v, openapi3.MultiErrors())
}

// shortError describes a kin-openapi validation error in one line,
// without the schema dumps its messages carry.
func shortError(err error) string {
	parts := openapicheck.Describe(err)
	if len(parts) == 0 {
		return err.Error()
	}
	return strings.Join(parts, "; ")
}
