// Command gencatalog writes ovh/catalog_gen.go: the OVHcloud API
// operations that manage the account's identities and access, each with
// the IAM action its x-iam-actions annotation requires (in OVHcloud's
// OpenAPI documents me-v1.json and iam-v2.json) and the portable levels of
// the iam service it belongs to. Run it through go generate in ovh/:
//
//	go run ./internal/gencatalog -specs ../../shared/specs/ovh -o catalog_gen.go
//
// Scope and levels, decided per operation by these rules (first match):
//
//  1. Only the operations under /me/identity/user, /me/identity/group,
//     /me/identity/provider, /me/api/oauth2/client, /iam/policy,
//     /iam/permissionsGroup and /iam/resourceGroup are in scope: they
//     manage identities, credentials and policies. Logs, resource tags,
//     OAuth2 token introspection and the rest of /me are not the portable
//     iam service and stay reachable through native ovh: actions.
//  2. GET of a collection (a path with an item path below it, such as
//     /iam/policy and /iam/policy/{policyId}) is List; GET of one item
//     (the path ends in a {parameter}) or of a singleton (such as
//     /me/identity/provider) is Read.
//  3. A change (POST, PUT, DELETE) of a policy, a permissions group or a
//     resource group is Permissions: each decides what some identity may
//     do. So is a change of the identity provider (federated users get
//     their groups' rights).
//  4. A change of a group is Write and Permissions: a group carries a
//     role (ADMIN, UNPRIVILEGED…) that grants rights by itself.
//  5. A change of a local user (including its tokens, enabling and
//     disabling) is Write and Permissions: a user's group, hence its
//     role, is set on the user.
//  6. A change of an OAuth2 client (a service account and its
//     credential) is Write.
//
// An action whose operations carry several levels is granted only when a
// statement asks for all of them, so the levels err toward over-stating
// what an action grants.
package main

import (
	"bytes"
	"encoding/json"
	"flag"
	"fmt"
	"go/format"
	"log"
	"os"
	"path/filepath"
	"sort"
	"strings"
)

type operation struct {
	Method, Path, Action string
	Levels               []string
}

var (
	scopes = []string{"/me/identity/user", "/me/identity/group", "/me/identity/provider",
		"/me/api/oauth2/client", "/iam/policy", "/iam/permissionsGroup", "/iam/resourceGroup"}
	granting = []string{"/iam/policy", "/iam/permissionsGroup", "/iam/resourceGroup", "/me/identity/provider"}
)

func under(path string, prefixes []string) bool {
	for _, p := range prefixes {
		if path == p || strings.HasPrefix(path, p+"/") {
			return true
		}
	}
	return false
}

// levels applies the rules of the package comment; paths are all the
// paths of the documents.
func levels(method, path string, paths map[string]bool) []string {
	if method == "GET" {
		for p := range paths {
			rest, ok := strings.CutPrefix(p, path+"/{")
			if ok && !strings.Contains(rest, "/") {
				return []string{"List"}
			}
		}
		return []string{"Read"}
	}
	switch {
	case under(path, granting):
		return []string{"Permissions"}
	case under(path, []string{"/me/identity/group", "/me/identity/user"}):
		return []string{"Write", "Permissions"}
	}
	return []string{"Write"}
}

func main() {
	specs := flag.String("specs", "../../shared/specs/ovh", "directory of me-v1.json and iam-v2.json")
	out := flag.String("o", "catalog_gen.go", "output file")
	flag.Parse()
	src, err := generate(*specs)
	if err != nil {
		log.Fatal(err)
	}
	if err := os.WriteFile(*out, src, 0o644); err != nil {
		log.Fatal(err)
	}
}

// generate returns the source of catalog_gen.go from the OpenAPI documents
// in the directory specs.
func generate(specs string) ([]byte, error) {
	var ops []operation
	paths := map[string]bool{}
	type spec struct {
		name  string
		paths map[string]map[string]json.RawMessage
	}
	var docs []spec
	for _, name := range []string{"me-v1.json", "iam-v2.json"} {
		raw, err := os.ReadFile(filepath.Join(specs, name))
		if err != nil {
			return nil, err
		}
		var doc struct {
			Paths map[string]map[string]json.RawMessage `json:"paths"`
		}
		if err := json.Unmarshal(raw, &doc); err != nil {
			return nil, fmt.Errorf("%s: %v", name, err)
		}
		for p := range doc.Paths {
			paths[p] = true
		}
		docs = append(docs, spec{name, doc.Paths})
	}
	for _, d := range docs {
		name := d.name
		for path, methods := range d.paths {
			if !under(path, scopes) {
				continue
			}
			for method, body := range methods {
				m := strings.ToUpper(method)
				if m != "GET" && m != "POST" && m != "PUT" && m != "DELETE" {
					continue
				}
				var op struct {
					Actions []struct {
						Name     string `json:"name"`
						Required bool   `json:"required"`
					} `json:"x-iam-actions"`
				}
				if err := json.Unmarshal(body, &op); err != nil {
					return nil, fmt.Errorf("%s %s %s: %v", name, m, path, err)
				}
				for _, a := range op.Actions {
					if !a.Required || !strings.HasPrefix(a.Name, "account:apiovh:") {
						continue
					}
					ops = append(ops, operation{Method: m, Path: path, Action: a.Name, Levels: levels(m, path, paths)})
				}
			}
		}
	}
	if len(ops) == 0 {
		return nil, fmt.Errorf("%s: no annotated operation in scope", specs)
	}
	sort.Slice(ops, func(i, j int) bool {
		if ops[i].Path != ops[j].Path {
			return ops[i].Path < ops[j].Path
		}
		return ops[i].Method < ops[j].Method
	})
	var b bytes.Buffer
	b.WriteString("// Code generated by gencatalog from me-v1.json and iam-v2.json; DO NOT EDIT.\n\npackage ovh\n\n")
	b.WriteString("import \"github.com/iamkit/iamkit/policy\"\n\n")
	b.WriteString("// accountOps are the OVHcloud API operations of the portable iam service,\n")
	b.WriteString("// with the account action each requires and its portable levels (see\n")
	b.WriteString("// internal/gencatalog for the rules).\n")
	b.WriteString("var accountOps = []accountOp{\n")
	for _, o := range ops {
		var lv []string
		for _, l := range o.Levels {
			lv = append(lv, "policy."+l)
		}
		fmt.Fprintf(&b, "\t{%q, %q, %q, []policy.Level{%s}},\n", o.Method, o.Path, o.Action, strings.Join(lv, ", "))
	}
	b.WriteString("}\n")
	return format.Source(b.Bytes())
}
