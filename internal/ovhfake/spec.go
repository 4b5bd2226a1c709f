package ovhfake

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"sync"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/getkin/kin-openapi/routers"
	"github.com/iamkit/iamkit/internal/openapicheck"
)

// SpecsEnv names the environment variable that overrides where the
// OVHcloud OpenAPI documents (iam-v2.json, me-v1.json) are read from.
const SpecsEnv = "IAMKIT_OVH_SPECS"

// Spec files and the path prefixes their paths are relative to: the v1
// document's paths (/me/…) are served under /1.0 (and /v1, which go-ovh
// also accepts), the v2 document's (/iam/…) under /v2.
const (
	specV1 = "me-v1.json"
	specV2 = "iam-v2.json"
)

var errSpecsMissing = errors.New("ovhfake: OVHcloud OpenAPI documents not found")

// specs holds both loaded documents and the fake's route table.
type specs struct {
	dir    string
	routes []*route
}

// A route is one operation of a spec, at its served path.
type route struct {
	doc      *openapi3.T
	prefix   string // "/1.0" or "/v2"
	template string // as in the spec: /me/api/oauth2/client/{clientId}
	segs     []string
	method   string
	item     *openapi3.PathItem
	op       *openapi3.Operation
}

// key is how Calls and FailNext name the route: the served pattern.
func (r *route) key() string { return r.method + " " + r.prefix + r.template }

var loaded struct {
	once sync.Once
	s    *specs
	err  error
}

// loadSpecs finds, loads and caches the two documents.
func loadSpecs() (*specs, error) {
	loaded.once.Do(func() {
		dir, err := specsDir()
		if err != nil {
			loaded.err = err
			return
		}
		s := &specs{dir: dir}
		for _, f := range []struct{ file, prefix string }{{specV1, "/1.0"}, {specV2, "/v2"}} {
			l := openapi3.NewLoader()
			doc, err := l.LoadFromFile(filepath.Join(dir, f.file))
			if err != nil {
				loaded.err = fmt.Errorf("ovhfake: loading %s: %w", filepath.Join(dir, f.file), err)
				return
			}
			declareSecurity(doc)
			for tmpl, item := range doc.Paths.Map() {
				for method, op := range item.Operations() {
					s.routes = append(s.routes, &route{
						doc: doc, prefix: f.prefix, template: tmpl, segs: strings.Split(strings.TrimPrefix(tmpl, "/"), "/"),
						method: method, item: item, op: op,
					})
				}
			}
		}
		// Literal segments before parameters, so /me/identity/user/{user}
		// never shadows a literal sibling.
		sort.Slice(s.routes, func(i, j int) bool { return s.routes[i].template < s.routes[j].template })
		loaded.s = s
	})
	return loaded.s, loaded.err
}

// declareSecurity declares the security schemes the operations name but
// the published documents leave out of components (oAuth2AuthCode), so
// that kin-openapi accepts the operations; the fake checks credentials
// itself.
func declareSecurity(doc *openapi3.T) {
	if doc.Components == nil {
		doc.Components = &openapi3.Components{}
	}
	if doc.Components.SecuritySchemes == nil {
		doc.Components.SecuritySchemes = openapi3.SecuritySchemes{}
	}
	for _, item := range doc.Paths.Map() {
		for _, op := range item.Operations() {
			if op.Security == nil {
				continue
			}
			for _, req := range *op.Security {
				for name := range req {
					if _, ok := doc.Components.SecuritySchemes[name]; !ok {
						doc.Components.SecuritySchemes[name] = &openapi3.SecuritySchemeRef{Value: openapi3.NewOIDCSecurityScheme("https://www.ovh.com/auth/oauth2")}
					}
				}
			}
		}
	}
}

// specsDir returns $IAMKIT_OVH_SPECS, or <module root>/../shared/specs/ovh
// where the module root is the first directory above the working
// directory (the package's, under go test) holding go.mod.
func specsDir() (string, error) {
	if d := os.Getenv(SpecsEnv); d != "" {
		if _, err := os.Stat(filepath.Join(d, specV2)); err != nil {
			return "", fmt.Errorf("%w: %s=%s: %v", errSpecsMissing, SpecsEnv, d, err)
		}
		return d, nil
	}
	wd, err := os.Getwd()
	if err != nil {
		return "", fmt.Errorf("%w: %v", errSpecsMissing, err)
	}
	for d := wd; ; d = filepath.Dir(d) {
		if _, err := os.Stat(filepath.Join(d, "go.mod")); err == nil {
			dir := filepath.Join(filepath.Dir(d), "shared", "specs", "ovh")
			if _, err := os.Stat(filepath.Join(dir, specV2)); err != nil {
				return "", fmt.Errorf("%w in %s (module root %s; set %s to their directory)", errSpecsMissing, dir, d, SpecsEnv)
			}
			return dir, nil
		}
		if filepath.Dir(d) == d {
			return "", fmt.Errorf("%w: no go.mod above %s (set %s)", errSpecsMissing, wd, SpecsEnv)
		}
	}
}

// enum returns the values of the enum schema name (such as
// "auth.RoleEnum") in the document served under prefix, or nil.
func (s *specs) enum(prefix, name string) []string {
	for _, rt := range s.routes {
		if rt.prefix != prefix || rt.doc.Components == nil {
			continue
		}
		ref, ok := rt.doc.Components.Schemas[name]
		if !ok || ref.Value == nil {
			return nil
		}
		var out []string
		for _, v := range ref.Value.Enum {
			if str, ok := v.(string); ok {
				out = append(out, str)
			}
		}
		return out
	}
	return nil
}

