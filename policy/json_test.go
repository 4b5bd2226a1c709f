package policy

import (
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/iamkit/iamkit/internal/kind"
)

const stmtRO = `{"Sid":"ro","Effect":"Allow","Action":["compute:Read"],"Resource":["*"]}`

func TestParseValid(t *testing.T) {
	tests := []struct {
		name, in string
		want     Document
	}{
		{
			name: "canonical",
			in:   `{"Version":"iamkit/1","Statement":[` + stmtRO + `]}`,
			want: Document{Version: Version, Statements: []Statement{{Sid: "ro", Effect: Allow, Actions: []Action{"compute:Read"}, Resources: []Resource{"*"}}}},
		},
		{
			name: "no version, single statement, strings, spaces",
			in:   "\n{ \"Statement\" : {\"Effect\":\"Deny\", \"NotAction\":\"iam:*\", \"NotResource\":\"project/p1\"} }\n\t",
			want: Document{Version: Version, Statements: []Statement{{Effect: Deny, NotActions: []Action{"iam:*"}, NotResources: []Resource{"project/p1"}}}},
		},
		{
			name: "portable actions canonicalised, native verbatim",
			in:   `{"Statement":[{"Effect":"Allow","Action":["Compute:read","*:LIST","aws:ec2:describeInstances","*"],"Resource":"*"}]}`,
			want: Document{Version: Version, Statements: []Statement{{Effect: Allow, Actions: []Action{"compute:Read", "*:List", "aws:ec2:describeInstances", "*"}, Resources: []Resource{"*"}}}},
		},
		{
			name: "conditions sorted, values in order",
			in: `{"Statement":[{"Effect":"Allow","Action":"compute:*","Resource":"compute:instance/*","Condition":{
				"StringEqualsIfExists":{"iamkit:ResourceTag/Team":["b","a"],"iamkit:ResourceTag/CreatedBy":"user"},
				"DateLessThan":{"iamkit:CurrentTime":"2027-01-01T00:00:00Z"},
				"IpAddress":{"iamkit:SourceIp":["203.0.113.0/24","2001:db8::1"]}}}]}`,
			want: Document{Version: Version, Statements: []Statement{{
				Effect: Allow, Actions: []Action{"compute:*"}, Resources: []Resource{"compute:instance/*"},
				Conditions: []Condition{
					{Operator: DateLessThan, Key: KeyCurrentTime, Values: []string{"2027-01-01T00:00:00Z"}},
					{Operator: IPAddress, Key: KeySourceIP, Values: []string{"203.0.113.0/24", "2001:db8::1"}},
					{Operator: StringEqualsIfExists, Key: "iamkit:ResourceTag/CreatedBy", Values: []string{"user"}},
					{Operator: StringEqualsIfExists, Key: "iamkit:ResourceTag/Team", Values: []string{"b", "a"}},
				},
			}}},
		},
		{
			name: "escaped keys are the same keys",
			in:   `{"Statement":[{"Eff\u0065ct":"Allow","Action":"*","Resource":"objectstorage:object/\u00e9t\u00e9/*"}]}`,
			want: Document{Version: Version, Statements: []Statement{{Effect: Allow, Actions: []Action{"*"}, Resources: []Resource{"objectstorage:object/été/*"}}}},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := Parse([]byte(tt.in))
			if err != nil {
				t.Fatal(err)
			}
			if !reflect.DeepEqual(got, tt.want) {
				t.Fatalf("Parse =\n%#v\nwant\n%#v", got, tt.want)
			}
			checkRoundTrip(t, got)
		})
	}
}

