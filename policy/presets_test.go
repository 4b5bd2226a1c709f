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

// Full access to chosen services, and nothing else.
func ExampleFullAccess() {
	b, _ := json.Marshal(policy.FullAccess(policy.Compute, policy.BlockStorage))
	fmt.Println(string(b))
	// Output:
	// {"Version":"iamkit/1","Statement":[{"Sid":"FullAccess","Effect":"Allow","Action":["compute:*","blockstorage:*"],"Resource":["*"]}]}
}

// The LayerOps platform's AWS policy: reads, creations, and changes only to
// resources whose CreatedBy tag, when present, is "user".
func ExampleLayerOpsOperator() {
	show(policy.LayerOpsOperator())
	// Output:
	// {
	//   "Version": "iamkit/1",
	//   "Statement": [
	//     {
	//       "Sid": "Account",
	//       "Effect": "Allow",
	//       "Action": [
	//         "aws:ec2:DescribeAccountAttributes",
	//         "aws:iam:GetUser"
	//       ],
	//       "Resource": [
	//         "*"
	//       ]
	//     },
	//     {
	//       "Sid": "Describe",
	//       "Effect": "Allow",
	//       "Action": [
	//         "aws:ec2:DescribeAddresses",
	//         "aws:ec2:DescribeAddressesAttribute",
	//         "aws:ec2:DescribeImages",
	//         "aws:ec2:DescribeInstanceAttribute",
	//         "aws:ec2:DescribeInstanceCreditSpecifications",
	//         "aws:ec2:DescribeInstances",
	//         "aws:ec2:DescribeInternetGateways",
	//         "aws:ec2:DescribeKeyPairs",
	//         "aws:ec2:DescribeLaunchTemplates",
	//         "aws:ec2:DescribeNatGateways",
	//         "aws:ec2:DescribeNetworkInterfaces",
	//         "aws:ec2:DescribeRouteTables",
	//         "aws:ec2:DescribeSecurityGroupRules",
	//         "aws:ec2:DescribeSecurityGroups",
	//         "aws:ec2:DescribeSubnets",
	//         "aws:ec2:DescribeTags",
	//         "aws:ec2:DescribeVolumes",
	//         "aws:ec2:DescribeVpcAttribute",
	//         "aws:ec2:DescribeVpcs"
	//       ],
	//       "Resource": [
	//         "*"
	//       ]
	//     },
	//     {
	//       "Sid": "Create",
	//       "Effect": "Allow",
	//       "Action": [
	//         "aws:ec2:AllocateAddress",
	//         "aws:ec2:AssignPrivateNatGatewayAddress",
	//         "aws:ec2:AssociateNatGatewayAddress",
	//         "aws:ec2:AssociateRouteTable",
	//         "aws:ec2:AttachInternetGateway",
	//         "aws:ec2:AttachVolume",
	//         "aws:ec2:AuthorizeSecurityGroupEgress",
	//         "aws:ec2:AuthorizeSecurityGroupIngress",
	//         "aws:ec2:CopyImage",
	//         "aws:ec2:CreateInternetGateway",
	//         "aws:ec2:CreateKeyPair",
	//         "aws:ec2:CreateNatGateway",
	//         "aws:ec2:CreateRoute",
	//         "aws:ec2:CreateRouteTable",
	//         "aws:ec2:CreateSecurityGroup",
	//         "aws:ec2:CreateSubnet",
	//         "aws:ec2:CreateTags",
	//         "aws:ec2:CreateVolume",
	//         "aws:ec2:CreateVpc",
	//         "aws:ec2:RunInstances",
	//         "aws:ec2:StartInstances"
	//       ],
	//       "Resource": [
	//         "*"
	//       ]
	//     },
	//     {
	//       "Sid": "ModifyOwn",
	//       "Effect": "Allow",
	//       "Action": [
	//         "aws:ec2:DeleteInternetGateway",
	//         "aws:ec2:DeleteKeyPair",
	//         "aws:ec2:DeleteNatGateway",
	//         "aws:ec2:DeleteRoute",
	//         "aws:ec2:DeleteRouteTable",
	//         "aws:ec2:DeleteSecurityGroup",
	//         "aws:ec2:DeleteSubnet",
	//         "aws:ec2:DeleteTags",
	//         "aws:ec2:DeleteVolume",
	//         "aws:ec2:DeleteVpc",
	//         "aws:ec2:DeregisterImage",
	//         "aws:ec2:DisassociateNatGatewayAddress",
	//         "aws:ec2:DisassociateRouteTable",
	//         "aws:ec2:DetachInternetGateway",
	//         "aws:ec2:DetachVolume",
	//         "aws:ec2:ImportKeyPair",
	//         "aws:ec2:ModifyVpcAttribute",
	//         "aws:ec2:ReleaseAddress",
	//         "aws:ec2:RevokeSecurityGroupEgress",
	//         "aws:ec2:RevokeSecurityGroupIngress",
	//         "aws:ec2:StopInstances",
	//         "aws:ec2:TerminateInstances",
	//         "aws:ec2:UnassignPrivateNatGatewayAddress"
	//       ],
	//       "Resource": [
	//         "*"
	//       ],
	//       "Condition": {
	//         "StringEqualsIfExists": {
	//           "iamkit:ResourceTag/CreatedBy": [
	//             "user"
	//           ]
	//         }
	//       }
	//     }
	//   ]
	// }
}
