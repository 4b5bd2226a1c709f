package policy

import (
	"slices"
	"strings"
	"testing"
)

func TestServicesAndLevelsAreFresh(t *testing.T) {
	s := Services()
	s[0] = "mutated"
	if Services()[0] != Compute {
		t.Fatal("Services returned a shared slice")
	}
	l := Levels()
	l[0] = "mutated"
	if Levels()[0] != List {
		t.Fatal("Levels returned a shared slice")
	}
	p := NativePrefixes()
	p[0] = "mutated"
	if NativePrefixes()[0] != "aws:" {
		t.Fatal("NativePrefixes returned a shared slice")
	}
	if slices.Contains(Services(), AnyService) || slices.Contains(Levels(), AnyLevel) {
		t.Fatal("the lists must not hold the wildcards")
	}
}

func TestPortable(t *testing.T) {
	if got := Portable(Compute, Read); got != "compute:Read" {
		t.Fatalf("Portable = %q", got)
	}
	if got := Portable(AnyService, AnyLevel); got != "*:*" {
		t.Fatalf("Portable = %q", got)
	}
	tests := []struct {
		a    Action
		svc  Service
		lvl  Level
		ok   bool
		want Action // canonical
	}{
		{"compute:Read", Compute, Read, true, "compute:Read"},
		{"Compute:read", Compute, Read, true, "compute:Read"},
		{"OBJECTSTORAGE:LIST", ObjectStorage, List, true, "objectstorage:List"},
		{"*", AnyService, AnyLevel, true, "*"},
		{"*:*", AnyService, AnyLevel, true, "*:*"},
		{"*:permissions", AnyService, Permissions, true, "*:Permissions"},
		{"iam:*", IAM, AnyLevel, true, "iam:*"},
		{"compte:Read", "", "", false, "compte:Read"},
		{"compute:Reed", "", "", false, "compute:Reed"},
		{"compute:Re*", "", "", false, "compute:Re*"},
		{"aws:ec2:RunInstances", "", "", false, "aws:ec2:RunInstances"},
		{"compute", "", "", false, "compute"},
		{"", "", "", false, ""},
	}
	for _, tt := range tests {
		svc, lvl, ok := tt.a.Portable()
		if svc != tt.svc || lvl != tt.lvl || ok != tt.ok {
			t.Errorf("%q.Portable() = %q, %q, %v; want %q, %q, %v", tt.a, svc, lvl, ok, tt.svc, tt.lvl, tt.ok)
		}
		if got := tt.a.canonical(); got != tt.want {
			t.Errorf("%q.canonical() = %q, want %q", tt.a, got, tt.want)
		}
	}
}

func TestNative(t *testing.T) {
	tests := []struct {
		a           Action
		cloud, name string
		ok          bool
	}{
		{"aws:ec2:RunInstances", "aws", "ec2:RunInstances", true},
		{"aws:ec2:Describe*", "aws", "ec2:Describe*", true},
		{"aws:s3:Get?bject", "aws", "s3:Get?bject", true},
		{"aws:resource-groups:GetGroup", "aws", "resource-groups:GetGroup", true},
		{"outscale:api:ReadVms", "outscale", "api:ReadVms", true},
		{"outscale:api:Read*", "outscale", "api:Read*", true},
		{"ovh:publicCloudProject:openstack:infrastructureSupervisor", "ovh", "publicCloudProject:openstack:infrastructureSupervisor", true},
		{"ovh:account:apiovh:me/get", "ovh", "account:apiovh:me/get", true},
		{"ovh:account:apiovh:*", "ovh", "account:apiovh:*", true},
		{"openstack:compute:GET:/v2.1/servers", "openstack", "compute:GET:/v2.1/servers", true},
		{"openstack:object-store:*:/v1/{account}/*", "openstack", "object-store:*:/v1/{account}/*", true},
		{"openstack:compute:GET:/", "openstack", "compute:GET:/", true},

		{"aws:ec2", "", "", false},
		{"aws:EC2:RunInstances", "", "", false},
		{"aws:ec2:Run:Instances", "", "", false},
		{"aws:ec2:", "", "", false},
		{"aws::RunInstances", "", "", false},
		{"aws:ec2:Run Instances", "", "", false},
		{"AWS:ec2:RunInstances", "", "", false},
		{"outscale:API:ReadVms", "", "", false},
		{"outscale:api", "", "", false},
		{"outscale:api:Read-Vms", "", "", false},
		{"ovh:infrastructureSupervisor", "", "", false},
		{"ovh::a", "", "", false},
		{"ovh:a:", "", "", false},
		{"ovh:a::b", "", "", false},
		{"ovh:a:b c", "", "", false},
		{"ovh:a:b?", "", "", false},
		{"openstack:compute:GET:v2.1/servers", "", "", false},
		{"openstack:compute:get:/v2.1/servers", "", "", false},
		{"openstack:compute:GET", "", "", false},
		{"openstack:compute:GET:/a b", "", "", false},
		{"openstack:Compute:GET:/", "", "", false},
		{"compute:Read", "", "", false},
		{"*", "", "", false},
	}
	for _, tt := range tests {
		cloud, name, ok := tt.a.Native()
		if cloud != tt.cloud || name != tt.name || ok != tt.ok {
			t.Errorf("%q.Native() = %q, %q, %v; want %q, %q, %v", tt.a, cloud, name, ok, tt.cloud, tt.name, tt.ok)
		}
		if (checkAction(tt.a) == "") != (tt.ok || tt.a == "*" || tt.a == "compute:Read") {
			t.Errorf("checkAction(%q) = %q", tt.a, checkAction(tt.a))
		}
	}
}