// checkRoundTrip checks that d, as returned by Parse, survives
// Marshal → Parse unchanged and that Marshal is idempotent.
func checkRoundTrip(t testing.TB, d Document) {
	t.Helper()
	b1, err := json.Marshal(d)
	if err != nil {
		t.Fatalf("Marshal: %v", err)
	}
	d2, err := Parse(b1)
	if err != nil {
		t.Fatalf("Parse(Marshal(d)): %v\n%s", err, b1)
	}
	if !reflect.DeepEqual(d, d2) {
		t.Fatalf("round trip changed the document:\n%#v\n%#v\n%s", d, d2, b1)
	}
	b2, err := json.Marshal(d2)
	if err != nil {
		t.Fatalf("Marshal: %v", err)
	}
	if string(b1) != string(b2) {
		t.Fatalf("Marshal is not idempotent:\n%s\n%s", b1, b2)
	}
}

func stmt(body string) string { return `{"Statement":[` + body + `]}` }

func TestParseInvalid(t *testing.T) {
	long := strings.Repeat("x", 10000)
	tests := []struct {
		name, in, want string
	}{
		{"empty input", ``, "unexpected end"},
		{"null", `null`, "want a JSON object, got null"},
		{"list", `[]`, "want a JSON object, got a list"},
		{"empty object", `{}`, "Statement: missing"},
		{"bad version", `{"Version":"2012-10-17","Statement":[` + stmtRO + `]}`, `Version: unsupported version "2012-10-17"`},
		{"empty version", `{"Version":"","Statement":[` + stmtRO + `]}`, `Version: must not be empty`},
		{"version number", `{"Version":1,"Statement":[` + stmtRO + `]}`, `Version: want a string, got a number`},
		{"duplicate version", `{"Version":"iamkit/1","Version":"iamkit/1","Statement":[` + stmtRO + `]}`, `duplicate key "Version"`},
		{"duplicate statement", `{"Statement":[` + stmtRO + `],"Statement":[` + stmtRO + `]}`, `duplicate key "Statement"`},
		{"lower-case key", `{"statement":[` + stmtRO + `]}`, `unknown key "statement"`},
		{"unknown top key", `{"Statement":[` + stmtRO + `],"Id":"x"}`, `unknown key "Id"`},
		{"empty statement list", `{"Statement":[]}`, "Statement: must not be an empty list"},
		{"null statement", `{"Statement":null}`, "want a list of statements or one statement, got null"},
		{"string statement", `{"Statement":"x"}`, "got a string"},
		{"number in statements", `{"Statement":[1]}`, "statement 0: want a statement object, got a number"},
		{"second statement bad", stmt(stmtRO + `,[]`), "statement 1: want a statement object, got a list"},
		{"duplicate effect", stmt(`{"Effect":"Deny","Effect":"Allow","Action":"*","Resource":"*"}`), `statement 0: duplicate key "Effect"`},
		{"lower-case effect key", stmt(`{"effect":"Allow","Action":"*","Resource":"*"}`), `unknown key "effect"`},
		{"Effect lower-case value", stmt(`{"Effect":"allow","Action":"*","Resource":"*"}`), `Effect: "allow" is not an effect`},
		{"Effect missing", stmt(`{"Action":"*","Resource":"*"}`), `Effect: missing`},
		{"Effect null", stmt(`{"Effect":null,"Action":"*","Resource":"*"}`), `Effect: want a string, got null`},
		{"Sid empty", stmt(`{"Sid":"","Effect":"Allow","Action":"*","Resource":"*"}`), `Sid: must not be empty`},
		{"Sid bad", stmt(`{"Sid":"a/b","Effect":"Allow","Action":"*","Resource":"*"}`), `Sid: invalid Sid "a/b"`},
		{"Sid number", stmt(`{"Sid":1,"Effect":"Allow","Action":"*","Resource":"*"}`), `Sid: want a string, got a number`},
		{"Action missing", stmt(`{"Effect":"Allow","Resource":"*"}`), `Action: missing`},
		{"Action and NotAction", stmt(`{"Effect":"Allow","Action":"*","NotAction":"iam:*","Resource":"*"}`), `NotAction: Action and NotAction exclude each other`},
		{"Action empty list", stmt(`{"Effect":"Allow","Action":[],"Resource":"*"}`), `Action: must not be an empty list`},
		{"Action empty string", stmt(`{"Effect":"Allow","Action":"","Resource":"*"}`), `Action: must not be empty`},
		{"Action empty element", stmt(`{"Effect":"Allow","Action":["*",""],"Resource":"*"}`), `Action[1]: must not be empty`},
		{"Action number element", stmt(`{"Effect":"Allow","Action":["*",1],"Resource":"*"}`), `Action[1]: want a string, got a number`},
		{"Action null element", stmt(`{"Effect":"Allow","Action":[null],"Resource":"*"}`), `Action[0]: want a string, got null`},
		{"Action object", stmt(`{"Effect":"Allow","Action":{},"Resource":"*"}`), `Action: want a string or a list of strings, got an object`},
		{"Action bool", stmt(`{"Effect":"Allow","Action":true,"Resource":"*"}`), `Action: want a string or a list of strings, got a boolean`},
		{"Action nested list", stmt(`{"Effect":"Allow","Action":[["*"]],"Resource":"*"}`), `Action[0]: want a string, got a list`},
		{"unknown service", stmt(`{"Sid":"ro","Effect":"Allow","Action":["compute:Read","compte:Read"],"Resource":"*"}`), `statement 0 ("ro"): Action[1]: unknown service "compte"`},
		{"unknown level", stmt(`{"Effect":"Allow","Action":"compute:Admin","Resource":"*"}`), `Action[0]: unknown level "Admin"`},
		{"AWS action without prefix", stmt(`{"Effect":"Allow","Action":"ec2:DescribeInstances","Resource":"*"}`), `unknown service "ec2"`},
		{"malformed native", stmt(`{"Effect":"Allow","NotAction":"aws:ec2","Resource":"*"}`), `NotAction[0]: malformed AWS action`},
		{"Resource missing", stmt(`{"Effect":"Allow","Action":"*"}`), `Resource: missing`},
		{"Resource and NotResource", stmt(`{"Effect":"Allow","Action":"*","Resource":"*","NotResource":"*"}`), `NotResource: Resource and NotResource exclude each other`},
		{"Resource empty", stmt(`{"Effect":"Allow","Action":"*","Resource":[]}`), `Resource: must not be an empty list`},
		{"Resource bad", stmt(`{"Effect":"Allow","Action":"*","Resource":["*","bucket"]}`), `Resource[1]: "bucket" is not a resource`},
		{"Condition empty", stmt(`{"Effect":"Allow","Action":"*","Resource":"*","Condition":{}}`), `Condition: must not be empty`},
		{"Condition null", stmt(`{"Effect":"Allow","Action":"*","Resource":"*","Condition":null}`), `Condition: want an object of operators, got null`},
		{"Condition operator empty", stmt(`{"Effect":"Allow","Action":"*","Resource":"*","Condition":{"IpAddress":{}}}`), `Condition.IpAddress: must not be empty`},
		{"Condition operator list", stmt(`{"Effect":"Allow","Action":"*","Resource":"*","Condition":{"IpAddress":[]}}`), `Condition.IpAddress: want an object of condition keys, got a list`},
		{"Condition values empty", stmt(`{"Effect":"Allow","Action":"*","Resource":"*","Condition":{"IpAddress":{"iamkit:SourceIp":[]}}}`), `Condition.IpAddress.iamkit:SourceIp: must not be an empty list`},
		{"Condition value number", stmt(`{"Effect":"Allow","Action":"*","Resource":"*","Condition":{"IpAddress":{"iamkit:SourceIp":5}}}`), `Condition.IpAddress.iamkit:SourceIp: want a string or a list of strings, got a number`},
		{"Condition duplicate operator", stmt(`{"Effect":"Allow","Action":"*","Resource":"*","Condition":{"IpAddress":{"iamkit:SourceIp":"10.0.0.0/8"},"IpAddress":{"iamkit:SourceIp":"0.0.0.0/0"}}}`), `duplicate operator "IpAddress"`},
		{"Condition duplicate key", stmt(`{"Effect":"Allow","Action":"*","Resource":"*","Condition":{"IpAddress":{"iamkit:SourceIp":"10.0.0.0/8","iamkit:SourceIp":"0.0.0.0/0"}}}`), `duplicate key "iamkit:SourceIp"`},
		{"bad CIDR", stmt(`{"Effect":"Allow","Action":"*","Resource":"*","Condition":{"IpAddress":{"iamkit:SourceIp":["10.0.0.0/8","10.0.0.0/33"]}}}`), `Condition.IpAddress.iamkit:SourceIp[1]: "10.0.0.0/33" is not an IP address or CIDR range`},
		{"zoned IP", stmt(`{"Effect":"Allow","Action":"*","Resource":"*","Condition":{"IpAddress":{"iamkit:SourceIp":"fe80::1%eth0"}}}`), `is not an IP address`},
		{"IP with string op", stmt(`{"Effect":"Allow","Action":"*","Resource":"*","Condition":{"StringEquals":{"iamkit:SourceIp":"10.0.0.1"}}}`), `operator StringEquals does not apply to iamkit:SourceIp`},
		{"bad time", stmt(`{"Effect":"Allow","Action":"*","Resource":"*","Condition":{"DateLessThan":{"iamkit:CurrentTime":"2027-01-01"}}}`), `Condition.DateLessThan.iamkit:CurrentTime[0]: "2027-01-01" is not an RFC 3339 time`},
		{"time with IP op", stmt(`{"Effect":"Allow","Action":"*","Resource":"*","Condition":{"IpAddress":{"iamkit:CurrentTime":"2027-01-01T00:00:00Z"}}}`), `operator IpAddress does not apply to iamkit:CurrentTime`},
		{"tag without key", stmt(`{"Effect":"Allow","Action":"*","Resource":"*","Condition":{"StringEquals":{"iamkit:ResourceTag/":"x"}}}`), `malformed tag key ""`},
		{"tag with date op", stmt(`{"Effect":"Allow","Action":"*","Resource":"*","Condition":{"DateLessThan":{"iamkit:ResourceTag/a":"x"}}}`), `operator DateLessThan does not apply`},
		{"unknown operator", stmt(`{"Effect":"Allow","Action":"*","Resource":"*","Condition":{"StringLike":{"iamkit:ResourceTag/a":"x"}}}`), `unknown operator "StringLike"`},
		{"native condition key", stmt(`{"Effect":"Allow","Action":"*","Resource":"*","Condition":{"StringEqualsIfExists":{"ec2:ResourceTag/CreatedBy":"user"}}}`), `did you mean "iamkit:ResourceTag/CreatedBy"?`},
		{"unknown key", stmt(`{"Effect":"Allow","Action":"*","Resource":"*","Condition":{"IpAddress":{"aws:SourceIp":"10.0.0.1"}}}`), `unknown condition key "aws:SourceIp"`},
		{"trailing object", `{"Statement":[` + stmtRO + `]}{}`, "trailing data"},
		{"trailing garbage", `{"Statement":[` + stmtRO + `]} x`, "trailing data"},
		{"syntax error", `{"Statement":[}`, "malformed JSON"},
		{"truncated", `{"Statement":[{"Effect":"Allow"`, "unexpected end"},
		{"single quotes", `{'Statement':[]}`, "malformed JSON"},
		{"BOM", "\ufeff{\"Statement\":[" + stmtRO + "]}", "malformed JSON"},
		{"invalid UTF-8", "{\"Statement\":[{\"Sid\":\"\xff\"}]}", "not valid UTF-8"},
		{"too large", `{"Statement":[` + stmtRO + `],"x":"` + strings.Repeat("a", MaxDocumentSize) + `"}`, "document too large"},
		{"too deep", strings.Repeat("[", 9) + strings.Repeat("]", 9), "nested deeper than 8"},
		{"too deep in statement", stmt(`{"Effect":"Allow","Action":[[[[[[["*"]]]]]]],"Resource":"*"}`), "nested deeper than 8"},
		{"long value is not echoed", stmt(`{"Effect":"Allow","Action":"` + long + `:Read","Resource":"*"}`), `unknown service "xxxxxxxx`},
		{"long key is not echoed", stmt(`{"Effect":"Allow","Action":"*","Resource":"*","` + long + `":1}`), `unknown key "xxxx`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := Parse([]byte(tt.in))
			if err == nil {
				t.Fatal("Parse succeeded")
			}
			if !errors.Is(err, ErrInvalid) || !errors.Is(err, kind.Invalid) {
				t.Errorf("error %v does not wrap ErrInvalid", err)
			}
			var pe *Error
			if !errors.As(err, &pe) {
				t.Errorf("error %v holds no *Error", err)
			}
			if !strings.Contains(err.Error(), tt.want) {
				t.Errorf("error\n%v\ndoes not contain\n%s", err, tt.want)
			}
			if len(err.Error()) > 2000 {
				t.Errorf("error message of %d bytes echoes too much input", len(err.Error()))
			}
		})
	}
}

