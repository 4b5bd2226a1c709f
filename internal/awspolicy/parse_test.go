package awspolicy

import (
	"errors"
	"reflect"
	"strings"
	"testing"

	"github.com/iamkit/iamkit/internal/kind"
)

// stmt wraps one statement's members in a minimal AWS document.
func stmt(members string) string {
	return `{"Version":"2012-10-17","Statement":[{` + members + `}]}`
}

const okStmt = `"Effect":"Allow","Action":"ec2:DescribeInstances","Resource":"*"`

func TestParseRefuses(t *testing.T) {
	tests := []struct {
		name    string
		d       Dialect
		in      string
		wantErr string // substring of the message
	}{
		{"empty input", AWS, ``, "unexpected end"},
		{"not an object", AWS, `[]`, "must be a JSON object"},
		{"null document", AWS, `null`, "must be a JSON object, not null"},
		{"truncated", AWS, `{"Statement":[`, "unexpected end"},
		{"syntax", AWS, `{"Statement":[}`, "malformed JSON"},
		{"trailing data", AWS, stmt(okStmt) + `{}`, "trailing data"},
		{"trailing garbage", AWS, stmt(okStmt) + ` x`, "trailing data"},
		{"invalid utf-8", AWS, stmt(`"Sid":"a` + "\xff" + `",` + okStmt), "not valid UTF-8"},
		{"too deep", AWS, strings.Repeat("[", 9) + strings.Repeat("]", 9), "nesting deeper than 8"},
		{"too big", AWS, `{"Statement":[` + strings.Repeat(" ", MaxDocumentBytes) + `]}`, "bound"},
		{"unknown top key", AWS, `{"Statement":[{` + okStmt + `}],"Foo":1}`, `Foo: unknown key "Foo"`},
		{"top key case", AWS, `{"statement":[{` + okStmt + `}]}`, `did you mean "Statement"`},
		{"duplicate top key", AWS, `{"Statement":[{` + okStmt + `}],"Statement":[{` + okStmt + `}]}`, `duplicate key "Statement"`},
		{"missing statement", AWS, `{"Version":"2012-10-17"}`, "Statement: missing"},
		{"empty statement list", AWS, `{"Statement":[]}`, "Statement: empty list"},
		{"statement null", AWS, `{"Statement":null}`, "not null"},
		{"statement string", AWS, `{"Statement":"x"}`, "not a string"},
		{"statement element not object", AWS, `{"Statement":[1]}`, "statement 0: statement must be a JSON object, not a number"},
		{"bad version", AWS, `{"Version":"2012-10-18","Statement":[{` + okStmt + `}]}`, "Version: must be"},
		{"version number", AWS, `{"Version":2012,"Statement":[{` + okStmt + `}]}`, "Version: must be a string"},
		{"id not string", AWS, `{"Id":1,"Statement":[{` + okStmt + `}]}`, "Id: must be a string"},
		{"duplicate effect", AWS, stmt(`"Effect":"Deny","Effect":"Allow","Action":"*","Resource":"*"`), `Effect: duplicate key "Effect"`},
		{"effect case", AWS, stmt(`"Effect":"allow","Action":"*","Resource":"*"`), `must be "Allow" or "Deny"`},
		{"effect key case", AWS, stmt(`"effect":"Allow","Action":"*","Resource":"*"`), `did you mean "Effect"`},
		{"missing effect", AWS, stmt(`"Action":"*","Resource":"*"`), "Effect: missing"},
		{"effect null", AWS, stmt(`"Effect":null,"Action":"*","Resource":"*"`), "Effect: must be a string, not null"},
		{"unknown statement key", AWS, stmt(okStmt + `,"Foo":"x"`), `unknown key "Foo"`},
		{"principal", AWS, stmt(okStmt + `,"Principal":"*"`), "Principal is not allowed in an identity policy"},
		{"not principal", AWS, stmt(okStmt + `,"NotPrincipal":{"AWS":"x"}`), "NotPrincipal is not allowed in an identity policy"},
		{"action and notaction", AWS, stmt(okStmt + `,"NotAction":"s3:*"`), "Action or NotAction, not both"},
		{"resource and notresource", AWS, stmt(okStmt + `,"NotResource":"*"`), "Resource or NotResource, not both"},
		{"no action", AWS, stmt(`"Effect":"Allow","Resource":"*"`), "Action: missing"},
		{"no resource", AWS, stmt(`"Effect":"Allow","Action":"*"`), "Resource: missing"},
		{"empty actions", AWS, stmt(`"Effect":"Allow","Action":[],"Resource":"*"`), "Action: empty list"},
		{"empty resources", AWS, stmt(`"Effect":"Allow","Action":"*","Resource":[]`), "Resource: empty list"},
		{"action null", AWS, stmt(`"Effect":"Allow","Action":null,"Resource":"*"`), "not null"},
		{"action number", AWS, stmt(`"Effect":"Allow","Action":["*",5],"Resource":"*"`), "element 1 must be a string, not a number"},
		{"action object", AWS, stmt(`"Effect":"Allow","Action":{},"Resource":"*"`), "not an object"},
		{"action no colon", AWS, stmt(`"Effect":"Allow","Action":["ec2:A","DescribeInstances"],"Resource":"*"`), `statement 0: Action[1]: "DescribeInstances" is not "*" or "service:Action"`},
		{"action two colons", AWS, stmt(`"Effect":"Allow","Action":"ec2:a:b","Resource":"*"`), "more than one ':'"},
		{"action empty service", AWS, stmt(`"Effect":"Allow","Action":":a","Resource":"*"`), "empty service prefix"},
		{"action wildcard service", AWS, stmt(`"Effect":"Allow","Action":"*:Describe*","Resource":"*"`), "invalid service prefix"},
		{"action empty name", AWS, stmt(`"Effect":"Allow","Action":"ec2:","Resource":"*"`), "empty action name"},
		{"action bad char", AWS, stmt(`"Effect":"Allow","Action":"ec2:Describe Instances","Resource":"*"`), "invalid character"},
		{"resource not arn", AWS, stmt(`"Effect":"Allow","Action":"*","Resource":"bucket"`), `Resource[0]: "bucket" is not "*" or an ARN`},
		{"resource short arn", AWS, stmt(`"Effect":"Allow","Action":"*","Resource":"arn:aws:s3"`), "is not \"*\" or an ARN"},
		{"resource empty", AWS, stmt(`"Effect":"Allow","Action":"*","Resource":""`), "is not \"*\" or an ARN"},
		{"aws char range", AWS, stmt(`"Effect":"Allow","Action":"*","Resource":"arn:aws:s3:::b\u0100"`), "U+0020 to U+00FF"},
		{"control char", AWS, stmt(`"Effect":"Allow","Action":"*","Resource":"arn:aws:s3:::b\u0001"`), "control character"},
		{"sid not alnum", AWS, stmt(`"Sid":"read-only",` + okStmt), "Sid: AWS allows only letters and digits"},
		{"sid not string", AWS, stmt(`"Sid":1,` + okStmt), "Sid: must be a string"},
		{"duplicate sid", AWS, `{"Statement":[{"Sid":"a",` + okStmt + `},{"Sid":"a",` + okStmt + `}]}`, `statement 1 ("a"): Sid: same Sid as statement 0`},
		{"condition not object", AWS, stmt(okStmt + `,"Condition":[]`), "Condition: must be an object"},
		{"condition op not object", AWS, stmt(okStmt + `,"Condition":{"StringEquals":"x"}`), "Condition.StringEquals: must be an object"},
		{"condition op empty", AWS, stmt(okStmt + `,"Condition":{"StringEquals":{}}`), "no condition keys"},
		{"unknown operator", AWS, stmt(okStmt + `,"Condition":{"StringEqual":{"k":"v"}}`), "Condition.StringEqual: unknown condition operator"},
		{"operator case", AWS, stmt(okStmt + `,"Condition":{"stringEquals":{"k":"v"}}`), "unknown condition operator"},
		{"bad qualifier", AWS, stmt(okStmt + `,"Condition":{"ForSomeValues:StringEquals":{"k":"v"}}`), "unknown condition operator"},
		{"null ifexists", AWS, stmt(okStmt + `,"Condition":{"NullIfExists":{"k":"true"}}`), "Null cannot take the IfExists suffix"},
		{"null qualified", AWS, stmt(okStmt + `,"Condition":{"ForAnyValue:Null":{"k":"true"}}`), "Null cannot take a ForAnyValue"},
		{"double ifexists", AWS, stmt(okStmt + `,"Condition":{"StringEqualsIfExistsIfExists":{"k":"v"}}`), "unknown condition operator"},
		{"duplicate condition key", AWS, stmt(okStmt + `,"Condition":{"StringEquals":{"k":"a","k":"b"}}`), `Condition.StringEquals.k: duplicate key "k"`},
		{"duplicate operator", AWS, stmt(okStmt + `,"Condition":{"Bool":{"k":"true"},"Bool":{"j":"true"}}`), `Condition.Bool: duplicate key "Bool"`},
		{"empty values", AWS, stmt(okStmt + `,"Condition":{"StringEquals":{"k":[]}}`), "empty list of values"},
		{"null value", AWS, stmt(okStmt + `,"Condition":{"StringEquals":{"k":null}}`), "not null"},
		{"null in values", AWS, stmt(okStmt + `,"Condition":{"StringEquals":{"k":["a",null]}}`), "value 1 must be a string, number or boolean, not null"},
		{"object value", AWS, stmt(okStmt + `,"Condition":{"StringEquals":{"k":{}}}`), "not an object"},
		{"empty key", AWS, stmt(okStmt + `,"Condition":{"StringEquals":{"":"v"}}`), "empty condition key"},
		{"bad number", AWS, stmt(okStmt + `,"Condition":{"NumericLessThan":{"k":"ten"}}`), `Condition.NumericLessThan.k[0]: "ten" is not a number`},
		{"hex number", AWS, stmt(okStmt + `,"Condition":{"NumericLessThan":{"k":"0x10"}}`), "not a number"},
		{"infinite number", AWS, stmt(okStmt + `,"Condition":{"NumericLessThan":{"k":1e999}}`), "not a number"},
		{"bad date", AWS, stmt(okStmt + `,"Condition":{"DateLessThan":{"aws:CurrentTime":"tomorrow"}}`), "not a date"},
		{"bad bool", AWS, stmt(okStmt + `,"Condition":{"Bool":{"aws:SecureTransport":"yes"}}`), `not "true" or "false"`},
		{"bad null", AWS, stmt(okStmt + `,"Condition":{"Null":{"k":1}}`), `not "true" or "false"`},
		{"bad cidr", AWS, stmt(okStmt + `,"Condition":{"IpAddress":{"aws:SourceIp":"10.0.0.0/33"}}`), "not an IP address or CIDR"},
		{"bad base64", AWS, stmt(okStmt + `,"Condition":{"BinaryEquals":{"k":"***"}}`), "not base64"},
		{"version not 2012 in eim", EIM, `{"Version":"2008-10-17","Statement":[{` + okStmt + `}]}`, "Outscale EIM accepts only"},
		{"id in eim", EIM, `{"Id":"x","Statement":[{` + okStmt + `}]}`, "Outscale EIM policies have no Id"},
		{"condition in eim", EIM, stmt(okStmt + `,"Condition":{"Bool":{"k":"true"}}`), "Outscale EIM policies have no Condition"},
		{"notresource in eim", EIM, stmt(`"Effect":"Allow","Action":"*","NotResource":"*"`), "Outscale EIM policies have no NotResource"},
		{"scoped resource in eim", EIM, stmt(`"Effect":"Allow","Action":"*","Resource":"orn:ows:idauth::012345678910:user/x"`), "Outscale EIM has no resource scoping"},
		{"principal in eim", EIM, stmt(okStmt + `,"Principal":"*"`), "Principal is not allowed"},
		{"unknown dialect", Dialect(9), stmt(okStmt), "unknown dialect"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			doc, err := Parse([]byte(tt.in), tt.d)
			if err == nil {
				t.Fatalf("Parse succeeded: %#v", doc)
			}
			if !errors.Is(err, kind.Invalid) {
				t.Errorf("error does not wrap kind.Invalid: %v", err)
			}
			var pe *Error
			if !errors.As(err, &pe) {
				t.Errorf("error is %T, not *Error", err)
			}
			if !strings.Contains(err.Error(), tt.wantErr) {
				t.Errorf("error %q does not contain %q", err, tt.wantErr)
			}
			if !strings.HasPrefix(err.Error(), "native policy: ") {
				t.Errorf("error %q lacks the prefix", err)
			}
		})
	}
}

