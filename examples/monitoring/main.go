// Command monitoring gives a monitoring tool read-only access to the state
// of the VMs: a "monitoring" group with a read-only policy, a user
// "watcher_1" in it and an access key, as in Outscale's EIM guide (there the
// policy is "api:Read*").
//
//	go run ./examples/monitoring                      # on the in-memory provider
//	go run ./examples/monitoring -provider 'outscale://eu-west-2?profile=default'
//
// It runs on memory://, AWS, Outscale and OpenStack. On Outscale it is
// narrowed: ReadTags, which reads the tags of volumes, images and networks
// too, is left out. OVHcloud refuses it: its roles read the compute
// resources only together with images, volumes and networks (see the
// ovhsupervisor example, which asks for all four).
package main

import (
	"github.com/iamkit/iamkit/examples/internal/scenario"
	"github.com/iamkit/iamkit/iam"
	"github.com/iamkit/iamkit/policy"
)

var example = scenario.Scenario{
	Title: "read-only monitoring of VMs (Outscale EIM guide)",
	Account: iam.ServiceAccount{
		User:        "watcher_1",
		Group:       "monitoring",
		Policy:      policy.ReadOnly(policy.Compute),
		Description: "Allows Read calls",
	},
	Allowed: []scenario.Call{{Action: "compute:Read"}, {Action: "compute:List"}},
	Refused: []scenario.Call{{Action: "compute:Write"}, {Action: "objectstorage:List"}},
}

func main() { scenario.Main(example) }
