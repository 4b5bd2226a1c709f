package policy

import (
	"fmt"
	"reflect"
	"slices"
	"strings"
	"testing"
	"time"
)

type want struct {
	code string
	stmt int
}

func codes(fs []Finding) []want {
	var out []want
	for _, f := range fs {
		out = append(out, want{f.Code, f.Statement})
	}
	return out
}

func TestLint(t *testing.T) {
	jan2026 := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	jan2027 := time.Date(2027, 1, 1, 0, 0, 0, 0, time.UTC)
	tests := []struct {
		name string
		doc  Document
		want []want
	}{
		{"read only is clean", ReadOnly(Compute, BlockStorage), nil},
		{"OVH supervisor is clean", OVHInfrastructureSupervisor("p1"), nil},
		{"native reads are clean", Build(Allowing("aws:ec2:Describe*", "outscale:api:Read*", "ovh:account:apiovh:me/get", "openstack:compute:GET:/v2.1/servers")), nil},
		{"scoped write is clean", Build(Allowing("objectstorage:Write").On("objectstorage:bucket/logs")), nil},
		{"tag-scoped write is clean", Build(Allowing("aws:ec2:TerminateInstances").When(StringEqualsIfExists, KeyResourceTagPrefix+"CreatedBy", "user")), nil},

		{"invalid", Build(Allowing("compte:Read"), Statement{}), []want{
			{"invalid", 0}, {"invalid", 1}, {"invalid", 1}, {"invalid", 1},
		}},
		{"empty document", Document{}, []want{{"invalid", -1}}},

		{"full control", FullControl(), []want{{"privilege-escalation", 0}, {"wildcard-action-all-resources", 0}}},
		{"*:* on all", Build(Allowing("*:*")), []want{{"privilege-escalation", 0}, {"wildcard-action-all-resources", 0}}},
		{"every service", FullAccess(Services()...), []want{{"privilege-escalation", 0}, {"wildcard-action-all-resources", 0}}},
		{"star on a project is not all resources", Build(Allowing("*").On("project/p1")), []want{{"privilege-escalation", 0}}},
		{"IAM admin", IAMAdmin(), []want{{"permissions-all-resources", 0}, {"privilege-escalation", 0}}},
		{"permissions level", Build(Allowing("objectstorage:Permissions")), []want{{"permissions-all-resources", 0}}},
		{"service star", Build(Allowing("compute:*")), []want{{"permissions-all-resources", 0}}},
		{"portable write on all", Build(Allowing("compute:Write", "compute:Read")), []want{{"write-all-resources", 0}}},
		{"portable tag on all", Build(Allowing("network:Tag")), []want{{"write-all-resources", 0}}},
		{"native write on all", Build(Allowing("aws:ec2:RunInstances")), []want{{"write-all-resources", 0}}},
		{"native wildcard on all", EC2AndS3(), []want{{"write-all-resources", 0}}},
		{"outscale write on all", Build(Allowing("outscale:api:Delete*")), []want{{"write-all-resources", 0}}},
		{"openstack write on all", Build(Allowing("openstack:compute:POST:/v2.1/servers")), []want{{"write-all-resources", 0}}},
		{"ovh write on all", Build(Allowing("ovh:publicCloudProject:openstack:operator")), []want{{"write-all-resources", 0}}},
		{"deny on all is fine", Build(Allowing("compute:Read"), Denying("*")), []want{{"shadowed-by-deny", 0}}},
		{"write on NotResource", Build(Statement{Effect: Allow, Actions: []Action{"compute:Write"}, NotResources: []Resource{"project/p1"}}), []want{{"allow-with-notresource", 0}, {"write-all-resources", 0}}},

		{"escalation, native", Build(Allowing("aws:iam:CreateAccessKey").On("arn:aws:iam::123456789012:user/*")), []want{{"privilege-escalation", 0}}},
		{"escalation, wildcard", Build(Allowing("aws:iam:*").On("arn:aws:iam::123456789012:user/*")), []want{{"privilege-escalation", 0}}},
		{"escalation, pass role", Build(Allowing("aws:iam:Pass*").On("arn:aws:iam::123456789012:role/*")), []want{{"privilege-escalation", 0}}},
		{"escalation, outscale", Build(Allowing("outscale:api:LinkManagedPolicyToUserGroup").On("orn:ows:idauth::1:group/g")), []want{{"privilege-escalation", 0}}},
		{"escalation, portable", Build(Allowing("iam:Write").On("project/p1")), []want{{"privilege-escalation", 0}}},
		{"escalation, any service write", Build(Allowing("*:Write").On("project/p1")), []want{{"privilege-escalation", 0}}},
		{"no escalation, iam reads", Build(Allowing("iam:Read", "aws:iam:GetUser", "aws:iam:List*")), nil},
		{"no escalation in deny", Build(Allowing("compute:Read"), Denying("iam:*", "aws:iam:*")), nil},
		{"NotAction allow", Build(Statement{Effect: Allow, NotActions: []Action{"iam:*"}, Resources: []Resource{"project/p1"}}), []want{{"privilege-escalation", 0}, {"allow-with-notaction", 0}}},
		{"NotAction allow excluding escalation", Build(Statement{Effect: Allow, NotActions: []Action{"iam:*", "aws:iam:*", "outscale:api:*", "outscale:eim:*", "ovh:account:*", "openstack:identity:*:/*"}, Resources: []Resource{"project/p1"}}), []want{{"allow-with-notaction", 0}}},
		{"NotAction deny is fine", Build(Allowing("compute:Read"), Statement{Effect: Deny, NotActions: []Action{"compute:Read"}, Resources: []Resource{"*"}}), nil},

		{"empty window", Build(Allowing("compute:Read").Between(jan2027, jan2026)), []want{{"empty-date-window", 0}}},
		{"point window", Build(Allowing("compute:Read").Between(jan2026, jan2026)), nil},
		{"strict point window", Build(Allowing("compute:Read").When(DateGreaterThan, KeyCurrentTime, "2026-01-01T00:00:00Z").When(DateLessThanEquals, KeyCurrentTime, "2026-01-01T00:00:00Z")), []want{{"empty-date-window", 0}}},
		{"alternatives widen the window", Build(Allowing("compute:Read").When(DateGreaterThan, KeyCurrentTime, "2027-06-01T00:00:00Z", "2025-01-01T00:00:00Z").When(DateLessThan, KeyCurrentTime, "2026-01-01T00:00:00Z")), nil},
		{"two lower bounds", Build(Allowing("compute:Read").When(DateGreaterThan, KeyCurrentTime, "2026-01-01T00:00:00Z").When(DateGreaterThanEquals, KeyCurrentTime, "2027-06-01T00:00:00Z").When(DateLessThan, KeyCurrentTime, "2027-01-01T00:00:00Z")), []want{{"empty-date-window", 0}}},
		{"tags conflict", Build(Allowing("compute:Read").When(StringEquals, KeyResourceTagPrefix+"env", "prod").When(StringNotEquals, KeyResourceTagPrefix+"env", "prod", "dev")), []want{{"conflicting-tag-conditions", 0}}},
		{"tags consistent", Build(Allowing("compute:Read").When(StringEquals, KeyResourceTagPrefix+"env", "prod", "test").When(StringNotEquals, KeyResourceTagPrefix+"env", "prod")), nil},
		{"tags disjoint", Build(Allowing("compute:Read").When(StringEquals, KeyResourceTagPrefix+"env", "prod").When(StringEqualsIfExists, KeyResourceTagPrefix+"env", "dev")), []want{{"conflicting-tag-conditions", 0}}},
		{"different tags", Build(Allowing("compute:Read").When(StringEquals, KeyResourceTagPrefix+"env", "prod").When(StringNotEquals, KeyResourceTagPrefix+"team", "prod")), nil},

		{"shadowed", Build(Allowing("compute:Read").On("objectstorage:bucket/a"), Denying("compute:*").On("objectstorage:bucket/*")), []want{{"shadowed-by-deny", 0}}},
		{"shadowed, case-insensitive actions", Build(Allowing("aws:ec2:describeInstances").On("arn:x"), Denying("aws:ec2:DESCRIBE*").On("arn:x")), []want{{"shadowed-by-deny", 0}}},
		{"not shadowed: conditional deny", Build(Allowing("compute:Read").On("objectstorage:bucket/a"), Denying("*").FromNetworks("10.0.0.0/8")), nil},
		{"not shadowed: other resource", Build(Allowing("compute:Read").On("objectstorage:bucket/a"), Denying("compute:*").On("objectstorage:bucket/b")), nil},
		{"not shadowed: one action escapes", Build(Allowing("compute:Read", "network:Read").On("project/p"), Denying("compute:*").On("project/p")), nil},
		{"not shadowed: resource case", Build(Allowing("compute:Read").On("arn:X"), Denying("compute:*").On("arn:x")), nil},

		{"duplicate sid", Build(Allowing("compute:Read").Named("a"), Allowing("compute:List").Named("a"), Allowing("image:List").Named("a")), []want{{"duplicate-sid", 1}, {"duplicate-sid", 2}}},
		{"duplicate entries", Build(Allowing("compute:Read", "COMPUTE:read").On("project/p", "project/p")), []want{{"duplicate-entry", 0}, {"duplicate-entry", 0}}},
		{"redundant action", Build(Allowing("aws:ec2:DescribeInstances", "aws:ec2:Describe*").On("project/p")), []want{{"redundant-action", 0}}},

		{"sorted by statement then severity", Build(
			Allowing("compute:Read").Named("x"),
			Allowing("*").Named("x"),
			Statement{Effect: Allow, NotActions: []Action{"compute:Read"}, Resources: []Resource{"project/p"}, Sid: "bad sid!"},
		), []want{
			{"privilege-escalation", 1}, {"wildcard-action-all-resources", 1}, {"duplicate-sid", 1},
			{"invalid", 2}, {"privilege-escalation", 2}, {"allow-with-notaction", 2},
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := Lint(tt.doc)
			// Severity order: checking codes with their statements is
			// enough, the sort test below checks severities.
			if !reflect.DeepEqual(codes(got), tt.want) {
				var b strings.Builder
				for _, f := range got {
					b.WriteString("\n  " + f.String())
				}
				t.Fatalf("Lint = %v, want %v%s", codes(got), tt.want, b.String())
			}
			for _, f := range got {
				if f.Message == "" || f.Fix == "" || f.Severity == "" {
					t.Errorf("incomplete finding %+v", f)
				}
				if f.Statement >= 0 && f.Sid != tt.doc.Statements[f.Statement].Sid {
					t.Errorf("finding %+v does not carry its statement's Sid", f)
				}
			}
			if !slices.IsSortedFunc(got, func(a, b Finding) int {
				if a.Statement != b.Statement {
					return a.Statement - b.Statement
				}
				return a.Severity.rank() - b.Severity.rank()
			}) {
				t.Errorf("findings not sorted: %v", got)
			}
			if again := Lint(tt.doc); !reflect.DeepEqual(got, again) {
				t.Errorf("Lint is not deterministic")
			}
		})
	}
}

