package policy

import (
	"fmt"
	"strings"
	"unicode"
	"unicode/utf8"
)

// Service is a portable service: a family of resources every cloud has
// under one name or another.
type Service string

// The portable services.
const (
	// Compute is virtual machines and what runs them (AWS EC2 instances,
	// Outscale VMs, OpenStack Nova servers), with their key pairs.
	Compute Service = "compute"
	// BlockStorage is volumes and snapshots.
	BlockStorage Service = "blockstorage"
	// ObjectStorage is buckets (containers) and the objects in them.
	ObjectStorage Service = "objectstorage"
	// Network is networks, subnets, routes, gateways, public IPs and
	// security groups.
	Network Service = "network"
	// Image is machine images.
	Image Service = "image"
	// IAM is identities, groups, policies and access keys.
	IAM Service = "iam"
	// AnyService stands for every service in a portable action: "*:Read".
	AnyService Service = "*"
)

// Level is a portable access level: what a statement lets an identity do
// with the resources of a service.
type Level string

// The portable access levels.
const (
	// List: enumerate resources and see their identifiers.
	List Level = "List"
	// Read: read the state, configuration and content of resources,
	// short of secrets (such as a VM's generated password).
	Read Level = "Read"
	// Write: create, change, start, stop and delete resources.
	Write Level = "Write"
	// Tag: add and remove tags on resources.
	Tag Level = "Tag"
	// Permissions: change who may access resources (policies, ACLs,
	// identities and their keys).
	Permissions Level = "Permissions"
	// AnyLevel stands for every level in a portable action: "compute:*".
	AnyLevel Level = "*"
)

var (
	services = [...]Service{Compute, BlockStorage, ObjectStorage, Network, Image, IAM}
	levels   = [...]Level{List, Read, Write, Tag, Permissions}
)

// Services returns the portable services (without AnyService), in a fixed
// order. The slice is the caller's to keep.
func Services() []Service { return append([]Service(nil), services[:]...) }

// Levels returns the portable access levels (without AnyLevel), from the
// least to the most powerful. The slice is the caller's to keep.
func Levels() []Level { return append([]Level(nil), levels[:]...) }

// Portable returns the portable action "service:level". Either part may be
// "*" (AnyService, AnyLevel). It does not check its arguments.
func Portable(s Service, l Level) Action { return Action(string(s) + ":" + string(l)) }

// The clouds a native action may be written for; each native action starts
// with one of these names and a colon.
const (
	CloudAWS       = "aws"
	CloudOutscale  = "outscale"
	CloudOVH       = "ovh"
	CloudOpenStack = "openstack"
)

// NativePrefixes returns the prefixes that mark a native action: "aws:",
// "outscale:", "ovh:" and "openstack:". The slice is the caller's to keep.
func NativePrefixes() []string {
	return []string{CloudAWS + ":", CloudOutscale + ":", CloudOVH + ":", CloudOpenStack + ":"}
}

func isCloud(s string) bool {
	switch s {
	case CloudAWS, CloudOutscale, CloudOVH, CloudOpenStack:
		return true
	}
	return false
}

// lookupService returns the canonical spelling of a service named in any
// case, or "*".
func lookupService(s string) (Service, bool) {
	if s == "*" {
		return AnyService, true
	}
	for _, v := range services {
		if strings.EqualFold(s, string(v)) {
			return v, true
		}
	}
	return "", false
}

// lookupLevel returns the canonical spelling of a level named in any case,
// or "*".
func lookupLevel(s string) (Level, bool) {
	if s == "*" {
		return AnyLevel, true
	}
	for _, v := range levels {
		if strings.EqualFold(s, string(v)) {
			return v, true
		}
	}
	return "", false
}

// Portable reports whether a is a portable action and returns its parts in
// their canonical spelling. The action "*" is AnyService, AnyLevel.
func (a Action) Portable() (Service, Level, bool) {
	if a == "*" {
		return AnyService, AnyLevel, true
	}
	svc, lvl, ok := strings.Cut(string(a), ":")
	if !ok {
		return "", "", false
	}
	s, ok1 := lookupService(svc)
	l, ok2 := lookupLevel(lvl)
	if !ok1 || !ok2 {
		return "", "", false
	}
	return s, l, true
}

// Native reports whether a is a well-formed native action and returns its
// cloud ("aws", "outscale", "ovh" or "openstack") and the name it has on
// that cloud, such as "ec2:RunInstances".
func (a Action) Native() (cloud, name string, ok bool) {
	cloud, name, ok = strings.Cut(string(a), ":")
	if !ok || !isCloud(cloud) || checkNative(cloud, name) != "" {
		return "", "", false
	}
	return cloud, name, true
}

