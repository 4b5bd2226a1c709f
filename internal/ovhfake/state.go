package ovhfake

import (
	"encoding/json"
	"strings"
	"time"

	"github.com/iamkit/iamkit/internal/wildcard"
)

// state is the account's data. Guarded by Server.mu.
type state struct {
	created  time.Time
	clients  map[string]*oauthClient
	clientIx []string // creation order
	users    map[string]*localUser
	groups   map[string]*localGroup
	policies map[string]*policy
	polIx    []string // creation order
	tokens   map[string]tokenInfo
	pats     map[string]map[string]*pat // by login, then token name
	patIx    map[string]*pat            // by token value
	revoked  map[string]bool            // values of deleted PATs
	// roles holds the role of each default group (defaultGroups), which
	// the API cannot change and Server.SetGroupRole can.
	roles map[string]string
}

type tokenInfo struct {
	who     caller
	expires time.Time
}

type oauthClient struct {
	ClientID     string    `json:"clientId"`
	Name         string    `json:"name"`
	Description  string    `json:"description"`
	Flow         string    `json:"flow"`
	CallbackURLs []string  `json:"callbackUrls"`
	CreatedAt    time.Time `json:"createdAt"`
	Identity     string    `json:"identity"`
	secret       string
}

type localUser struct {
	Login       string    `json:"login"`
	Description string    `json:"description"`
	Email       *string   `json:"email"`
	Group       string    `json:"group"`
	Status      string    `json:"status"`
	Type        string    `json:"type"`
	Creation    time.Time `json:"creation"`
	LastUpdate  time.Time `json:"lastUpdate"`
	URN         string    `json:"urn"`
}

type localGroup struct {
	Name         string    `json:"name"`
	Description  *string   `json:"description"`
	Role         string    `json:"role"`
	DefaultGroup bool      `json:"defaultGroup"`
	Creation     time.Time `json:"creation"`
	LastUpdate   time.Time `json:"lastUpdate"`
	URN          string    `json:"urn"`
}

type actionRef struct {
	Action string `json:"action"`
}

type urnRef struct {
	URN string `json:"urn"`
}

type permissions struct {
	Allow  []actionRef `json:"allow,omitempty"`
	Except []actionRef `json:"except,omitempty"`
	Deny   []actionRef `json:"deny,omitempty"`
}

// policyBody is iam.policy.Creation / iam.policy.Update.
type policyBody struct {
	Name              string          `json:"name"`
	Description       *string         `json:"description,omitempty"`
	Identities        []string        `json:"identities"`
	Resources         []urnRef        `json:"resources"`
	Permissions       permissions     `json:"permissions"`
	PermissionsGroups []urnRef        `json:"permissionsGroups"`
	Conditions        json.RawMessage `json:"conditions,omitempty"`
	ExpiredAt         *time.Time      `json:"expiredAt,omitempty"`
}

// policy is iam.policy.Response.
type policy struct {
	ID string `json:"id"`
	policyBody
	Owner     string     `json:"owner"`
	ReadOnly  bool       `json:"readOnly"`
	CreatedAt time.Time  `json:"createdAt"`
	UpdatedAt *time.Time `json:"updatedAt,omitempty"`
}

// defaultGroups exist in every account and cannot be edited or deleted
// through the API. Their roles are the fake's reading (the documents do
// not give them): ADMIN, REGULAR and UNPRIVILEGED have the role of their
// name, DEFAULT has NONE.
var defaultGroups = []struct{ name, role string }{
	{"ADMIN", "ADMIN"}, {"DEFAULT", "NONE"}, {"REGULAR", "REGULAR"}, {"UNPRIVILEGED", "UNPRIVILEGED"},
}

func (st *state) init(now time.Time) {
	st.created = now.UTC()
	st.clients = map[string]*oauthClient{}
	st.users = map[string]*localUser{}
	st.groups = map[string]*localGroup{}
	st.policies = map[string]*policy{}
	st.tokens = map[string]tokenInfo{}
	st.pats = map[string]map[string]*pat{}
	st.patIx = map[string]*pat{}
	st.revoked = map[string]bool{}
	st.roles = map[string]string{}
	for _, d := range defaultGroups {
		st.roles[d.name] = d.role
	}
}

