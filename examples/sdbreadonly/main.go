// Command sdbreadonly gives an application running on EC2 read-only access
// to one SimpleDB domain: GetAttributes and Select on that domain only, so
// that stolen credentials can do no damage (the boto guide).
//
// It runs on memory:// (the default) and on AWS. The policy is native to
// AWS and names one domain: Outscale refuses it (it cannot scope a policy
// to a resource), and on OVHcloud and OpenStack it would grant nothing, so
// the example refuses to provision there.
//
//	go run ./examples/sdbreadonly -provider 'aws://?region=us-east-1' -account 123456789012 -domain appconfig
//
// Flags, besides -provider and -deprovision:
//
//	-region R    the domain's AWS region (default us-east-1)
//	-account ID  the 12-digit AWS account that holds the domain (default 123456789012)
//	-domain NAME the SimpleDB domain (default appconfig)
package main

import (
	"flag"

	"github.com/iamkit/iamkit/examples/internal/scenario"
	"github.com/iamkit/iamkit/iam"
	"github.com/iamkit/iamkit/policy"
)

// The guide's placeholders, the flags' defaults.
const (
	defaultRegion  = "us-east-1"
	defaultAccount = "123456789012"
	defaultDomain  = "appconfig"
)

var example = readers(defaultRegion, defaultAccount, defaultDomain)

// readers is the scenario for one SimpleDB domain.
func readers(region, account, domain string) scenario.Scenario {
	arn := "arn:aws:sdb:" + region + ":" + account + ":domain/" + domain
	return scenario.Scenario{
		Title: "read-only access to one SimpleDB domain (boto guide)",
		Account: iam.ServiceAccount{
			User:   "app-reader",
			Group:  "sdb-readers",
			Policy: policy.SimpleDBReadOnly(region, account, domain),
		},
		Allowed: []scenario.Call{{Action: "aws:sdb:Select", Resource: arn}, {Action: "aws:sdb:GetAttributes", Resource: arn}},
		Refused: []scenario.Call{
			{Action: "aws:sdb:PutAttributes", Resource: arn},
			{Action: "aws:sdb:Select", Resource: "arn:aws:sdb:" + region + ":" + account + ":domain/other"},
		},
	}
}

func main() {
	region := flag.String("region", defaultRegion, "the SimpleDB domain's AWS region")
	account := flag.String("account", defaultAccount, "the 12-digit AWS account ID that holds the domain")
	domain := flag.String("domain", defaultDomain, "the SimpleDB domain the account may read")
	scenario.MainFunc(func() scenario.Scenario { return readers(*region, *account, *domain) })
}
