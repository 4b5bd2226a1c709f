package aws_test

import (
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/iamkit/iamkit/aws"
	"github.com/iamkit/iamkit/policy"
)

var actionName = regexp.MustCompile(`^[a-z0-9-]+:[A-Z][A-Za-z0-9]+$`)

func TestCatalogShape(t *testing.T) {
	cat := aws.Catalog()
	cells := map[policy.Action]bool{}
	seen := map[string]policy.Action{}
	for _, e := range cat {
		if cells[e.Portable] {
			t.Errorf("%s listed twice", e.Portable)
		}
		cells[e.Portable] = true
		s, l, ok := e.Portable.Portable()
		if !ok || s == policy.AnyService || l == policy.AnyLevel {
			t.Errorf("%q is not a portable service:level", e.Portable)
		}
		if !slices.IsSorted(e.Actions) {
			t.Errorf("%s: actions not sorted", e.Portable)
		}
		for _, a := range e.Actions {
			if !actionName.MatchString(a) {
				t.Errorf("%s: %q is not svc:Name", e.Portable, a)
			}
			if prev, dup := seen[a]; dup && e.ResourceTypes == nil {
				t.Errorf("%s in both %s and %s", a, prev, e.Portable)
			}
			if e.ResourceTypes == nil {
				seen[a] = e.Portable
			}
		}
		if e.ResourceTypes != nil {
			if l != policy.Tag || !slices.Equal(e.Actions, []string{"ec2:CreateTags", "ec2:DeleteTags"}) {
				t.Errorf("%s: only the EC2 Tag cells limit actions to resource types", e.Portable)
			}
			if !slices.IsSorted(e.ResourceTypes) {
				t.Errorf("%s: resource types not sorted", e.Portable)
			}
		}
	}
	// The shared tagging actions are in no other cell.
	for _, a := range []string{"ec2:CreateTags", "ec2:DeleteTags"} {
		if p, ok := seen[a]; ok {
			t.Errorf("%s also in %s", a, p)
		}
	}
	for _, s := range policy.Services() {
		for _, l := range policy.Levels() {
			if !cells[policy.Portable(s, l)] {
				t.Errorf("no catalog entry for %s", policy.Portable(s, l))
			}
		}
	}
}

// Each portable service maps to its own AWS services only.
func TestCatalogServices(t *testing.T) {
	want := map[policy.Service][]string{
		policy.Compute:       {"ec2", "ec2-instance-connect"},
		policy.BlockStorage:  {"ebs", "ec2"},
		policy.Network:       {"ec2"},
		policy.Image:         {"ec2"},
		policy.ObjectStorage: {"s3"},
		policy.IAM:           {"iam"},
	}
	for _, e := range aws.Catalog() {
		s, _, _ := e.Portable.Portable()
		for _, a := range e.Actions {
			p, _, _ := strings.Cut(a, ":")
			if !slices.Contains(want[s], p) {
				t.Errorf("%s: %s is not an action of %v", e.Portable, a, want[s])
			}
		}
	}
}

// Read and List never reveal a secret; the secrets-revealing reads are in
// Permissions.
func TestCatalogSecrets(t *testing.T) {
	secret := []string{
		"ec2:GetPasswordData", "ec2:GetConsoleOutput", "ec2:GetConsoleScreenshot", "ec2:GetLaunchTemplateData",
		"ec2:DescribeInstanceAttribute", "ec2:DescribeLaunchTemplateVersions", "ec2:DescribeVpnConnections",
		"ebs:GetSnapshotBlock",
	}
	level := map[string]policy.Action{}
	for _, e := range aws.Catalog() {
		for _, a := range e.Actions {
			level[a] = e.Portable
		}
	}
	for _, a := range secret {
		_, l, _ := level[a].Portable()
		if l != policy.Permissions {
			t.Errorf("%s is in %q, want a Permissions level", a, level[a])
		}
	}
	if level["s3:GetObject"] != "objectstorage:Read" || level["ec2:DescribeTags"] != "" {
		t.Errorf("s3:GetObject in %q, ec2:DescribeTags in %q", level["s3:GetObject"], level["ec2:DescribeTags"])
	}
}

func TestCatalogIsACopy(t *testing.T) {
	a := aws.Catalog()
	a[0].Actions[0] = "x:Y"
	a[3].ResourceTypes[0] = "z"
	b := aws.Catalog()
	if b[0].Actions[0] == "x:Y" || b[3].ResourceTypes[0] == "z" {
		t.Fatal("Catalog returned shared slices")
	}
}

func TestCatalogSize(t *testing.T) {
	n := 0
	for _, e := range aws.Catalog() {
		n += len(e.Actions)
		t.Logf("%-26s %3d", e.Portable, len(e.Actions))
	}
	t.Logf("total %d", n)
	if n < 300 {
		t.Errorf("catalog has %d actions", n)
	}
}