func TestParseAccepts(t *testing.T) {
	tests := []struct {
		name string
		d    Dialect
		in   string
		want Document
	}{
		{"single statement object", AWS,
			`{"Version":"2012-10-17","Statement":{"Effect":"Deny","NotAction":"iam:*","NotResource":["arn:aws:iam::*:user/x"]}}`,
			Document{Version: Version2012, Statements: []Statement{{Effect: Deny, NotActions: []string{"iam:*"}, NotResources: []string{"arn:aws:iam::*:user/x"}}}}},
		{"no version means 2008", AWS,
			`{"Statement":[{"Effect":"Allow","Action":"*","Resource":"*"}]}`,
			Document{Version: Version2008, Statements: []Statement{{Effect: Allow, Actions: []string{"*"}, Resources: []string{"*"}}}}},
		{"id and sid", AWS,
			`{"Id":"pol-1","Statement":[{"Sid":"ro1","Effect":"Allow","Action":"*","Resource":"*"}]}`,
			Document{Version: Version2008, ID: "pol-1", Statements: []Statement{{Sid: "ro1", Effect: Allow, Actions: []string{"*"}, Resources: []string{"*"}}}}},
		{"members in any order, white space", AWS,
			" \n{ \"Statement\" : [ { \"Resource\" : \"*\" , \"Action\" : [ \"s3:Get*\" , \"s3:List?\" ] , \"Effect\" : \"Allow\" } ] } \n",
			Document{Version: Version2008, Statements: []Statement{{Effect: Allow, Actions: []string{"s3:Get*", "s3:List?"}, Resources: []string{"*"}}}}},
		{"conditions sorted, scalars kept as text", AWS,
			stmt(okStmt + `,"Condition":{"StringLike":{"b":"x*","a":["y",true]},"Bool":{"aws:SecureTransport":true},"NumericLessThan":{"s3:max-keys":10.50}}`),
			Document{Version: Version2012, Statements: []Statement{{Effect: Allow, Actions: []string{"ec2:DescribeInstances"}, Resources: []string{"*"}, Conditions: []Condition{
				{Operator: "Bool", Key: "aws:SecureTransport", Values: []string{"true"}},
				{Operator: "NumericLessThan", Key: "s3:max-keys", Values: []string{"10.50"}},
				{Operator: "StringLike", Key: "a", Values: []string{"y", "true"}},
				{Operator: "StringLike", Key: "b", Values: []string{"x*"}},
			}}}}},
		{"qualified operators", AWS,
			stmt(okStmt + `,"Condition":{"ForAllValues:StringEqualsIfExists":{"aws:TagKeys":["a","b"]},"ForAnyValue:IpAddressIfExists":{"k":"10.0.0.0/8"},"Null":{"aws:TokenIssueTime":"false"}}`),
			Document{Version: Version2012, Statements: []Statement{{Effect: Allow, Actions: []string{"ec2:DescribeInstances"}, Resources: []string{"*"}, Conditions: []Condition{
				{Operator: "ForAllValues:StringEqualsIfExists", Key: "aws:TagKeys", Values: []string{"a", "b"}},
				{Operator: "ForAnyValue:IpAddressIfExists", Key: "k", Values: []string{"10.0.0.0/8"}},
				{Operator: "Null", Key: "aws:TokenIssueTime", Values: []string{"false"}},
			}}}}},
		{"empty condition block", AWS,
			stmt(okStmt + `,"Condition":{}`),
			Document{Version: Version2012, Statements: []Statement{{Effect: Allow, Actions: []string{"ec2:DescribeInstances"}, Resources: []string{"*"}}}}},
		{"latin-1 and escapes", AWS,
			stmt(`"Effect":"Allow","Action":"s3:GetObject","Resource":"arn:aws:s3:::b/caf\u00e9/é/\"q\""`),
			Document{Version: Version2012, Statements: []Statement{{Effect: Allow, Actions: []string{"s3:GetObject"}, Resources: []string{`arn:aws:s3:::b/café/é/"q"`}}}}},
		{"short wildcard arn", AWS,
			stmt(`"Effect":"Allow","Action":"codebuild:*","Resource":"arn:aws:codebuild:*"`),
			Document{Version: Version2012, Statements: []Statement{{Effect: Allow, Actions: []string{"codebuild:*"}, Resources: []string{"arn:aws:codebuild:*"}}}}},
		{"eim version dropped", EIM,
			`{"Version":"2012-10-17","Statement":[{"Sid":"read-only 1","Effect":"Deny","NotAction":["api:Read*"],"Resource":["*"]}]}`,
			Document{Statements: []Statement{{Sid: "read-only 1", Effect: Deny, NotActions: []string{"api:Read*"}, Resources: []string{"*"}}}}},
		{"eim unicode sid", EIM,
			`{"Statement":[{"Sid":"lecture-seule ✓","Effect":"Allow","Action":"api:Read*","Resource":"*"}]}`,
			Document{Statements: []Statement{{Sid: "lecture-seule ✓", Effect: Allow, Actions: []string{"api:Read*"}, Resources: []string{"*"}}}}},
		{"eim duplicate sids", EIM,
			`{"Statement":[{"Sid":"a","Effect":"Allow","Action":"*","Resource":"*"},{"Sid":"a","Effect":"Allow","Action":"*","Resource":"*"}]}`,
			Document{Statements: []Statement{{Sid: "a", Effect: Allow, Actions: []string{"*"}, Resources: []string{"*"}}, {Sid: "a", Effect: Allow, Actions: []string{"*"}, Resources: []string{"*"}}}}},
		{"depth 8 ok", AWS,
			stmt(okStmt + `,"Condition":{"StringEquals":{"k":["v"]}}`),
			Document{Version: Version2012, Statements: []Statement{{Effect: Allow, Actions: []string{"ec2:DescribeInstances"}, Resources: []string{"*"}, Conditions: []Condition{{Operator: "StringEquals", Key: "k", Values: []string{"v"}}}}}}},
		{"brackets inside strings do not count as nesting", AWS,
			stmt(`"Sid":"a",` + okStmt + `,"Condition":{"StringLike":{"k":"[[[[[[[[[[{{{{{{{{{{\\\"["}}`),
			Document{Version: Version2012, Statements: []Statement{{Sid: "a", Effect: Allow, Actions: []string{"ec2:DescribeInstances"}, Resources: []string{"*"}, Conditions: []Condition{{Operator: "StringLike", Key: "k", Values: []string{`[[[[[[[[[[{{{{{{{{{{\"[`}}}}}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := Parse([]byte(tt.in), tt.d)
			if err != nil {
				t.Fatalf("Parse: %v", err)
			}
			if !reflect.DeepEqual(got, tt.want) {
				t.Fatalf("got  %#v\nwant %#v", got, tt.want)
			}
			roundTrip(t, got, tt.d)
		})
	}
}

