package awspolicy

import (
	"os"
	"reflect"
	"testing"
)

func readGuide(t testing.TB, name string) []byte {
	t.Helper()
	b, err := os.ReadFile("testdata/" + name)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func mustParse(t testing.TB, data []byte, d Dialect) Document {
	t.Helper()
	doc, err := Parse(data, d)
	if err != nil {
		t.Fatalf("Parse: %v", err)
	}
	return doc
}

func roundTrip(t *testing.T, doc Document, d Dialect) []byte {
	t.Helper()
	out, err := Marshal(doc, d)
	if err != nil {
		t.Fatalf("Marshal: %v", err)
	}
	back, err := Parse(out, d)
	if err != nil {
		t.Fatalf("Parse(Marshal(doc)): %v\n%s", err, out)
	}
	if !reflect.DeepEqual(back, doc) {
		t.Fatalf("round trip changed the document:\n got %#v\nwant %#v", back, doc)
	}
	again, err := Marshal(back, d)
	if err != nil || string(again) != string(out) {
		t.Fatalf("Marshal not idempotent: %s vs %s (%v)", again, out, err)
	}
	return out
}

type decisionCase struct {
	name string
	req  Request
	want Decision
}

func checkDecisions(t *testing.T, doc Document, cases []decisionCase) {
	t.Helper()
	for _, c := range cases {
		if got := Evaluate(c.req, doc); got != c.want {
			t.Errorf("%s: Evaluate(%+v) = %+v, want %+v", c.name, c.req, got, c.want)
		}
	}
}

var implicitDeny = Decision{Document: -1, Statement: -1}

func allowedBy(stmt int) Decision { return Decision{Allowed: true, Effect: Allow, Statement: stmt} }

func TestLayerOpsPolicy(t *testing.T) {
	doc := mustParse(t, readGuide(t, "layerops-aws.json"), AWS)
	if doc.Version != Version2012 || len(doc.Statements) != 4 {
		t.Fatalf("got version %q, %d statements", doc.Version, len(doc.Statements))
	}
	if n := len(doc.Statements[3].Actions); n != 23 {
		t.Errorf("statement 3 has %d actions, want 23", n)
	}
	want := []Condition{{Operator: "StringEqualsIfExists", Key: "ec2:ResourceTag/CreatedBy", Values: []string{"user"}}}
	if !reflect.DeepEqual(doc.Statements[3].Conditions, want) {
		t.Errorf("conditions = %#v", doc.Statements[3].Conditions)
	}
	out := roundTrip(t, doc, AWS)
	if NonWhitespaceLen(out) != len(out) {
		t.Errorf("canonical form contains white space")
	}
	if NonWhitespaceLen(out) > 6144 {
		t.Errorf("canonical LayerOps policy is %d characters, over the AWS managed-policy quota", NonWhitespaceLen(out))
	}

	inst := "arn:aws:ec2:eu-west-3:123456789012:instance/i-0123456789abcdef0"
	tag := func(v string) map[string][]string { return map[string][]string{"ec2:ResourceTag/CreatedBy": {v}} }
	checkDecisions(t, doc, []decisionCase{
		{"describe", Request{Action: "ec2:DescribeInstances", Resource: "*"}, allowedBy(1)},
		{"describe, other case", Request{Action: "EC2:describeinstances", Resource: "*"}, allowedBy(1)},
		{"get user", Request{Action: "iam:GetUser", Resource: "arn:aws:iam::123456789012:user/layerops"}, allowedBy(0)},
		{"run", Request{Action: "ec2:RunInstances", Resource: inst}, allowedBy(2)},
		{"terminate own", Request{Action: "ec2:TerminateInstances", Resource: inst, Context: tag("user")}, allowedBy(3)},
		{"terminate untagged", Request{Action: "ec2:TerminateInstances", Resource: inst}, allowedBy(3)},
		{"terminate, key case", Request{Action: "ec2:TerminateInstances", Resource: inst, Context: map[string][]string{"EC2:resourcetag/createdby": {"user"}}}, allowedBy(3)},
		{"terminate foreign", Request{Action: "ec2:TerminateInstances", Resource: inst, Context: tag("someone-else")}, implicitDeny},
		{"terminate, value case", Request{Action: "ec2:TerminateInstances", Resource: inst, Context: tag("User")}, implicitDeny},
		{"list buckets", Request{Action: "s3:ListAllMyBuckets", Resource: "*"}, implicitDeny},
		{"create user", Request{Action: "iam:CreateUser", Resource: "*"}, implicitDeny},
		{"reboot (not listed)", Request{Action: "ec2:RebootInstances", Resource: inst}, implicitDeny},
	})
}

func TestRightScalePolicy(t *testing.T) {
	doc := mustParse(t, readGuide(t, "rightscale-fullcontrol.json"), AWS)
	want := Document{Version: Version2008, Statements: []Statement{{Effect: Allow, Actions: []string{"*"}, Resources: []string{"*"}}}}
	if !reflect.DeepEqual(doc, want) {
		t.Fatalf("got %#v", doc)
	}
	out := roundTrip(t, doc, AWS)
	if got := string(out); got != `{"Version":"2008-10-17","Statement":[{"Effect":"Allow","Action":["*"],"Resource":["*"]}]}` {
		t.Errorf("canonical = %s", got)
	}
	checkDecisions(t, doc, []decisionCase{
		{"anything", Request{Action: "s3:ListAllMyBuckets", Resource: "*"}, allowedBy(0)},
		{"iam", Request{Action: "iam:CreateAccessKey", Resource: "arn:aws:iam::123456789012:user/x"}, allowedBy(0)},
	})
	// The guide's policy is also a valid EIM document.
	eim := mustParse(t, readGuide(t, "rightscale-fullcontrol.json"), EIM)
	if eim.Version != "" {
		t.Errorf("EIM version = %q", eim.Version)
	}
}

func TestOutscaleMonitoringPolicy(t *testing.T) {
	doc := mustParse(t, readGuide(t, "outscale-monitoring.json"), EIM)
	want := Document{Statements: []Statement{{Effect: Allow, Actions: []string{"api:Read*"}, Resources: []string{"*"}}}}
	if !reflect.DeepEqual(doc, want) {
		t.Fatalf("got %#v", doc)
	}
	out := roundTrip(t, doc, EIM)
	if got := string(out); got != `{"Statement":[{"Effect":"Allow","Action":["api:Read*"],"Resource":["*"]}]}` {
		t.Errorf("canonical = %s", got)
	}
	checkDecisions(t, doc, []decisionCase{
		{"read vms", Request{Action: "api:ReadVms", Resource: "*"}, allowedBy(0)},
		{"read keys", Request{Action: "api:ReadAccessKeys", Resource: "*"}, allowedBy(0)},
		{"delete vm", Request{Action: "api:DeleteVm", Resource: "*"}, implicitDeny},
		{"fcu describe", Request{Action: "ec2:DescribeInstances", Resource: "*"}, implicitDeny},
	})
	// The guide's Python dict, once json.dumps'd, is valid AWS too.
	mustParse(t, readGuide(t, "outscale-monitoring.json"), AWS)
}
