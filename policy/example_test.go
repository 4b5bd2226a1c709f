package policy_test

import (
	"encoding/json"
	"errors"
	"fmt"
	"net/netip"
	"os"
	"time"

	"github.com/iamkit/iamkit/policy"
)

func ExampleParse() {
	doc, err := policy.Parse([]byte(`{
		"Version": "iamkit/1",
		"Statement": [{
			"Sid": "ro",
			"Effect": "Allow",
			"Action": ["compute:read", "compute:List"],
			"Resource": "*"
		}]
	}`))
	if err != nil {
		fmt.Println(err)
		return
	}
	s := doc.Statements[0]
	fmt.Println(s.Sid, s.Effect, s.Actions, s.Resources)

	// Parse is strict, and says where the problem is.
	_, err = policy.Parse([]byte(`{"Statement":[{"Sid":"ro","Effect":"Allow","Action":["compute:Read","compte:Read"],"Resource":"*"}]}`))
	fmt.Println(err)
	fmt.Println(errors.Is(err, policy.ErrInvalid))
	// Output:
	// ro Allow [compute:Read compute:List] [*]
	// policy: statement 0 ("ro"): Action[1]: unknown service "compte" (want compute, blockstorage, objectstorage, network, image, iam or *, or a native action starting with aws:, outscale:, ovh: or openstack:)
	// true
}

func ExampleDocument_MarshalJSON() {
	doc := policy.Build(
		policy.Allowing("objectstorage:Read", "objectstorage:List").
			On("objectstorage:bucket/logs", "objectstorage:object/logs/*").
			FromNetworks("203.0.113.0/24").
			Named("ReadLogs"),
	)
	out, err := json.MarshalIndent(doc, "", "  ")
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(string(out))
	// Output:
	// {
	//   "Version": "iamkit/1",
	//   "Statement": [
	//     {
	//       "Sid": "ReadLogs",
	//       "Effect": "Allow",
	//       "Action": [
	//         "objectstorage:Read",
	//         "objectstorage:List"
	//       ],
	//       "Resource": [
	//         "objectstorage:bucket/logs",
	//         "objectstorage:object/logs/*"
	//       ],
	//       "Condition": {
	//         "IpAddress": {
	//           "iamkit:SourceIp": [
	//             "203.0.113.0/24"
	//           ]
	//         }
	//       }
	//     }
	//   ]
	// }
}

func ExampleEvaluate() {
	doc := policy.Build(
		policy.Allowing("compute:List", "compute:Read").Named("ReadVMs"),
		policy.Allowing("compute:Write").
			When(policy.StringEquals, policy.KeyResourceTagPrefix+"CreatedBy", "tool").
			Named("ManageOwnVMs"),
		policy.Denying("aws:ec2:TerminateInstances").Named("NeverTerminate"),
	)
	requests := []policy.Request{
		{Action: "compute:Read", NativeAction: "aws:ec2:DescribeInstances"},
		{Action: "compute:Write", NativeAction: "aws:ec2:StopInstances", Resource: "compute:instance/i-1",
			ResourceTags: map[string]string{"CreatedBy": "tool"}},
		{Action: "compute:Write", NativeAction: "aws:ec2:StopInstances", Resource: "compute:instance/i-2"},
		{Action: "compute:Write", NativeAction: "aws:ec2:TerminateInstances", Resource: "compute:instance/i-1",
			ResourceTags: map[string]string{"CreatedBy": "tool"}},
	}
	for _, req := range requests {
		fmt.Printf("%s on %q: %v\n", req.NativeAction, req.Resource, policy.Evaluate(req, doc))
	}
	// Output:
	// aws:ec2:DescribeInstances on "": allowed by document 0, statement 0 (Sid "ReadVMs")
	// aws:ec2:StopInstances on "compute:instance/i-1": allowed by document 0, statement 1 (Sid "ManageOwnVMs")
	// aws:ec2:StopInstances on "compute:instance/i-2": denied: no statement allows it
	// aws:ec2:TerminateInstances on "compute:instance/i-1": denied by document 0, statement 2 (Sid "NeverTerminate")
}

