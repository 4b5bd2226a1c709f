// Command iamadmin creates an admin group allowed every identity-management
// action and nothing else, to delegate user management (the boto guide's
// admin group).
//
// It runs on memory:// (the default), AWS, Outscale and OVHcloud (narrowed
// there: no OVHcloud action tags identities, so iam:Tag is not granted).
// On OpenStack it would grant nothing, so the example refuses to provision
// there: Keystone does not restrict its own API by access rules, so
// identity management would take the admin role, which grants everything.
package main

import (
	"github.com/iamkit/iamkit/examples/internal/scenario"
	"github.com/iamkit/iamkit/iam"
	"github.com/iamkit/iamkit/policy"
)

var example = scenario.Scenario{
	Title: "identity administration only (boto guide)",
	Account: iam.ServiceAccount{
		User:   "iam-admin",
		Group:  "admins",
		Policy: policy.IAMAdmin(),
	},
	Allowed: []scenario.Call{{Action: "iam:Write"}, {Action: "iam:Permissions"}},
	Refused: []scenario.Call{{Action: "compute:Read"}, {Action: "objectstorage:Write"}},
}

func main() { scenario.Main(example) }
