// Command fullcontrol creates a service account with full control of the
// account, for a management tool that drives everything (the RightScale
// guide: group "RightScaleDash" with a "*" policy, user "rsdash" with a key).
// It is still better than handing over the root keys: the key can be
// rotated and revoked on its own, and the tool's calls are audited as its own.
//
// It runs on memory:// (the default) and on every cloud, exactly on AWS
// and Outscale and narrowed elsewhere: on OVHcloud it grants the account
// and the Public Cloud projects only, and on OpenStack the project's
// compute, image, volume, network and object storage services but not
// identity management (which would take the admin role).
package main

import (
	"github.com/iamkit/iamkit/examples/internal/scenario"
	"github.com/iamkit/iamkit/iam"
	"github.com/iamkit/iamkit/policy"
)

var example = scenario.Scenario{
	Title: "full control for a management tool (RightScale guide)",
	Account: iam.ServiceAccount{
		User:       "rsdash",
		Group:      "RightScaleDash",
		PolicyName: "FullControl",
		Policy:     policy.FullControl(),
	},
	Allowed: []scenario.Call{{Action: "compute:Write"}, {Action: "iam:Permissions"}, {Action: "aws:ec2:RunInstances"}},
}

func main() { scenario.Main(example) }
