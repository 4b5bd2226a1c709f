package policy

import (
	"errors"
	"strings"
	"testing"
	"time"
)

func TestValidate(t *testing.T) {
	ok := Allowing("compute:Read")
	tests := []struct {
		name string
		doc  Document
		want []string // substrings, one per expected *Error, in order
	}{
		{"valid", Build(ok), nil},
		{"valid without version", Document{Statements: []Statement{ok}}, nil},
		{"valid presets", Build(append(LayerOpsOperator().Statements, FullControl().Statements...)...), nil},
		{"valid window", Build(ok.Between(time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC), time.Time{})), nil},
		{"bad version", Document{Version: "2012-10-17", Statements: []Statement{ok}}, []string{`policy: Version: unsupported version "2012-10-17"`}},
		{"nil statements", Document{}, []string{"policy: Statement: must not be empty"}},
		{"empty statements", Document{Statements: []Statement{}}, []string{"policy: Statement: must not be empty"}},
		{"zero statement", Build(Statement{}), []string{
			"statement 0: Effect: missing",
			"statement 0: Action: missing",
			"statement 0: Resource: missing",
		}},
		{"bad effect and sid", Build(Statement{Sid: "a\nb", Effect: "Permit", Actions: []Action{"*"}, Resources: []Resource{"*"}}), []string{
			`statement 0: Sid: invalid Sid "a\nb"`,
			`statement 0: Effect: "Permit" is not an effect`,
		}},
		{"sid too long", Build(ok.Named(strings.Repeat("a", 129))), []string{"Sid: invalid Sid"}},
		{"both actions", Build(Statement{Effect: Allow, Actions: []Action{"*"}, NotActions: []Action{"iam:*"}, Resources: []Resource{"*"}}), []string{"NotAction: Action and NotAction exclude each other"}},
		{"empty actions", Build(Statement{Effect: Allow, Actions: []Action{}, Resources: []Resource{"*"}}), []string{"Action: must not be an empty list"}},
		{"bad actions are all reported", Build(Allowing("*", "", "compute:Nope", "x").Named("s")), []string{
			`statement 0 ("s"): Action[1]: must not be empty`,
			`statement 0 ("s"): Action[2]: unknown level "Nope"`,
			`statement 0 ("s"): Action[3]: "x" is not an action`,
		}},
		{"both resources", Build(Statement{Effect: Allow, Actions: []Action{"*"}, Resources: []Resource{"*"}, NotResources: []Resource{"project/p"}}), []string{"NotResource: Resource and NotResource exclude each other"}},
		{"no resources", Build(ok.On()), []string{"Resource: missing"}},
		{"empty resources", Build(ok.On([]Resource{}...)), []string{"Resource: must not be an empty list"}},
		{"bad resource", Build(ok.On("*", "s3://bucket")), []string{`Resource[1]: unknown service "s3" in resource`}},
		{"empty conditions", Build(Statement{Effect: Allow, Actions: []Action{"*"}, Resources: []Resource{"*"}, Conditions: []Condition{}}), []string{"Condition: must not be empty"}},
		{"condition without values", Build(ok.When(IPAddress, KeySourceIP)), []string{"Condition.IpAddress.iamkit:SourceIp: needs at least one value"}},
		{"condition twice", Build(ok.FromNetworks("10.0.0.0/8").FromNetworks("192.168.0.0/16")), []string{"Condition.IpAddress.iamkit:SourceIp: condition given twice"}},
		{"condition empty value", Build(ok.When(StringEquals, KeyResourceTagPrefix+"a", "x", "")), []string{"Condition.StringEquals.iamkit:ResourceTag/a[1]: must not be empty"}},
		{"condition control value", Build(ok.When(StringEquals, KeyResourceTagPrefix+"a", "x\x00")), []string{"malformed tag value"}},
		{"tag key too long", Build(ok.When(StringEquals, KeyResourceTagPrefix+strings.Repeat("k", 129), "x")), []string{"malformed tag key"}},
		{"mapped CIDR too wide", Build(ok.FromNetworks("::ffff:0:0/64")), []string{"is not an IP address or CIDR range"}},
		{"several statements", Build(ok, Statement{Effect: Deny}, ok.On("")), []string{
			"statement 1: Action: missing",
			"statement 1: Resource: missing",
			"statement 2: Resource[0]: must not be empty",
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := Validate(tt.doc)
			if tt.want == nil {
				if err != nil {
					t.Fatalf("Validate: %v", err)
				}
				return
			}
			if !errors.Is(err, ErrInvalid) {
				t.Fatalf("Validate = %v, want an ErrInvalid", err)
			}
			got := flatten(err)
			if len(got) != len(tt.want) {
				t.Fatalf("Validate found %d problems, want %d:\n%v", len(got), len(tt.want), err)
			}
			for i, e := range got {
				if !strings.Contains(e.Error(), tt.want[i]) {
					t.Errorf("problem %d = %q, want it to contain %q", i, e.Error(), tt.want[i])
				}
			}
		})
	}
}

func TestValidateCapsProblems(t *testing.T) {
	doc := Build(Allowing(make([]Action, 100)...))
	err := Validate(doc)
	got := flatten(err)
	if len(got) != maxErrors+1 || !strings.Contains(got[maxErrors].Error(), "and 80 more problems") {
		t.Fatalf("got %d problems, last %v", len(got), got[len(got)-1])
	}
}

func TestValidateSize(t *testing.T) {
	actions := make([]Action, 0, 5000)
	for range 5000 {
		actions = append(actions, "aws:ec2:DescribeInstances")
	}
	err := Validate(Build(Allowing(actions...)))
	if !errors.Is(err, ErrInvalid) || !strings.Contains(err.Error(), "document too large") {
		t.Fatalf("Validate = %v", err)
	}
}

// Validate and Parse agree: a valid Go document marshals to JSON that
// parses.
func TestValidateAgreesWithParse(t *testing.T) {
	for _, doc := range []Document{
		ReadOnly(Services()...), FullAccess(Compute, Network), IAMAdmin(), EC2AndS3(),
		SimpleDBReadOnly("eu-west-1", "123456789012", "mydomain"), OVHInfrastructureSupervisor("0f0f"),
		LayerOpsOperator(), FullControl(),
	} {
		if err := Validate(doc); err != nil {
			t.Fatalf("Validate: %v", err)
		}
		b, err := doc.MarshalJSON()
		if err != nil {
			t.Fatal(err)
		}
		if _, err := Parse(b); err != nil {
			t.Fatalf("Parse: %v\n%s", err, b)
		}
	}
}
