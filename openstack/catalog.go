package openstack

import (
	"strings"

	"github.com/iamkit/iamkit/policy"
)

// route is one API call shape of an OpenStack service, as an
// application-credential access rule names it: the service type of the
// catalog, an HTTP method and a path pattern ("*" stands for one path
// segment, "**" for any number), and the portable action it belongs to.
type route struct {
	Service string // Keystone service type: compute, image, volumev3, network, object-store, identity
	Method  string
	Path    string
	Action  policy.Action // service:level
}

// native is the route's native action name, "openstack:compute:GET:/v2.1/servers".
func (r route) native() string {
	return "openstack:" + r.Service + ":" + r.Method + ":" + r.Path
}

// sample is a concrete request path the route matches: its wildcards
// replaced by identifiers.
func (r route) sample() string {
	segs := strings.Split(r.Path, "/")
	for i, s := range segs {
		switch s {
		case "*":
			segs[i] = "x" + string(rune('0'+i%10))
		case "**":
			segs[i] = "o1/o2"
		}
	}
	return strings.Join(segs, "/")
}

// serviceTypes maps the portable services to Keystone catalog types.
var serviceTypes = map[policy.Service]string{
	policy.Compute:       "compute",
	policy.Image:         "image",
	policy.BlockStorage:  "volumev3",
	policy.Network:       "network",
	policy.ObjectStorage: "object-store",
	policy.IAM:           "identity",
}

// catalog lists the calls iamkit grants for each portable action, per
// service, from the services' API references (Nova v2.1, Glance v2, Cinder
// v3, Neutron v2.0, Swift v1, Keystone v3). A portable action grants the
// calls listed here and nothing else: an API missing from this table is
// not granted by a portable action (a native "openstack:" action can name
// it). Secrets stay out of Read: a server's generated password is under
// compute:Permissions, as are image members, volume transfers, Neutron RBAC
// policies and Swift account and container metadata (which carry ACLs and
// temp-URL keys).
var catalog = buildCatalog()