func TestDepthScanIgnoresStrings(t *testing.T) {
	in := stmt(`{"Sid":"a","Effect":"Allow","Action":"*","Resource":"objectstorage:object/[[[[[[[[[[{{{{\"\\"}`)
	in = strings.Replace(in, `"Sid":"a",`, "", 1)
	if _, err := Parse([]byte(in)); err != nil && strings.Contains(err.Error(), "nested") {
		t.Fatalf("brackets inside strings counted as nesting: %v", err)
	}
}

func TestErrorFormat(t *testing.T) {
	tests := []struct {
		e    Error
		want string
	}{
		{Error{Statement: 2, Sid: "ro", Field: "Action[1]", Msg: `unknown service "compte"`}, `policy: statement 2 ("ro"): Action[1]: unknown service "compte"`},
		{Error{Statement: 0, Field: "Effect", Msg: "missing"}, `policy: statement 0: Effect: missing`},
		{Error{Statement: -1, Field: "Statement", Msg: "missing"}, `policy: Statement: missing`},
		{Error{Statement: -1, Msg: "document too large"}, `policy: document too large`},
	}
	for _, tt := range tests {
		if got := tt.e.Error(); got != tt.want {
			t.Errorf("Error() = %q, want %q", got, tt.want)
		}
		if !errors.Is(&tt.e, ErrInvalid) {
			t.Errorf("%v does not wrap ErrInvalid", &tt.e)
		}
	}
	if q := quote(strings.Repeat("é", 100)); len(q) > maxQuoted+10 || !strings.HasSuffix(q, "…") {
		t.Errorf("quote did not truncate: %s", q)
	}
}

