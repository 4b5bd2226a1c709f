package awspolicy

import (
	"errors"
	"os"
	"reflect"
	"strings"
	"testing"

	"github.com/iamkit/iamkit/internal/kind"
)

func addGuideSeeds(f *testing.F) [][]byte {
	var out [][]byte
	for _, name := range []string{"layerops-aws.json", "rightscale-fullcontrol.json", "outscale-monitoring.json"} {
		b, err := os.ReadFile("testdata/" + name)
		if err != nil {
			f.Fatal(err)
		}
		out = append(out, b)
	}
	return out
}

func FuzzParse(f *testing.F) {
	for _, b := range addGuideSeeds(f) {
		f.Add(b, false)
		f.Add(b, true)
	}
	f.Add([]byte(stmt(okStmt+`,"Condition":{"ForAllValues:StringLikeIfExists":{"aws:TagKeys":["a*",1,true]},"IpAddress":{"aws:SourceIp":"10.0.0.0/8"}}`)), false)
	f.Add([]byte(`{"Statement":{"Sid":"x","Effect":"Deny","NotAction":"iam:*","NotResource":"arn:aws:iam::*:user/x"}}`), false)
	f.Add([]byte(`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","NotAction":["api:Delete*"],"Resource":["*"]}]}`), true)
	f.Fuzz(func(t *testing.T, data []byte, eim bool) {
		d := AWS
		if eim {
			d = EIM
		}
		doc, err := Parse(data, d)
		if err != nil {
			if !errors.Is(err, kind.Invalid) {
				t.Fatalf("error does not wrap kind.Invalid: %v", err)
			}
			var pe *Error
			if !errors.As(err, &pe) {
				t.Fatalf("error is %T", err)
			}
			return
		}
		out, err := Marshal(doc, d)
		if err != nil {
			t.Fatalf("Marshal of a parsed document: %v\ninput %q", err, data)
		}
		back, err := Parse(out, d)
		if err != nil {
			t.Fatalf("Parse(Marshal(doc)): %v\ncanonical %s", err, out)
		}
		if !reflect.DeepEqual(back, doc) {
			t.Fatalf("round trip changed the document:\n got %#v\nwant %#v", back, doc)
		}
		again, err := Marshal(back, d)
		if err != nil || string(again) != string(out) {
			t.Fatalf("Marshal not idempotent:\n%s\n%s", out, again)
		}
		if len(out) > MaxDocumentBytes {
			t.Fatalf("canonical form is %d bytes", len(out))
		}
		// Whatever parsed must evaluate without panicking.
		Evaluate(Request{Action: "ec2:DescribeInstances", Resource: "*"}, doc)
	})
}

func FuzzEvaluate(f *testing.F) {
	f.Add("ec2:TerminateInstances", "arn:aws:ec2:eu-west-3:1:instance/i-1", "ec2:ResourceTag/CreatedBy", "user", "StringEqualsIfExists", "user")
	f.Add("s3:GetObject", "arn:aws:s3:::b/k", "aws:SourceIp", "10.1.2.3", "NotIpAddress", "10.0.0.0/8")
	f.Add("iam:GetUser", "*", "aws:CurrentTime", "2026-01-01T00:00:00Z", "DateLessThan", "2027-01-01")
	f.Add("x:y", "arn:a:b:c:d:e", "aws:SourceArn", "arn:a:b:c:d:e", "ForAllValues:ArnLike", "arn:*:b:?:*:e")
	f.Add("x:y", "*", "n", "1e3", "NumericGreaterThanEquals", "999.5")
	f.Add("x:y", "*", "k", "QQ==", "BinaryEquals", "QQ==")
	f.Fuzz(func(t *testing.T, action, resource, key, ctxVal, op, polVal string) {
		st := Statement{
			Effect:     Allow,
			Actions:    []string{action, "*" + action[min(1, len(action)):]},
			Resources:  []string{resource, "arn:*"},
			Conditions: []Condition{{Operator: op, Key: key, Values: []string{polVal}}},
		}
		deny := st
		deny.Effect = Deny
		deny.Actions, deny.NotActions = nil, []string{action}
		deny.Resources, deny.NotResources = nil, []string{resource}
		doc := Document{Statements: []Statement{st, deny}}
		req := Request{Action: action, Resource: resource, Context: map[string][]string{key: strings.Split(ctxVal, ",")}}
		got := Evaluate(req, doc)
		if got.Allowed != (got.Effect == Allow) {
			t.Fatalf("inconsistent decision %+v", got)
		}
		if (got.Effect == "") != (got.Statement == -1) {
			t.Fatalf("inconsistent decision %+v", got)
		}
		// A statement that lists the request's own action and resource
		// applies exactly when its condition holds.
		if got.Effect == "" && holds(&doc.Statements[0].Conditions[0], req.Context) {
			t.Fatalf("allow statement applies but was not used: %+v", got)
		}
		// The deny statement excludes the request's action: it never decides.
		if got.Effect == Deny {
			t.Fatalf("NotAction deny decided for its own action: %+v", got)
		}
		// Without the context the decision must still be well formed.
		req.Context = nil
		Evaluate(req, doc)
	})
}

func BenchmarkEvaluateLayerOps(b *testing.B) {
	doc := mustParse(b, readGuide(b, "layerops-aws.json"), AWS)
	reqs := []Request{
		{Action: "ec2:DescribeInstances", Resource: "*"},
		{Action: "ec2:TerminateInstances", Resource: "arn:aws:ec2:eu-west-3:123456789012:instance/i-0abc", Context: map[string][]string{"ec2:ResourceTag/CreatedBy": {"someone-else"}}},
		{Action: "s3:ListAllMyBuckets", Resource: "*"},
	}
	for _, r := range reqs {
		b.Run(strings.SplitN(r.Action, ":", 2)[1], func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				Evaluate(r, doc)
			}
		})
	}
}