func ExampleEvaluate_conditions() {
	window := policy.Build(policy.Allowing("objectstorage:*").
		On("objectstorage:object/backups/*").
		FromNetworks("203.0.113.0/24").
		Between(time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC), time.Date(2026, 12, 31, 23, 59, 59, 0, time.UTC)))
	req := policy.Request{
		Action:   "objectstorage:Write",
		Resource: "objectstorage:object/backups/db.tar",
		SourceIP: netip.MustParseAddr("203.0.113.10"),
		Time:     time.Date(2026, 6, 1, 12, 0, 0, 0, time.UTC),
	}
	fmt.Println(policy.Evaluate(req, window).Allowed)
	req.Time = req.Time.AddDate(1, 0, 0) // the window has closed
	fmt.Println(policy.Evaluate(req, window).Allowed)
	// Output:
	// true
	// false
}

func ExampleLint() {
	doc := policy.Build(
		policy.Allowing("compute:Read").Named("Read"),
		policy.Allowing("aws:iam:*").Named("Keys"),
	)
	for _, f := range policy.Lint(doc) {
		fmt.Println(f.Severity, f.Code, f.Statement)
		fmt.Println("  ", f.Message)
		fmt.Println("  ", f.Fix)
	}
	// Output:
	// SECURITY_WARNING privilege-escalation 1
	//    The statement allows privilege escalation: aws:iam:CreateAccessKey, aws:iam:CreateLoginProfile, aws:iam:UpdateLoginProfile, aws:iam:AttachUserPolicy and 10 more let an identity grant itself or others more rights.
	//    Remove these actions, or scope Resource to the identities this tool manages and deny the escalation actions in a separate Deny statement.
	// WARNING write-all-resources 1
	//    The statement allows changes (aws:iam:*) to every resource.
	//    Restrict Resource to the resources the tool manages (a project, a bucket, an ARN prefix), or add a resource tag condition.
}

func ExampleValidate() {
	doc := policy.Document{Statements: []policy.Statement{
		{Effect: "Permit", Actions: []policy.Action{"compute:Read"}},
	}}
	err := policy.Validate(doc)
	fmt.Println(err)
	var pe *policy.Error
	if errors.As(err, &pe) {
		fmt.Printf("first problem: statement %d, field %s\n", pe.Statement, pe.Field)
	}
	// Output:
	// policy: statement 0: Effect: "Permit" is not an effect: want "Allow" or "Deny"
	// policy: statement 0: Resource: missing: a statement needs Resource or NotResource (use "*" for every resource)
	// first problem: statement 0, field Effect
}

func ExampleAction_Portable() {
	for _, a := range []policy.Action{"Compute:read", "*:List", "aws:ec2:RunInstances"} {
		svc, level, ok := a.Portable()
		cloud, name, native := a.Native()
		fmt.Printf("%-22s portable=%v %q %q  native=%v %q %q\n", a, ok, svc, level, native, cloud, name)
	}
	// Output:
	// Compute:read           portable=true "compute" "Read"  native=false "" ""
	// *:List                 portable=true "*" "List"  native=false "" ""
	// aws:ec2:RunInstances   portable=false "" ""  native=true "aws" "ec2:RunInstances"
}

func Example_roundTrip() {
	data, _ := os.ReadFile("testdata/readonly-compute.json")
	doc, err := policy.Parse(data)
	if err != nil {
		fmt.Println(err)
		return
	}
	out, _ := json.Marshal(doc)
	fmt.Println(string(out))
	// Output:
	// {"Version":"iamkit/1","Statement":[{"Sid":"ReadVMs","Effect":"Allow","Action":["compute:List","compute:Read"],"Resource":["*"]}]}
}