func TestMarshalCanonical(t *testing.T) {
	doc := Document{Statements: []Statement{
		{Effect: Allow, Actions: []Action{"Compute:read", "aws:ec2:DescribeInstances"}, Resources: []Resource{"*"},
			Conditions: []Condition{
				{Operator: StringEquals, Key: "iamkit:ResourceTag/b", Values: []string{"x\"<y>\u2028"}},
				{Operator: IPAddress, Key: KeySourceIP, Values: []string{"10.0.0.0/8"}},
				{Operator: StringEquals, Key: "iamkit:ResourceTag/a", Values: []string{"1", "2"}},
			}},
		{Sid: "deny", Effect: Deny, NotActions: []Action{"compute:*"}, NotResources: []Resource{"project/p1"}},
	}}
	got, err := json.Marshal(doc)
	if err != nil {
		t.Fatal(err)
	}
	want := `{"Version":"iamkit/1","Statement":[` +
		`{"Effect":"Allow","Action":["compute:Read","aws:ec2:DescribeInstances"],"Resource":["*"],` +
		`"Condition":{"IpAddress":{"iamkit:SourceIp":["10.0.0.0/8"]},"StringEquals":{"iamkit:ResourceTag/a":["1","2"],"iamkit:ResourceTag/b":["x\"\u003cy\u003e\u2028"]}}},` +
		`{"Sid":"deny","Effect":"Deny","NotAction":["compute:*"],"NotResource":["project/p1"]}]}`
	if string(got) != want {
		t.Fatalf("Marshal =\n%s\nwant\n%s", got, want)
	}
	if doc.Statements[0].Conditions[0].Key != "iamkit:ResourceTag/b" || doc.Statements[0].Actions[0] != "Compute:read" {
		t.Fatal("Marshal modified its argument")
	}
	parsed, err := Parse(got)
	if err != nil {
		t.Fatal(err)
	}
	checkRoundTrip(t, parsed)
}

