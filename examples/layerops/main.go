// Command layerops creates the identity a platform such as LayerOps asks
// for on AWS: EC2 reads, the creation of what it deploys, and changes to
// existing resources only where their CreatedBy tag, if present, is "user".
//
// It runs on memory:// (the default) and on AWS. The policy is native to
// AWS: Outscale refuses it (it has no conditions to check the tag with),
// and on OVHcloud and OpenStack it would grant nothing, so the example
// refuses to provision there.
package main

import (
	"github.com/iamkit/iamkit/examples/internal/scenario"
	"github.com/iamkit/iamkit/iam"
	"github.com/iamkit/iamkit/policy"
)

var example = scenario.Scenario{
	Title: "LayerOps platform access on AWS",
	Account: iam.ServiceAccount{
		User:   "layerops",
		Group:  "layerops",
		Policy: policy.LayerOpsOperator(),
	},
	Allowed: []scenario.Call{
		{Action: "aws:ec2:DescribeInstances"},
		{Action: "aws:ec2:TerminateInstances", Tags: map[string]string{"CreatedBy": "user"}},
		{Action: "aws:ec2:DeleteVolume"},
	},
	Refused: []scenario.Call{
		{Action: "aws:ec2:TerminateInstances", Tags: map[string]string{"CreatedBy": "someone-else"}},
		{Action: "aws:s3:ListAllMyBuckets"},
	},
}

func main() { scenario.Main(example) }
