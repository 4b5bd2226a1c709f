package awspolicy

import (
	"errors"
	"strings"
	"testing"

	"github.com/iamkit/iamkit/internal/kind"
)

func TestMarshalCanonical(t *testing.T) {
	doc := Document{
		ID: "p1",
		Statements: []Statement{{
			Sid:       "ro",
			Effect:    Allow,
			Actions:   []string{"ec2:Describe*"},
			Resources: []string{"*"},
			Conditions: []Condition{
				{Operator: "StringEquals", Key: "b", Values: []string{"2"}},
				{Operator: "IpAddress", Key: "aws:SourceIp", Values: []string{"203.0.113.0/24"}},
				{Operator: "StringEquals", Key: "a", Values: []string{"1", "x\"y"}},
			},
		}, {
			Effect:       Deny,
			NotActions:   []string{"iam:Get*"},
			NotResources: []string{"arn:aws:iam::123456789012:user/me"},
		}},
	}
	got, err := Marshal(doc, AWS)
	if err != nil {
		t.Fatal(err)
	}
	want := `{"Version":"2012-10-17","Id":"p1","Statement":[` +
		`{"Sid":"ro","Effect":"Allow","Action":["ec2:Describe*"],"Resource":["*"],` +
		`"Condition":{"IpAddress":{"aws:SourceIp":["203.0.113.0/24"]},"StringEquals":{"a":["1","x\"y"],"b":["2"]}}},` +
		`{"Effect":"Deny","NotAction":["iam:Get*"],"NotResource":["arn:aws:iam::123456789012:user/me"]}]}`
	if string(got) != want {
		t.Errorf("got  %s\nwant %s", got, want)
	}
	if doc.Statements[0].Conditions[0].Key != "b" {
		t.Errorf("Marshal reordered the caller's conditions")
	}

	eim := Document{Version: Version2012, Statements: []Statement{{Effect: Allow, Actions: []string{"api:Read*"}, Resources: []string{"*"}}}}
	got, err = Marshal(eim, EIM)
	if err != nil {
		t.Fatal(err)
	}
	if string(got) != `{"Statement":[{"Effect":"Allow","Action":["api:Read*"],"Resource":["*"]}]}` {
		t.Errorf("EIM: %s", got)
	}
}

func TestMarshalEscapes(t *testing.T) {
	doc := Document{Statements: []Statement{{Effect: Allow, Actions: []string{"*"}, Resources: []string{`arn:aws:s3:::b/<&>\é`}}}}
	got, err := Marshal(doc, AWS)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(got), `"arn:aws:s3:::b/<&>\\é"`) {
		t.Errorf("got %s", got)
	}
	back := mustParse(t, got, AWS)
	if back.Statements[0].Resources[0] != doc.Statements[0].Resources[0] {
		t.Errorf("round trip: %q", back.Statements[0].Resources[0])
	}
}