func TestMarshalInvalid(t *testing.T) {
	_, err := json.Marshal(Document{})
	if !errors.Is(err, ErrInvalid) {
		t.Fatalf("Marshal of an empty document: %v", err)
	}
	_, err = Document{Statements: []Statement{{Effect: Allow, Actions: []Action{"nope"}, Resources: []Resource{"*"}}}}.MarshalJSON()
	if !errors.Is(err, ErrInvalid) {
		t.Fatalf("MarshalJSON of an invalid document: %v", err)
	}
}

func TestUnmarshalJSON(t *testing.T) {
	var holder struct {
		Name   string
		Policy Document
	}
	in := `{"Name":"ro","Policy":{"Statement":{"Effect":"Allow","Action":"compute:read","Resource":"*"}}}`
	if err := json.Unmarshal([]byte(in), &holder); err != nil {
		t.Fatal(err)
	}
	want := Document{Version: Version, Statements: []Statement{{Effect: Allow, Actions: []Action{"compute:Read"}, Resources: []Resource{"*"}}}}
	if !reflect.DeepEqual(holder.Policy, want) {
		t.Fatalf("got %#v", holder.Policy)
	}
	err := json.Unmarshal([]byte(`{"Statement":{"Effect":"Allow","Effect":"Deny","Action":"*","Resource":"*"}}`), &holder.Policy)
	if !errors.Is(err, ErrInvalid) {
		t.Fatalf("json.Unmarshal of a bad document: %v", err)
	}
}