// match finds the route of method and the escaped request path (prefix
// included), with its path parameters unescaped. It reports whether the
// path exists at all, for 405 against 404.
func (s *specs) match(method, escPath string) (r *route, params map[string]string, pathKnown bool) {
	var prefix, rest string
	switch {
	case strings.HasPrefix(escPath, "/1.0/"):
		prefix, rest = "/1.0", escPath[len("/1.0"):]
	case strings.HasPrefix(escPath, "/v1/"):
		prefix, rest = "/1.0", escPath[len("/v1"):]
	case strings.HasPrefix(escPath, "/v2/"):
		prefix, rest = "/v2", escPath[len("/v2"):]
	default:
		return nil, nil, false
	}
	segs := strings.Split(strings.TrimPrefix(rest, "/"), "/")
	var best *route
	var bestParams map[string]string
	bestLiterals := -1
	for _, rt := range s.routes {
		if rt.prefix != prefix || len(rt.segs) != len(segs) {
			continue
		}
		p, lit, ok := rt.bind(segs)
		if !ok {
			continue
		}
		pathKnown = true
		if rt.method != method {
			continue
		}
		if lit > bestLiterals {
			best, bestParams, bestLiterals = rt, p, lit
		}
	}
	return best, bestParams, pathKnown
}

func (rt *route) bind(segs []string) (map[string]string, int, bool) {
	params := map[string]string{}
	lit := 0
	for i, t := range rt.segs {
		if strings.HasPrefix(t, "{") && strings.HasSuffix(t, "}") {
			v, err := url.PathUnescape(segs[i])
			if err != nil || v == "" {
				return nil, 0, false
			}
			params[t[1:len(t)-1]] = v
			continue
		}
		if t != segs[i] {
			return nil, 0, false
		}
		lit++
	}
	return params, lit, true
}

// schemaOptions adds the formats the documents use that kin-openapi does
// not check by default (uuid: policy ids).
func schemaOptions() []openapi3.SchemaValidationOption {
	return []openapi3.SchemaValidationOption{
		openapi3.WithStringFormatValidator("uuid", openapi3.NewRegexpFormatValidator(openapi3.FormatOfStringForUUIDOfRFC4122)),
	}
}

func (rt *route) kinRoute() *routers.Route {
	return &routers.Route{Spec: rt.doc, Path: rt.template, PathItem: rt.item, Method: rt.method, Operation: rt.op}
}

// validateRequest checks r's parameters and body against the operation,
// and the body for properties the schema does not define (the schemas
// leave additionalProperties open; the fake takes the stricter reading, so
// a typo in a field name cannot pass silently). It returns "" when valid.
func (rt *route) validateRequest(ctx context.Context, r *http.Request, params map[string]string, body []byte) string {
	err := openapicheck.Request(ctx, rt.kinRoute(), r, params, body, schemaOptions()...)
	var problems []string
	if err != nil {
		problems = openapicheck.DescribeCauses(err)
	}
	if rt.op.RequestBody == nil && len(bytes.TrimSpace(body)) > 0 && !bytes.Equal(bytes.TrimSpace(body), []byte("null")) {
		problems = append(problems, "this call takes no request body")
	}
	if rt.op.RequestBody != nil && rt.op.RequestBody.Value != nil && len(body) > 0 {
		if mt := rt.op.RequestBody.Value.Content.Get("application/json"); mt != nil && mt.Schema != nil {
			var v any
			if json.Unmarshal(body, &v) == nil {
				problems = unknownProps(mt.Schema.Value, v, "", problems)
			}
		}
	}
	return strings.Join(problems, "; ")
}

// validateResponse checks a 200 answer of the operation.
func (rt *route) validateResponse(ctx context.Context, r *http.Request, params map[string]string, body []byte) error {
	if err := openapicheck.Response(ctx, rt.kinRoute(), r, params, body, schemaOptions()...); err != nil {
		return errors.New(strings.Join(openapicheck.DescribeCauses(err), "; "))
	}
	return nil
}

// unknownProps appends a problem for every object property of v that
// schema (with its allOf parts) does not declare, where it declares
// properties and no additionalProperties.
func unknownProps(schema *openapi3.Schema, v any, at string, out []string) []string {
	if schema == nil {
		return out
	}
	props := map[string]*openapi3.Schema{}
	open := false
	var collect func(s *openapi3.Schema)
	collect = func(s *openapi3.Schema) {
		if s == nil {
			return
		}
		for k, p := range s.Properties {
			if p != nil {
				props[k] = p.Value
			}
		}
		if s.AdditionalProperties.Schema != nil || (s.AdditionalProperties.Has != nil && *s.AdditionalProperties.Has) {
			open = true
		}
		for _, a := range s.AllOf {
			if a != nil {
				collect(a.Value)
			}
		}
	}
	collect(schema)
	switch x := v.(type) {
	case map[string]any:
		keys := make([]string, 0, len(x))
		for k := range x {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		for _, k := range keys {
			p, ok := props[k]
			if !ok {
				if !open && len(props) > 0 {
					out = append(out, fmt.Sprintf("at %s/%s: property %q is not in the schema", at, k, k))
				}
				continue
			}
			out = unknownProps(p, x[k], at+"/"+k, out)
		}
	case []any:
		if schema.Items != nil {
			for i, e := range x {
				out = unknownProps(schema.Items.Value, e, fmt.Sprintf("%s/%d", at, i), out)
			}
		}
	}
	return out
}
