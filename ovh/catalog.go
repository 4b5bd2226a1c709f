package ovh

//go:generate go run ./internal/gencatalog -specs ../../shared/specs/ovh -o catalog_gen.go

import (
	"slices"
	"strings"

	"github.com/iamkit/iamkit/policy"
)

// A right is one column of the table of OpenStack rights in OVHcloud's
// service-account guide: what OpenStack lets an identity do once IAM grants
// it a role action ("Nova: compute_read").
type right struct {
	// Name is the column's name, such as "compute_read".
	Name string
	// Component is the OpenStack component: Nova, Swift, Glance, Cinder,
	// Neutron or AI Training.
	Component string
	// Levels are the portable levels of Service the right grants; empty
	// for a right that no portable action names (AI Training).
	Service policy.Service
	Levels  []policy.Level
}

// The rights, in the guide's column order.
var rights = []right{
	{"compute_manage", "Nova", policy.Compute, []policy.Level{policy.Write, policy.Tag}},
	{"compute_snapshot_manage", "Nova", policy.Compute, []policy.Level{policy.Write}},
	{"compute_read", "Nova", policy.Compute, []policy.Level{policy.List, policy.Read}},
	{"objectstore_all", "Swift", policy.ObjectStorage, []policy.Level{policy.List, policy.Read, policy.Write, policy.Tag, policy.Permissions}},
	{"image_manage", "Glance", policy.Image, []policy.Level{policy.Write, policy.Tag}},
	{"image_read", "Glance", policy.Image, []policy.Level{policy.List, policy.Read}},
	{"image_import", "Glance", policy.Image, []policy.Level{policy.Write}},
	{"volume_manage", "Cinder", policy.BlockStorage, []policy.Level{policy.Write, policy.Tag}},
	{"volume_snapshot_manage", "Cinder", policy.BlockStorage, []policy.Level{policy.Write}},
	{"volume_read", "Cinder", policy.BlockStorage, []policy.Level{policy.List, policy.Read}},
	{"network_manage", "Neutron", policy.Network, []policy.Level{policy.Write, policy.Tag}},
	{"network_read", "Neutron", policy.Network, []policy.Level{policy.List, policy.Read}},
	{"network_secgroup_manage", "Neutron", policy.Network, []policy.Level{policy.Write}},
	{"network_secgroup_read", "Neutron", policy.Network, []policy.Level{policy.List, policy.Read}},
	{"ai_training_all", "AI Training", "", nil},
	{"ai_training_read", "AI Training", "", nil},
}

// Role is one of OVHcloud's Public Cloud role actions, with the OpenStack
// rights it grants on a project (the guide's table).
type Role struct {
	// Action is the IAM action, such as
	// "publicCloudProject:openstack:infrastructureSupervisor".
	Action string
	// Rights are the OpenStack rights it grants, such as "compute_read".
	Rights []string
}

// The role actions and their rights, from the table of the OVHcloud guide
// "How to use service accounts to connect to OpenStack". The text copy in
// shared/guides lost the cells' positions; every cell here was checked
// against the guide's Markdown source, where the table keeps one column
// per right (github.com/ovh/docs,
// pages/manage_and_operate/iam/authenticate-api-openstack-with-service-account/guide.*.md).
// No cell is inferred. backupOperator has image_read and image_import (not
// image_manage); computeOperator and networkOperator read networks and
// security groups but do not manage security groups.
var roles = []Role{
	{"publicCloudProject:openstack:administrator", []string{
		"compute_manage", "compute_snapshot_manage", "compute_read", "objectstore_all",
		"image_manage", "image_read", "image_import", "volume_manage", "volume_snapshot_manage",
		"volume_read", "network_manage", "network_read", "network_secgroup_manage", "network_secgroup_read"}},
	{"publicCloudProject:openstack:backupOperator", []string{
		"compute_snapshot_manage", "compute_read", "image_read", "image_import", "volume_snapshot_manage", "volume_read"}},
	{"publicCloudProject:openstack:computeOperator", []string{
		"compute_manage", "compute_snapshot_manage", "compute_read", "image_read", "volume_read",
		"network_read", "network_secgroup_read"}},
	{"publicCloudProject:openstack:imageOperator", []string{"image_manage", "image_read", "image_import"}},
	{"publicCloudProject:openstack:infrastructureSupervisor", []string{
		"compute_read", "image_read", "volume_read", "network_read", "network_secgroup_read"}},
	{"publicCloudProject:openstack:networkOperator", []string{"network_manage", "network_read", "network_secgroup_read"}},
	{"publicCloudProject:openstack:networkSecurityOperator", []string{"network_secgroup_manage", "network_secgroup_read"}},
	{"publicCloudProject:openstack:objectstoreOperator", []string{"objectstore_all"}},
	{"publicCloudProject:openstack:volumeOperator", []string{"volume_manage", "volume_snapshot_manage", "volume_read"}},
	{"publicCloudProject:ai:aiTrainingOperator", []string{"ai_training_all", "ai_training_read"}},
	{"publicCloudProject:ai:aiTrainingRead", []string{"ai_training_read"}},
}