func TestLintLayerOps(t *testing.T) {
	got := codes(Lint(LayerOpsOperator()))
	want := []want{{"write-all-resources", 2}}
	if !reflect.DeepEqual(got, want) {
		t.Fatalf("Lint(LayerOpsOperator()) = %v, want %v", got, want)
	}
}

func TestFindingString(t *testing.T) {
	f := Finding{Severity: SeverityWarning, Code: "duplicate-sid", Statement: 1, Sid: "a", Message: "Sid repeats.", Fix: "Rename it."}
	if got, want := f.String(), `WARNING duplicate-sid: statement 1 ("a"): Sid repeats. Fix: Rename it.`; got != want {
		t.Errorf("String() = %q, want %q", got, want)
	}
	f = Finding{Severity: SeverityError, Code: "invalid", Statement: -1, Message: "Statement: missing."}
	if got, want := f.String(), `ERROR invalid: Statement: missing.`; got != want {
		t.Errorf("String() = %q, want %q", got, want)
	}
}

// Lint stays fast on the largest documents Parse accepts: its pairwise
// rules are bounded.
func TestLintLargeDocuments(t *testing.T) {
	many := func(n int, f func(i int) Action) []Action {
		out := make([]Action, n)
		for i := range out {
			out[i] = f(i)
		}
		return out
	}
	docs := map[string]Document{
		"15000 stars": Build(Allowing(many(15000, func(int) Action { return "*" })...)),
		"allow vs deny": Build(
			Allowing(many(1800, func(i int) Action { return Action(fmt.Sprintf("aws:ec2:A%d", i)) })...),
			Denying(many(1800, func(i int) Action { return Action(fmt.Sprintf("aws:ec2:A%d*", i)) })...)),
		"wildcards": Build(Allowing(many(4000, func(i int) Action { return Action(fmt.Sprintf("aws:ec2:%d*", i)) })...)),
	}
	for name, doc := range docs {
		b, err := doc.MarshalJSON()
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		parsed, err := Parse(b)
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		start := time.Now()
		fs := Lint(parsed)
		if d := time.Since(start); d > 2*time.Second {
			t.Errorf("%s: Lint took %v", name, d)
		}
		if len(fs) > 100 {
			t.Errorf("%s: %d findings", name, len(fs))
		}
	}
}