// canonical returns a with a portable action spelled canonically
// ("Compute:read" → "compute:Read"); anything else is returned unchanged.
func (a Action) canonical() Action {
	if a == "*" {
		return a
	}
	s, l, ok := a.Portable()
	if !ok {
		return a
	}
	if c := Portable(s, l); c != a {
		return c
	}
	return a
}

// checkAction returns why a is not a valid action, or "".
func checkAction(a Action) string {
	s := string(a)
	if s == "" {
		return "must not be empty"
	}
	if s == "*" {
		return ""
	}
	head, rest, ok := strings.Cut(s, ":")
	if !ok {
		return fmt.Sprintf(`%s is not an action: want "service:level", "*", or a native action such as "aws:ec2:RunInstances"`, quote(s))
	}
	if isCloud(head) {
		return checkNative(head, rest)
	}
	if isCloud(strings.ToLower(head)) {
		return fmt.Sprintf("%s: write the cloud prefix %q in lower case", quote(s), strings.ToLower(head))
	}
	if _, ok := lookupService(head); !ok {
		return fmt.Sprintf("unknown service %s (want compute, blockstorage, objectstorage, network, image, iam or *, or a native action starting with aws:, outscale:, ovh: or openstack:)", quote(head))
	}
	if _, ok := lookupLevel(rest); !ok {
		return fmt.Sprintf("unknown level %s (want List, Read, Write, Tag, Permissions or *)", quote(rest))
	}
	return ""
}

func isLower(c byte) bool      { return 'a' <= c && c <= 'z' }
func isDigit(c byte) bool      { return '0' <= c && c <= '9' }
func isAlnum(c byte) bool      { return isLower(c) || 'A' <= c && c <= 'Z' || isDigit(c) }
func isLowerDash(c byte) bool  { return isLower(c) || isDigit(c) || c == '-' }
func isActionName(c byte) bool { return isAlnum(c) || c == '*' || c == '?' }
func isOVHAction(c byte) bool {
	return isAlnum(c) || c == ':' || c == '/' || c == '_' || c == '.' || c == '*' || c == '-'
}
func isKeystonePath(c byte) bool {
	return isAlnum(c) || c == '/' || c == '_' || c == '.' || c == '{' || c == '}' || c == '*' || c == '-'
}
func isProjectID(c byte) bool { return isAlnum(c) || c == '_' || c == '-' }

// all reports whether s is non-empty and made only of bytes that ok accepts.
func all(s string, ok func(byte) bool) bool {
	if s == "" {
		return false
	}
	for i := 0; i < len(s); i++ {
		if !ok(s[i]) {
			return false
		}
	}
	return true
}

// checkNative returns why rest is not a valid native action for cloud, or "".
func checkNative(cloud, rest string) string {
	switch cloud {
	case CloudAWS:
		svc, name, ok := strings.Cut(rest, ":")
		if !ok || !all(svc, isLowerDash) || !all(name, isActionName) {
			return fmt.Sprintf(`malformed AWS action %s: want "aws:<service>:<Action>" such as "aws:ec2:RunInstances" (service [a-z0-9-], action [A-Za-z0-9*?])`, quote("aws:"+rest))
		}
	case CloudOutscale:
		prefix, call, ok := strings.Cut(rest, ":")
		if !ok || !all(prefix, isLower) || !all(call, isActionName) {
			return fmt.Sprintf(`malformed Outscale action %s: want "outscale:<prefix>:<Call>" such as "outscale:api:ReadVms" (prefix [a-z], call [A-Za-z0-9*?])`, quote("outscale:"+rest))
		}
	case CloudOVH:
		if !all(rest, isOVHAction) || !strings.Contains(rest, ":") ||
			rest[0] == ':' || rest[len(rest)-1] == ':' || strings.Contains(rest, "::") {
			return fmt.Sprintf(`malformed OVHcloud action %s: want "ovh:<action>" such as "ovh:publicCloudProject:openstack:infrastructureSupervisor" (characters [A-Za-z0-9:/_.*-], colon-separated, no empty part)`, quote("ovh:"+rest))
		}
	case CloudOpenStack:
		st, rest2, ok1 := strings.Cut(rest, ":")
		method, path, ok2 := strings.Cut(rest2, ":")
		if !ok1 || !ok2 || !all(st, isLowerDash) || !httpMethod(method) ||
			!all(path, isKeystonePath) || path[0] != '/' {
			return fmt.Sprintf(`malformed OpenStack action %s: want "openstack:<service-type>:<METHOD>:<path>" such as "openstack:compute:GET:/v2.1/servers" (METHOD GET, HEAD, POST, PUT, PATCH, DELETE or *; path starting with "/", characters [A-Za-z0-9/_.{}*-])`, quote("openstack:"+rest))
		}
	default:
		return fmt.Sprintf("unknown cloud %s", quote(cloud))
	}
	return ""
}