// Roles returns OVHcloud's Public Cloud role actions and the OpenStack
// rights each grants. The slice is the caller's to keep.
func Roles() []Role {
	out := make([]Role, len(roles))
	for i, r := range roles {
		out[i] = Role{Action: r.Action, Rights: slices.Clone(r.Rights)}
	}
	return out
}

// A unit is the smallest thing the translator reasons about: one right at
// one portable level ("compute_read" at List). A right that no portable
// action names (AI Training) is one unit without a level.
type unit struct {
	Right   string
	Service policy.Service
	Level   policy.Level // "" for rights outside the portable vocabulary
}

// portable returns the unit's portable action, or "".
func (u unit) portable() string {
	if u.Level == "" {
		return ""
	}
	return string(policy.Portable(u.Service, u.Level))
}

// native names the unit as a native action of the portable model, for the
// catalog of calls: "ovh:openstack:compute_read/list".
func (u unit) native() string {
	s := "ovh:openstack:" + u.Right
	if u.Level != "" {
		s += "/" + strings.ToLower(string(u.Level))
	}
	return s
}

// describe names the unit for reports: "compute:List (Nova compute_read)".
func (u unit) describe() string {
	r := rightByName(u.Right)
	if u.Level == "" {
		return r.Component + " " + u.Right
	}
	return u.portable() + " (" + r.Component + " " + u.Right + ")"
}

// units lists every unit, in a fixed order.
var units = func() []unit {
	var out []unit
	for _, r := range rights {
		if len(r.Levels) == 0 {
			out = append(out, unit{Right: r.Name})
			continue
		}
		for _, l := range r.Levels {
			out = append(out, unit{Right: r.Name, Service: r.Service, Level: l})
		}
	}
	return out
}()

func rightByName(name string) right {
	for _, r := range rights {
		if r.Name == name {
			return r
		}
	}
	return right{Name: name}
}

// unitSet is a set of units as a bit set over units (fewer than 64).
type unitSet uint64

func (s unitSet) has(i int) bool          { return s&(1<<i) != 0 }
func (s unitSet) minus(o unitSet) unitSet { return s &^ o }
func (s unitSet) count() int {
	n := 0
	for ; s != 0; s &= s - 1 {
		n++
	}
	return n
}

// list returns the units of s, in order.
func (s unitSet) list() []unit {
	var out []unit
	for i, u := range units {
		if s.has(i) {
			out = append(out, u)
		}
	}
	return out
}

// roleUnits[i] is the set of units roles[i] grants.
var roleUnits = func() []unitSet {
	out := make([]unitSet, len(roles))
	for i, r := range roles {
		for j, u := range units {
			if slices.Contains(r.Rights, u.Right) {
				out[i] |= 1 << j
			}
		}
	}
	return out
}()

// roleIndex returns the index of a role action, or -1.
func roleIndex(action string) int {
	return slices.IndexFunc(roles, func(r Role) bool { return r.Action == action })
}

// apiCalls are a few OVHcloud API actions (from the shapes of
// /v2/iam/reference/action) that no portable action names: native ovh:
// actions reach them directly.
var apiCalls = []string{
	"publicCloudProject:apiovh:get",
	"publicCloudProject:apiovh:instance/get",
	"publicCloudProject:apiovh:instance/create",
	"publicCloudProject:apiovh:user/create",
}

// accountOp is one operation of the OVHcloud API that the portable iam
// service covers (accountOps, generated from the OpenAPI documents by
// internal/gencatalog): the account action its x-iam-actions annotation
// requires and the portable levels of the iam service it belongs to. An
// operation with several levels (changing a group changes what its
// members may do: Write and Permissions) belongs to all of them.
type accountOp struct {
	Method string
	Path   string
	Action string
	Levels []policy.Level
}

// An iamPair is one operation of accountOps at one of its levels: the
// smallest thing the translator grants or refuses on the account.
type iamPair struct {
	Op    int // index in accountOps
	Level policy.Level
}

// iamPairs lists every pair, in accountOps order.
var iamPairs = func() []iamPair {
	var out []iamPair
	for i, op := range accountOps {
		for _, l := range op.Levels {
			out = append(out, iamPair{i, l})
		}
	}
	return out
}()

// accountActions lists the distinct account actions of accountOps,
// sorted.
var accountActions = func() []string {
	var out []string
	for _, op := range accountOps {
		out = append(out, op.Action)
	}
	slices.Sort(out)
	return slices.Compact(out)
}()

// iamLevel reports whether some account action belongs to level l of the
// iam service.
func iamLevel(l policy.Level) bool {
	return slices.ContainsFunc(accountOps, func(op accountOp) bool { return slices.Contains(op.Levels, l) })
}

// AccountURN returns the URN of the OVHcloud account nic (its NIC handle,
// such as "xx1111-ovh") in region: the resource of account:apiovh:
// actions, as OVHcloud's own tools name it (AccountURN of /me).
func AccountURN(region, nic string) string {
	return "urn:v1:" + region + ":resource:account:" + nic
}