// roleRights is the reach of the OpenStack role actions, from the table of
// OVHcloud's guide "Use service accounts to connect to OpenStack". The
// rights are the guide's column names; the fake names them
// publicCloudProject:openstack:<right> so that an authorization check can
// ask about them (a convention of this fake, not OVHcloud actions). The
// guide's text rendering lost empty cells: the counts per row are the
// guide's, the columns of backupOperator, computeOperator and
// networkOperator are the most plausible reading.
var roleRights = map[string][]string{
	"administrator": {"compute_manage", "compute_snapshot_manage", "compute_read", "objectstore_all", "image_manage", "image_read", "image_import",
		"volume_manage", "volume_snapshot_manage", "volume_read", "network_manage", "network_read", "network_secgroup_manage", "network_secgroup_read"},
	"backupOperator":           {"compute_snapshot_manage", "compute_read", "image_read", "volume_snapshot_manage", "volume_read", "objectstore_all"},
	"computeOperator":          {"compute_manage", "compute_snapshot_manage", "compute_read", "image_read", "volume_read", "network_read", "network_secgroup_read"},
	"imageOperator":            {"image_manage", "image_read", "image_import"},
	"infrastructureSupervisor": {"compute_read", "image_read", "volume_read", "network_read", "network_secgroup_read"},
	"networkOperator":          {"network_manage", "network_read", "network_secgroup_read"},
	"networkSecurityOperator":  {"network_secgroup_manage", "network_secgroup_read"},
	"objectstoreOperator":      {"objectstore_all"},
	"volumeOperator":           {"volume_manage", "volume_snapshot_manage", "volume_read"},
	"aiTrainingOperator":       {"ai_training_all", "ai_training_read"},
	"aiTrainingRead":           {"ai_training_read"},
}

// RoleRights returns the rights (as publicCloudProject:openstack:<right>
// actions, a convention of this fake) that an OpenStack role action such
// as publicCloudProject:openstack:infrastructureSupervisor grants, or nil.
func RoleRights(roleAction string) []string {
	kind, name, ok := strings.Cut(strings.TrimPrefix(roleAction, "publicCloudProject:"), ":")
	if !ok || (kind != "openstack" && kind != "ai") {
		return nil
	}
	var out []string
	for _, r := range roleRights[name] {
		out = append(out, "publicCloudProject:openstack:"+r)
	}
	return out
}

// actionMatches reports whether a policy's action pattern covers action:
// IAM wildcards, or a role action covering one of its rights.
func actionMatches(pattern, action string) bool {
	if wildcard.Match(pattern, action, false) {
		return true
	}
	for _, r := range RoleRights(pattern) {
		if r == action {
			return true
		}
	}
	return false
}

func anyAction(refs []actionRef, action string) bool {
	for _, a := range refs {
		if actionMatches(a.Action, action) {
			return true
		}
	}
	return false
}

// allowed evaluates the stored policies for identities acting on
// resource: a deny wins, then an allow not excepted by its own policy;
// expired policies are ignored. Conditions are not evaluated (a policy
// with conditions never allows, the stricter reading). Under Server.mu.
func (st *state) allowed(identities []string, resource, action string, now time.Time) bool {
	allow := false
	for _, id := range st.polIx {
		p := st.policies[id]
		if p.ExpiredAt != nil && !now.Before(*p.ExpiredAt) {
			continue
		}
		if !p.names(identities) || !p.covers(resource) {
			continue
		}
		if anyAction(p.Permissions.Deny, action) {
			return false
		}
		if len(p.Conditions) > 0 && string(p.Conditions) != "null" {
			continue
		}
		if anyAction(p.Permissions.Allow, action) && !anyAction(p.Permissions.Except, action) {
			allow = true
		}
	}
	return allow
}

func (p *policy) names(identities []string) bool {
	for _, a := range p.Identities {
		for _, b := range identities {
			if a == b {
				return true
			}
		}
	}
	return false
}

func (p *policy) covers(resource string) bool {
	for _, r := range p.Resources {
		if wildcard.Match(r.URN, resource, false) {
			return true
		}
	}
	return false
}