// TestTestdata parses the readable documents in testdata: *.json must be
// valid and survive a round trip; invalid-*.json must be refused.
func TestTestdata(t *testing.T) {
	files, err := filepath.Glob("testdata/*.json")
	if err != nil || len(files) == 0 {
		t.Fatalf("no testdata: %v", err)
	}
	for _, f := range files {
		t.Run(filepath.Base(f), func(t *testing.T) {
			data, err := os.ReadFile(f)
			if err != nil {
				t.Fatal(err)
			}
			doc, err := Parse(data)
			if strings.HasPrefix(filepath.Base(f), "invalid-") {
				if !errors.Is(err, ErrInvalid) {
					t.Fatalf("Parse: %v, want an ErrInvalid", err)
				}
				t.Log(err)
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			checkRoundTrip(t, doc)
		})
	}
}

func TestPresetsRoundTrip(t *testing.T) {
	for name, doc := range map[string]Document{
		"ReadOnly":    ReadOnly(Compute),
		"FullControl": FullControl(),
		"LayerOps":    LayerOpsOperator(),
		"OVH":         OVHInfrastructureSupervisor("0f0f0f0f"),
	} {
		t.Run(name, func(t *testing.T) {
			b, err := json.Marshal(doc)
			if err != nil {
				t.Fatal(err)
			}
			parsed, err := Parse(b)
			if err != nil {
				t.Fatal(err)
			}
			checkRoundTrip(t, parsed)
		})
	}
}
