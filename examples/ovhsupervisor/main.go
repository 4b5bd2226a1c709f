// Command ovhsupervisor creates a service account that may read the
// compute, image, volume and network resources of one OVHcloud Public Cloud
// project (OVHcloud's infrastructureSupervisor right) and nothing else:
// object storage answers 403, as in the OVHcloud service-account guide.
// On OVHcloud service accounts cannot join groups, so the policy names the
// account directly.
package main

import (
	"github.com/iamkit/iamkit/examples/internal/scenario"
	"github.com/iamkit/iamkit/iam"
	"github.com/iamkit/iamkit/policy"
)

const project = "project/0f0f0f0f0f0f0f0f0f0f0f0f0f0f0f0f"

var example = scenario.Scenario{
	Title: "read a Public Cloud project's infrastructure (OVHcloud guide)",
	Account: iam.ServiceAccount{
		User:        "supervisor",
		PolicyName:  "Demo-service-account",
		Description: "Demo for service account guide with openstack",
		Policy:      policy.OVHInfrastructureSupervisor("0f0f0f0f0f0f0f0f0f0f0f0f0f0f0f0f"),
	},
	Allowed: []scenario.Call{{Action: "compute:List", Resource: project}, {Action: "network:Read", Resource: project}},
	Refused: []scenario.Call{{Action: "objectstorage:List", Resource: project}, {Action: "compute:Write", Resource: project}},
}

func main() { scenario.Main(example) }