func TestMarshalRefuses(t *testing.T) {
	ok := Statement{Effect: Allow, Actions: []string{"*"}, Resources: []string{"*"}}
	with := func(f func(*Statement)) Document {
		s := ok
		f(&s)
		return Document{Statements: []Statement{s}}
	}
	tests := []struct {
		name string
		d    Dialect
		doc  Document
		want string
	}{
		{"no statements", AWS, Document{}, "Statement: empty list"},
		{"bad version", AWS, Document{Version: "1", Statements: []Statement{ok}}, "Version"},
		{"eim version", EIM, Document{Version: Version2008, Statements: []Statement{ok}}, "Version"},
		{"eim id", EIM, Document{ID: "x", Statements: []Statement{ok}}, "Id"},
		{"no effect", AWS, with(func(s *Statement) { s.Effect = "" }), "Effect: missing"},
		{"lower effect", AWS, with(func(s *Statement) { s.Effect = "allow" }), "Effect"},
		{"no actions", AWS, with(func(s *Statement) { s.Actions = nil }), "Action: empty"},
		{"empty notactions", AWS, with(func(s *Statement) { s.Actions = nil; s.NotActions = []string{} }), "NotAction: empty"},
		{"both actions", AWS, with(func(s *Statement) { s.NotActions = []string{"s3:*"} }), "not both"},
		{"both resources", AWS, with(func(s *Statement) { s.NotResources = []string{"*"} }), "not both"},
		{"no resources", AWS, with(func(s *Statement) { s.Resources = nil }), "Resource: empty"},
		{"bad action", AWS, with(func(s *Statement) { s.Actions = []string{"*", "x"} }), "Action[1]"},
		{"eim notresource", EIM, with(func(s *Statement) { s.Resources = nil; s.NotResources = []string{"*"} }), "NotResource"},
		{"eim condition", EIM, with(func(s *Statement) {
			s.Conditions = []Condition{{Operator: "Bool", Key: "k", Values: []string{"true"}}}
		}), "Condition"},
		{"unknown operator", AWS, with(func(s *Statement) {
			s.Conditions = []Condition{{Operator: "StringSortOf", Key: "k", Values: []string{"v"}}}
		}), "unknown condition operator"},
		{"no values", AWS, with(func(s *Statement) {
			s.Conditions = []Condition{{Operator: "StringEquals", Key: "k"}}
		}), "empty list of values"},
		{"duplicate condition", AWS, with(func(s *Statement) {
			s.Conditions = []Condition{
				{Operator: "StringEquals", Key: "k", Values: []string{"v"}},
				{Operator: "Bool", Key: "j", Values: []string{"true"}},
				{Operator: "StringEquals", Key: "k", Values: []string{"w"}},
			}
		}), "given twice"},
		{"duplicate adjacent condition", AWS, with(func(s *Statement) {
			s.Conditions = []Condition{
				{Operator: "StringEquals", Key: "k", Values: []string{"v"}},
				{Operator: "StringEquals", Key: "k", Values: []string{"w"}},
			}
		}), "given twice"},
		{"invalid utf-8", EIM, with(func(s *Statement) { s.Sid = "\xff" }), "UTF-8"},
		{"duplicate sid", AWS, Document{Statements: []Statement{{Sid: "a", Effect: Allow, Actions: []string{"*"}, Resources: []string{"*"}}, {Sid: "a", Effect: Allow, Actions: []string{"*"}, Resources: []string{"*"}}}}, "same Sid"},
		{"unknown dialect", Dialect(-1), Document{Statements: []Statement{ok}}, "unknown dialect"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			out, err := Marshal(tt.doc, tt.d)
			if err == nil {
				t.Fatalf("Marshal succeeded: %s", out)
			}
			if !errors.Is(err, kind.Invalid) || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("err = %v, want kind.Invalid containing %q", err, tt.want)
			}
		})
	}
}

func TestNonWhitespaceLen(t *testing.T) {
	tests := []struct {
		in   string
		want int
	}{
		{"", 0},
		{" \t\r\n\v\f", 0},
		{`{"a": "b c"}`, 10},
		{"é", 1},                // one character, two bytes
		{"caf\u00e9\u00a0x", 6}, // NO-BREAK SPACE counts
		{"\xff\xfe", 2},         // invalid bytes count one each
		{"{\n  \"Statement\": []\n}", 16},
	}
	for _, tt := range tests {
		if got := NonWhitespaceLen([]byte(tt.in)); got != tt.want {
			t.Errorf("NonWhitespaceLen(%q) = %d, want %d", tt.in, got, tt.want)
		}
	}
	// Pretty and canonical forms of one policy measure the same.
	pretty := readGuide(t, "rightscale-fullcontrol.json")
	doc := mustParse(t, pretty, AWS)
	doc.Version = ""
	canon, _ := Marshal(doc, EIM)
	if NonWhitespaceLen(pretty) != NonWhitespaceLen(canon)-4 { // canonical adds [] around "*" twice
		t.Errorf("pretty %d vs canonical %d", NonWhitespaceLen(pretty), NonWhitespaceLen(canon))
	}
}

func TestDialectString(t *testing.T) {
	if AWS.String() != "AWS" || EIM.String() != "EIM" || Dialect(7).String() != "Dialect(7)" {
		t.Error(AWS.String(), EIM.String(), Dialect(7).String())
	}
}
