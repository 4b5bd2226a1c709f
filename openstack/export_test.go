package openstack

import (
	"encoding/json"
	"strings"

	"github.com/iamkit/iamkit/policy/policytest"
)

// CatalogCalls returns the catalog as calls of the property test: each
// route by a concrete request ("openstack:compute:GET:/v2.1/servers/x3"),
// on the project.
func CatalogCalls(project string) []policytest.Call {
	var out []policytest.Call
	for _, r := range catalog {
		out = append(out, policytest.Call{
			Native:         "openstack:" + r.Service + ":" + r.Method + ":" + r.sample(),
			Portable:       string(r.Action),
			Resource:       "project/" + project,
			NativeResource: "project/" + project,
		})
	}
	return out
}

// NativeAllows answers whether a translated policy lets a key make call
// (a concrete "openstack:<service>:<METHOD>:<path>"): an access rule must
// match it, and the implied role must allow its method.
func NativeAllows(native []byte, call string) (bool, error) {
	var n Native
	if err := json.Unmarshal(native, &n); err != nil {
		return false, err
	}
	parts := strings.SplitN(strings.TrimPrefix(call, "openstack:"), ":", 3)
	svc, method, path := parts[0], parts[1], parts[2]
	rank := map[string]int{"": 0, levelReader: 1, levelMember: 2, levelAdmin: 3}
	best := 0
	for _, r := range n.Roles {
		best = max(best, rank[r])
	}
	read := method == "GET" || method == "HEAD"
	switch {
	case best == 0:
		return false, nil
	case best == 1 && !read:
		return false, nil
	case svc == "identity":
		// Keystone checks no access rules on its own API: identity
		// management is the admin role's, whatever the rules.
		return best == 3, nil
	}
	for _, r := range n.AccessRules {
		if r.Service == svc && r.Method == method && ruleMatches(r.Path, path) {
			return true, nil
		}
	}
	return false, nil
}
