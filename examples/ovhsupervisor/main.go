// Command ovhsupervisor creates a service account that may read the
// compute, image, volume and network resources of one OVHcloud Public Cloud
// project (OVHcloud's infrastructureSupervisor right) and nothing else:
// object storage answers 403, as in the OVHcloud service-account guide.
// On OVHcloud service accounts cannot join groups, so the policy names the
// account directly.
//
// It runs on memory:// (the default) and on OVHcloud; on OpenStack too when
// -project is the ID of the provider's project (elsewhere it would grant
// nothing, and the example refuses to provision). AWS and Outscale refuse
// the policy: it names a Public Cloud project, which they do not have.
//
//	go run ./examples/ovhsupervisor -provider ovh://ovh-eu -project PROJECT_ID
//
// Flags, besides -provider and -deprovision:
//
//	-project ID  the Public Cloud project (OpenStack project ID) to read
//	             (default 0f0f0f0f0f0f0f0f0f0f0f0f0f0f0f0f, the guide's placeholder)
package main

import (
	"flag"

	"github.com/iamkit/iamkit/examples/internal/scenario"
	"github.com/iamkit/iamkit/iam"
	"github.com/iamkit/iamkit/policy"
)

// defaultProject is the guide's placeholder, the flag's default.
const defaultProject = "0f0f0f0f0f0f0f0f0f0f0f0f0f0f0f0f"

var example = supervisor(defaultProject)

// supervisor is the scenario for Public Cloud project id.
func supervisor(id string) scenario.Scenario {
	project := "project/" + id
	return scenario.Scenario{
		Title: "read a Public Cloud project's infrastructure (OVHcloud guide)",
		Account: iam.ServiceAccount{
			User:        "supervisor",
			PolicyName:  "Demo-service-account",
			Description: "Demo for service account guide with openstack",
			Policy:      policy.OVHInfrastructureSupervisor(id),
		},
		Allowed: []scenario.Call{{Action: "compute:List", Resource: project}, {Action: "network:Read", Resource: project}},
		Refused: []scenario.Call{{Action: "objectstorage:List", Resource: project}, {Action: "compute:Write", Resource: project}},
	}
}

func main() {
	project := flag.String("project", defaultProject, "ID of the Public Cloud project (OpenStack project) the account may read")
	scenario.MainFunc(func() scenario.Scenario { return supervisor(*project) })
}