func TestCheckActionMessages(t *testing.T) {
	tests := []struct {
		a    Action
		want string
	}{
		{"", "must not be empty"},
		{"compte:Read", `unknown service "compte"`},
		{"compute:Reed", `unknown level "Reed"`},
		{"compute:Read:x", `unknown level "Read:x"`},
		{"ec2:DescribeInstances", `unknown service "ec2"`},
		{"readall", "is not an action"},
		{"AWS:ec2:RunInstances", `write the cloud prefix "aws" in lower case`},
		{"aws:ec2", "malformed AWS action"},
		{"outscale:api", "malformed Outscale action"},
		{"ovh:x", "malformed OVHcloud action"},
		{"openstack:x", "malformed OpenStack action"},
		{Action(strings.Repeat("x", 500) + ":Read"), "…"},
	}
	for _, tt := range tests {
		got := checkAction(tt.a)
		if !strings.Contains(got, tt.want) {
			t.Errorf("checkAction(%.40q) = %q, want it to contain %q", tt.a, got, tt.want)
		}
		if len(got) > 400 {
			t.Errorf("checkAction(%.40q): message of %d bytes echoes too much", tt.a, len(got))
		}
	}
}

func TestResourceKind(t *testing.T) {
	tests := []struct {
		r    Resource
		kind ResourceKind
	}{
		{"*", ResourceAny},
		{"project/0f0f0f0f", ResourceProject},
		{"project/my_project-1", ResourceProject},
		{"objectstorage:bucket/logs", ResourcePortable},
		{"objectstorage:object/logs/*", ResourcePortable},
		{"compute:instance/i-0abc", ResourcePortable},
		{"compute:instance/*", ResourcePortable},
		{"objectstorage:object/données/été.txt", ResourcePortable},
		{"arn:aws:s3:::bucket/*", ResourceNative},
		{"orn:ows:idauth::012345678910:policy/p", ResourceNative},
		{"urn:v1:eu:resource:publicCloudProject:0f0f", ResourceNative},

		{"", ""},
		{"**", ""},
		{"project/", ""},
		{"project/a b", ""},
		{"project/*", ""},
		{"objectstorage:bucket", ""},
		{"objectstorage:bucket/", ""},
		{"objectstorage:/logs", ""},
		{"objectstorage:Bucket/logs", ""},
		{"objectstorage:1bucket/logs", ""},
		{"ObjectStorage:bucket/logs", ""},
		{"*:bucket/logs", ""},
		{"s3:bucket/logs", ""},
		{"objectstorage:bucket/a b", ""},
		{"objectstorage:bucket/a\tb", ""},
		{"arn:", ""},
		{"arn:aws:s3:::a b", ""},
		{"arn:aws:s3:::a\x00", ""},
		{"ARN:aws:s3:::a", ""},
		{"bucket", ""},
	}
	for _, tt := range tests {
		if got := tt.r.Kind(); got != tt.kind {
			t.Errorf("%q.Kind() = %q, want %q (%s)", tt.r, got, tt.kind, checkResource(tt.r))
		}
		if (checkResource(tt.r) == "") != (tt.kind != "") {
			t.Errorf("checkResource(%q) = %q", tt.r, checkResource(tt.r))
		}
	}
}

func TestResourceParts(t *testing.T) {
	if id, ok := Resource("project/p1").Project(); !ok || id != "p1" {
		t.Errorf("Project() = %q, %v", id, ok)
	}
	if _, ok := Resource("objectstorage:bucket/logs").Project(); ok {
		t.Error("a bucket is not a project")
	}
	svc, typ, path, ok := Resource("objectstorage:object/logs/*").Reference()
	if !ok || svc != ObjectStorage || typ != "object" || path != "logs/*" {
		t.Errorf("Reference() = %q, %q, %q, %v", svc, typ, path, ok)
	}
	if _, _, _, ok := Resource("arn:aws:s3:::b").Reference(); ok {
		t.Error("an ARN is not a portable reference")
	}
}