func TestErrorFields(t *testing.T) {
	in := `{"Statement":[{"Sid":"a","Effect":"Allow","Action":"*","Resource":"*"},` +
		`{"Sid":"ro","Effect":"Allow","Action":["ec2:A","bad"],"Resource":"*"}]}`
	_, err := Parse([]byte(in), AWS)
	var pe *Error
	if !errors.As(err, &pe) {
		t.Fatalf("err = %v", err)
	}
	want := Error{Statement: 1, Sid: "ro", Field: "Action[1]", Msg: `"bad" is not "*" or "service:Action"`}
	if *pe != want {
		t.Errorf("got %+v, want %+v", *pe, want)
	}
	if got := pe.Error(); got != `native policy: statement 1 ("ro"): Action[1]: "bad" is not "*" or "service:Action"` {
		t.Errorf("message = %s", got)
	}
	_, err = Parse([]byte(`{"Statement":[{"Effect":"Allow","Action":"*","Resource":"*"},{"Effect":"Allow","Action":"*","Resource":"*","Condition":{"Bool":{"k":true,"k":false}}}]}`), AWS)
	if !errors.As(err, &pe) || pe.Statement != 1 || pe.Field != "Condition.Bool.k" {
		t.Errorf("duplicate key error = %#v", err)
	}
	doc := (&Error{Statement: -1, Field: "Version", Msg: "x"}).Error()
	if doc != "native policy: Version: x" {
		t.Errorf("document-level message = %s", doc)
	}
}

func TestDepthBound(t *testing.T) {
	// Exactly MaxDepth levels pass the depth check (and then fail on shape).
	in := strings.Repeat("[", MaxDepth) + strings.Repeat("]", MaxDepth)
	_, err := Parse([]byte(in), AWS)
	if err == nil || strings.Contains(err.Error(), "nesting") {
		t.Errorf("depth %d: %v", MaxDepth, err)
	}
}
