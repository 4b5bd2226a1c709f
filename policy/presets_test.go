package policy_test

import (
	"encoding/json"
	"fmt"
	"reflect"
	"testing"
	"time"

	"github.com/iamkit/iamkit/policy"
)

func show(d policy.Document) {
	b, err := json.MarshalIndent(d, "", "  ")
	if err != nil {
		fmt.Println("error:", err)
		return
	}
	fmt.Println(string(b))
}

// The Outscale monitoring scenario: read the state of the VMs, nothing else.
func ExampleReadOnly() {
	show(policy.ReadOnly(policy.Compute))
	// Output:
	// {
	//   "Version": "iamkit/1",
	//   "Statement": [
	//     {
	//       "Sid": "ReadOnly",
	//       "Effect": "Allow",
	//       "Action": [
	//         "compute:List",
	//         "compute:Read"
	//       ],
	//       "Resource": [
	//         "*"
	//       ]
	//     }
	//   ]
	// }
}

// The RightScale scenario: a management tool that drives the whole account.
func ExampleFullControl() {
	show(policy.FullControl())
	// Output:
	// {
	//   "Version": "iamkit/1",
	//   "Statement": [
	//     {
	//       "Sid": "FullControl",
	//       "Effect": "Allow",
	//       "Action": [
	//         "*"
	//       ],
	//       "Resource": [
	//         "*"
	//       ]
	//     }
	//   ]
	// }
}

// The boto guide's admin group: identity management only.
func ExampleIAMAdmin() {
	show(policy.IAMAdmin())
	// Output:
	// {
	//   "Version": "iamkit/1",
	//   "Statement": [
	//     {
	//       "Sid": "IAMAdmin",
	//       "Effect": "Allow",
	//       "Action": [
	//         "iam:*"
	//       ],
	//       "Resource": [
	//         "*"
	//       ]
	//     }
	//   ]
	// }
}

// The boto guide's EC2 + S3 group, native to AWS.
func ExampleEC2AndS3() {
	show(policy.EC2AndS3())
	// Output:
	// {
	//   "Version": "iamkit/1",
	//   "Statement": [
	//     {
	//       "Sid": "EC2AndS3",
	//       "Effect": "Allow",
	//       "Action": [
	//         "aws:ec2:*",
	//         "aws:s3:*"
	//       ],
	//       "Resource": [
	//         "*"
	//       ]
	//     }
	//   ]
	// }
}

// The boto guide's read-only access to one SimpleDB domain.
func ExampleSimpleDBReadOnly() {
	show(policy.SimpleDBReadOnly("us-east-1", "123456789012", "appconfig"))
	// Output:
	// {
	//   "Version": "iamkit/1",
	//   "Statement": [
	//     {
	//       "Sid": "SimpleDBReadOnly",
	//       "Effect": "Allow",
	//       "Action": [
	//         "aws:sdb:GetAttributes",
	//         "aws:sdb:Select"
	//       ],
	//       "Resource": [
	//         "arn:aws:sdb:us-east-1:123456789012:domain/appconfig"
	//       ]
	//     }
	//   ]
	// }
}

// The OVHcloud guide's monitoring service account on one Public Cloud project.
func ExampleOVHInfrastructureSupervisor() {
	show(policy.OVHInfrastructureSupervisor("0f0f0f0f0f0f0f0f0f0f0f0f0f0f0f0f"))
	// Output:
	// {
	//   "Version": "iamkit/1",
	//   "Statement": [
	//     {
	//       "Sid": "InfrastructureSupervisor",
	//       "Effect": "Allow",
	//       "Action": [
	//         "compute:List",
	//         "compute:Read",
	//         "image:List",
	//         "image:Read",
	//         "blockstorage:List",
	//         "blockstorage:Read",
	//         "network:List",
	//         "network:Read"
	//       ],
	//       "Resource": [
	//         "project/0f0f0f0f0f0f0f0f0f0f0f0f0f0f0f0f"
	//       ]
	//     }
	//   ]
	// }
}