func buildCatalog() []route {
	var rs []route
	add := func(svc policy.Service, level policy.Level, method string, paths ...string) {
		for _, p := range paths {
			rs = append(rs, route{Service: serviceTypes[svc], Method: method, Path: p, Action: policy.Portable(svc, level)})
		}
	}
	const (
		get, head, post, put, patch, del = "GET", "HEAD", "POST", "PUT", "PATCH", "DELETE"
		L, R, W, T, P                    = policy.List, policy.Read, policy.Write, policy.Tag, policy.Permissions
	)
	// rest adds a Nova/Cinder/Neutron-style collection: list, read, and
	// create, update, delete. detail adds the ".../detail" listing.
	rest := func(svc policy.Service, base string, update string, detail bool) {
		add(svc, L, get, base)
		if detail {
			add(svc, L, get, base+"/detail")
		}
		add(svc, R, get, base+"/*")
		add(svc, W, post, base)
		add(svc, W, update, base+"/*")
		add(svc, W, del, base+"/*")
	}

	// Compute (Nova, /v2.1).
	const nova = "/v2.1"
	rest(policy.Compute, nova+"/servers", put, true)
	add(policy.Compute, R, get, nova+"/servers/*/ips", nova+"/servers/*/os-interface", nova+"/servers/*/os-volume_attachments",
		nova+"/servers/*/os-instance-actions", nova+"/servers/*/metadata", nova+"/servers/*/tags")
	add(policy.Compute, W, post, nova+"/servers/*/action", nova+"/servers/*/os-interface", nova+"/servers/*/os-volume_attachments")
	add(policy.Compute, W, del, nova+"/servers/*/os-interface/*", nova+"/servers/*/os-volume_attachments/*")
	add(policy.Compute, T, put, nova+"/servers/*/tags", nova+"/servers/*/tags/*", nova+"/servers/*/metadata", nova+"/servers/*/metadata/*")
	add(policy.Compute, T, post, nova+"/servers/*/metadata")
	add(policy.Compute, T, del, nova+"/servers/*/tags", nova+"/servers/*/tags/*", nova+"/servers/*/metadata/*")
	add(policy.Compute, P, get, nova+"/servers/*/os-server-password")
	add(policy.Compute, P, del, nova+"/servers/*/os-server-password")
	add(policy.Compute, L, get, nova+"/flavors", nova+"/flavors/detail", nova+"/os-keypairs", nova+"/os-availability-zone", nova+"/os-server-groups")
	add(policy.Compute, R, get, nova+"/flavors/*", nova+"/flavors/*/os-extra_specs", nova+"/os-keypairs/*", nova+"/os-server-groups/*", nova+"/limits")
	add(policy.Compute, W, post, nova+"/os-keypairs", nova+"/os-server-groups")
	add(policy.Compute, W, del, nova+"/os-keypairs/*", nova+"/os-server-groups/*")

	// Image (Glance, /v2).
	add(policy.Image, L, get, "/v2/images")
	add(policy.Image, R, get, "/v2/images/*", "/v2/images/*/file", "/v2/images/*/members", "/v2/images/*/members/*")
	add(policy.Image, W, post, "/v2/images", "/v2/images/*/import", "/v2/images/*/actions/deactivate", "/v2/images/*/actions/reactivate")
	add(policy.Image, W, patch, "/v2/images/*")
	add(policy.Image, W, put, "/v2/images/*/file", "/v2/images/*/stage")
	add(policy.Image, W, del, "/v2/images/*")
	add(policy.Image, T, put, "/v2/images/*/tags/*")
	add(policy.Image, T, del, "/v2/images/*/tags/*")
	add(policy.Image, P, post, "/v2/images/*/members")
	add(policy.Image, P, put, "/v2/images/*/members/*")
	add(policy.Image, P, del, "/v2/images/*/members/*")

	// Block storage (Cinder, /v3/{project_id}).
	const cinder = "/v3/*"
	rest(policy.BlockStorage, cinder+"/volumes", put, true)
	rest(policy.BlockStorage, cinder+"/snapshots", put, true)
	rest(policy.BlockStorage, cinder+"/backups", put, true)
	add(policy.BlockStorage, L, get, cinder+"/types")
	add(policy.BlockStorage, R, get, cinder+"/types/*", cinder+"/limits", cinder+"/volumes/*/metadata")
	add(policy.BlockStorage, W, post, cinder+"/volumes/*/action", cinder+"/backups/*/restore")
	add(policy.BlockStorage, T, post, cinder+"/volumes/*/metadata")
	add(policy.BlockStorage, T, put, cinder+"/volumes/*/metadata", cinder+"/volumes/*/metadata/*")
	add(policy.BlockStorage, T, del, cinder+"/volumes/*/metadata/*")
	add(policy.BlockStorage, P, post, cinder+"/os-volume-transfer", cinder+"/os-volume-transfer/*/accept")

	// Network (Neutron, /v2.0).
	for _, c := range []string{"networks", "subnets", "ports", "routers", "floatingips", "security-groups", "security-group-rules"} {
		rest(policy.Network, "/v2.0/"+c, put, false)
		if c != "security-group-rules" {
			add(policy.Network, T, put, "/v2.0/"+c+"/*/tags", "/v2.0/"+c+"/*/tags/*")
			add(policy.Network, T, del, "/v2.0/"+c+"/*/tags", "/v2.0/"+c+"/*/tags/*")
		}
	}
	add(policy.Network, W, put, "/v2.0/routers/*/add_router_interface", "/v2.0/routers/*/remove_router_interface")
	add(policy.Network, L, get, "/v2.0/rbac-policies")
	add(policy.Network, R, get, "/v2.0/rbac-policies/*")
	add(policy.Network, P, post, "/v2.0/rbac-policies")
	add(policy.Network, P, put, "/v2.0/rbac-policies/*")
	add(policy.Network, P, del, "/v2.0/rbac-policies/*")

	// Object storage (Swift, /v1/AUTH_{project}): containers, then objects
	// (whose names may hold "/").
	add(policy.ObjectStorage, L, get, "/v1/*", "/v1/*/*")
	add(policy.ObjectStorage, R, head, "/v1/*/*")
	add(policy.ObjectStorage, R, get, "/v1/*/*/**")
	add(policy.ObjectStorage, R, head, "/v1/*/*/**")
	add(policy.ObjectStorage, W, put, "/v1/*/*", "/v1/*/*/**")
	add(policy.ObjectStorage, W, del, "/v1/*/*", "/v1/*/*/**")
	add(policy.ObjectStorage, T, post, "/v1/*/*/**")
	add(policy.ObjectStorage, P, head, "/v1/*")
	add(policy.ObjectStorage, P, post, "/v1/*", "/v1/*/*")

	// Identity (Keystone, /v3). Keystone does not check access rules on
	// its own API, so these are never granted by access rules alone: see
	// Translator.
	rest(policy.IAM, "/v3/users", patch, false)
	rest(policy.IAM, "/v3/groups", patch, false)
	add(policy.IAM, L, get, "/v3/users/*/application_credentials", "/v3/role_assignments")
	add(policy.IAM, P, post, "/v3/users/*/application_credentials")
	add(policy.IAM, P, del, "/v3/users/*/application_credentials/*")
	add(policy.IAM, P, put, "/v3/projects/*/users/*/roles/*", "/v3/projects/*/groups/*/roles/*")
	add(policy.IAM, P, del, "/v3/projects/*/users/*/roles/*", "/v3/projects/*/groups/*/roles/*")
	return rs
}

// ruleMatches reports whether an access rule's path pattern matches a
// request path: "**" matches any run of characters, "*" and "{name}" any
// run within one segment. (Keystone middleware is at most this wide; the
// evaluation errs wide so that the no-widening checks err safe.)
func ruleMatches(pattern, path string) bool {
	if pattern == "" {
		return path == ""
	}
	switch {
	case strings.HasPrefix(pattern, "**"):
		rest := pattern[2:]
		for i := 0; i <= len(path); i++ {
			if ruleMatches(rest, path[i:]) {
				return true
			}
		}
		return false
	case pattern[0] == '*' || pattern[0] == '{':
		rest := pattern[1:]
		if pattern[0] == '{' {
			end := strings.IndexByte(pattern, '}')
			if end < 0 {
				return false
			}
			rest = pattern[end+1:]
		}
		for i := 0; i <= len(path); i++ {
			if ruleMatches(rest, path[i:]) {
				return true
			}
			if i < len(path) && path[i] == '/' {
				return false
			}
		}
		return false
	}
	return path != "" && path[0] == pattern[0] && ruleMatches(pattern[1:], path[1:])
}
