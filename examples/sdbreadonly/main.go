// Command sdbreadonly gives an application running on EC2 read-only access
// to one SimpleDB domain: GetAttributes and Select on that domain only, so
// that stolen credentials can do no damage (the boto guide).
package main

import (
	"github.com/iamkit/iamkit/examples/internal/scenario"
	"github.com/iamkit/iamkit/iam"
	"github.com/iamkit/iamkit/policy"
)

const domain = "arn:aws:sdb:us-east-1:123456789012:domain/appconfig"

var example = scenario.Scenario{
	Title: "read-only access to one SimpleDB domain (boto guide)",
	Account: iam.ServiceAccount{
		User:   "app-reader",
		Group:  "sdb-readers",
		Policy: policy.SimpleDBReadOnly("us-east-1", "123456789012", "appconfig"),
	},
	Allowed: []scenario.Call{{Action: "aws:sdb:Select", Resource: domain}, {Action: "aws:sdb:GetAttributes", Resource: domain}},
	Refused: []scenario.Call{
		{Action: "aws:sdb:PutAttributes", Resource: domain},
		{Action: "aws:sdb:Select", Resource: "arn:aws:sdb:us-east-1:123456789012:domain/other"},
	},
}

func main() { scenario.Main(example) }