// A statement narrowed to a network and a validity window.
func ExampleStatement_Between() {
	s := policy.Allowing("objectstorage:Read").
		On("objectstorage:bucket/backups").
		FromNetworks("203.0.113.0/24").
		Between(time.Date(2026, 12, 1, 0, 0, 0, 0, time.UTC), time.Date(2027, 1, 1, 0, 0, 0, 0, time.UTC))
	b, _ := json.Marshal(policy.Build(s))
	fmt.Println(string(b))
	// Output:
	// {"Version":"iamkit/1","Statement":[{"Effect":"Allow","Action":["objectstorage:Read"],"Resource":["objectstorage:bucket/backups"],"Condition":{"DateGreaterThanEquals":{"iamkit:CurrentTime":["2026-12-01T00:00:00Z"]},"DateLessThanEquals":{"iamkit:CurrentTime":["2027-01-01T00:00:00Z"]},"IpAddress":{"iamkit:SourceIp":["203.0.113.0/24"]}}}]}
}

func TestPresetsAreValidAndRoundTrip(t *testing.T) {
	presets := map[string]policy.Document{
		"ReadOnly":    policy.ReadOnly(policy.Compute, policy.Image),
		"FullAccess":  policy.FullAccess(policy.ObjectStorage),
		"FullControl": policy.FullControl(),
		"IAMAdmin":    policy.IAMAdmin(),
		"EC2AndS3":    policy.EC2AndS3(),
		"SimpleDB":    policy.SimpleDBReadOnly("eu-west-1", "123456789012", "d"),
		"OVH":         policy.OVHInfrastructureSupervisor("abc123"),
		"LayerOps":    policy.LayerOpsOperator(),
	}
	for name, d := range presets {
		if err := policy.Validate(d); err != nil {
			t.Errorf("%s: %v", name, err)
			continue
		}
		b, err := json.Marshal(d)
		if err != nil {
			t.Fatal(err)
		}
		back, err := policy.Parse(b)
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		b2, _ := json.Marshal(back)
		if string(b) != string(b2) {
			t.Errorf("%s does not round-trip:\n%s\n%s", name, b, b2)
		}
	}
}

func TestLayerOpsPresetDecisions(t *testing.T) {
	d := policy.LayerOpsOperator()
	tests := []struct {
		action string
		tags   map[string]string
		want   bool
	}{
		{"aws:ec2:DescribeInstances", nil, true},
		{"aws:iam:GetUser", nil, true},
		{"aws:ec2:RunInstances", nil, true},
		{"aws:ec2:TerminateInstances", nil, true},
		{"aws:ec2:TerminateInstances", map[string]string{"CreatedBy": "user"}, true},
		{"aws:ec2:TerminateInstances", map[string]string{"CreatedBy": "other"}, false},
		{"aws:ec2:TerminateInstances", map[string]string{"Owner": "x"}, true},
		{"aws:s3:ListAllMyBuckets", nil, false},
		{"aws:ec2:GetPasswordData", nil, false},
	}
	for _, tt := range tests {
		got := policy.Evaluate(policy.Request{Action: tt.action, Resource: "*", ResourceTags: tt.tags}, d)
		if got.Allowed != tt.want {
			t.Errorf("%s %v: %v", tt.action, tt.tags, got)
		}
	}
}

func TestBuilderDoesNotAlias(t *testing.T) {
	base := policy.Allowing("compute:Read").When(policy.StringEquals, policy.KeyResourceTagPrefix+"a", "1")
	x := base.When(policy.StringEquals, policy.KeyResourceTagPrefix+"b", "2")
	y := base.When(policy.StringEquals, policy.KeyResourceTagPrefix+"c", "3")
	if reflect.DeepEqual(x.Conditions, y.Conditions) || len(base.Conditions) != 1 {
		t.Fatalf("builders share condition storage: %v %v", x.Conditions, y.Conditions)
	}
}