func httpMethod(m string) bool {
	switch m {
	case "GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "*":
		return true
	}
	return false
}

// ResourceKind classifies a Resource.
type ResourceKind string

// The kinds of resources.
const (
	// ResourceAny is "*": every resource.
	ResourceAny ResourceKind = "any"
	// ResourceProject is "project/<id>": everything in one project or
	// account.
	ResourceProject ResourceKind = "project"
	// ResourcePortable is a portable reference "<service>:<type>/<path>",
	// such as "objectstorage:bucket/logs".
	ResourcePortable ResourceKind = "portable"
	// ResourceNative is a native ARN, ORN or URN kept verbatim.
	ResourceNative ResourceKind = "native"
)

// Kind classifies r, or returns "" when r is not a valid resource.
func (r Resource) Kind() ResourceKind {
	switch {
	case r == "*":
		return ResourceAny
	case checkResource(r) != "":
		return ""
	case strings.HasPrefix(string(r), "project/"):
		return ResourceProject
	case isNativeResource(string(r)):
		return ResourceNative
	}
	return ResourcePortable
}

// Project reports whether r is "project/<id>" and returns the id.
func (r Resource) Project() (id string, ok bool) {
	if r.Kind() != ResourceProject {
		return "", false
	}
	return string(r[len("project/"):]), true
}

// Reference reports whether r is a portable reference
// "<service>:<type>/<path>" and returns its parts: for
// "objectstorage:object/logs/*", ObjectStorage, "object" and "logs/*".
func (r Resource) Reference() (s Service, typ, path string, ok bool) {
	if r.Kind() != ResourcePortable {
		return "", "", "", false
	}
	svc, rest, _ := strings.Cut(string(r), ":")
	typ, path, _ = strings.Cut(rest, "/")
	return Service(svc), typ, path, true
}

func isNativeResource(s string) bool {
	return strings.HasPrefix(s, "arn:") || strings.HasPrefix(s, "orn:") || strings.HasPrefix(s, "urn:")
}

// printable reports whether s is non-empty valid UTF-8 without whitespace
// or control characters.
func printable(s string) bool {
	if s == "" || !utf8.ValidString(s) {
		return false
	}
	for _, r := range s {
		if unicode.IsSpace(r) || unicode.IsControl(r) || r == utf8.RuneError {
			return false
		}
	}
	return true
}

// checkResource returns why r is not a valid resource, or "".
func checkResource(r Resource) string {
	s := string(r)
	switch {
	case s == "":
		return "must not be empty"
	case s == "*":
		return ""
	case strings.HasPrefix(s, "project/"):
		if !all(s[len("project/"):], isProjectID) {
			return fmt.Sprintf(`malformed project %s: want "project/<id>" with an id of [A-Za-z0-9_-]`, quote(s))
		}
		return ""
	case isNativeResource(s):
		if len(s) == 4 || !printable(s[4:]) {
			return fmt.Sprintf("malformed native resource %s: want a non-empty name without spaces or control characters after %q", quote(s), s[:4])
		}
		return ""
	}
	svc, rest, ok := strings.Cut(s, ":")
	if !ok {
		return fmt.Sprintf(`%s is not a resource: want "*", "project/<id>", "<service>:<type>/<path>" or a native ARN, ORN or URN`, quote(s))
	}
	if _, known := lookupService(svc); !known || svc == "*" || Service(svc) != mustService(svc) {
		return fmt.Sprintf("unknown service %s in resource (want compute, blockstorage, objectstorage, network, image or iam, in lower case)", quote(svc))
	}
	typ, path, ok := strings.Cut(rest, "/")
	if !ok || typ == "" || !isLower(typ[0]) || !all(typ, isLowerDash) || !printable(path) {
		return fmt.Sprintf(`malformed resource %s: want "<service>:<type>/<path>" such as "objectstorage:bucket/logs" (type [a-z][a-z0-9-]*, non-empty path without spaces)`, quote(s))
	}
	return ""
}

// mustService returns the canonical spelling of a known service.
func mustService(s string) Service {
	v, _ := lookupService(s)
	return v
}
