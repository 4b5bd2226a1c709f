// Command iamadmin creates an admin group allowed every identity-management
// action and nothing else, to delegate user management (the boto guide's
// admin group).
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
