// Command ec2s3 creates a group with full access to EC2 and S3 and nothing
// else, and a user in it with a key (the boto guide's EC2/S3 group).
//
// It runs on memory:// (the default) and on AWS. The policy is native to
// AWS: Outscale refuses it, and on OVHcloud and OpenStack it would grant
// nothing, so the example refuses to provision there.
package main

import (
	"github.com/iamkit/iamkit/examples/internal/scenario"
	"github.com/iamkit/iamkit/iam"
	"github.com/iamkit/iamkit/policy"
)

var example = scenario.Scenario{
	Title: "full EC2 and S3, nothing else (boto guide)",
	Account: iam.ServiceAccount{
		User:   "ec2s3-user",
		Group:  "ec2s3",
		Policy: policy.EC2AndS3(),
	},
	Allowed: []scenario.Call{{Action: "aws:ec2:RunInstances"}, {Action: "aws:s3:PutObject", Resource: "arn:aws:s3:::bucket/key"}},
	Refused: []scenario.Call{{Action: "aws:iam:CreateUser"}, {Action: "aws:sdb:Select"}},
}

func main() { scenario.Main(example) }
