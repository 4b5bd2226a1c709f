package policy

import (
	"encoding/json"
	"errors"
	"net/netip"
	"os"
	"path/filepath"
	"reflect"
	"testing"
	"time"
)

// fuzzSeeds adds the readable documents of testdata and a few hand-written
// ones to f's corpus (testdata/fuzz/FuzzParse holds more).
func fuzzSeeds(f *testing.F, add func(doc []byte)) {
	files, _ := filepath.Glob("testdata/*.json")
	for _, file := range files {
		data, err := os.ReadFile(file)
		if err != nil {
			f.Fatal(err)
		}
		add(data)
	}
	for _, s := range []string{
		`{"Statement":{"Effect":"Allow","Action":"*","Resource":"*"}}`,
		`{"Statement":[{"Effect":"Deny","NotAction":["iam:*","aws:iam:*"],"NotResource":"project/p"}]}`,
		`{"Statement":[{"Effect":"Allow","Action":"compute:Read","Resource":"*","Condition":{"NotIpAddress":{"iamkit:SourceIp":["10.0.0.0/8","::ffff:1.2.3.4"]},"StringNotEquals":{"iamkit:ResourceTag/a b":"c"}}}]}`,
		`{"Statement":[{"Effect":"Allow","Action":"*","Resource":"*","Effect":"Deny"}]}`,
		`{"Statement":[{"Effect":"Allow","Action":"\u0063ompute:Read","Resource":"objectstorage:object/\u2028"}]}`,
	} {
		add([]byte(s))
	}
}

func FuzzParse(f *testing.F) {
	fuzzSeeds(f, func(doc []byte) { f.Add(doc) })
	f.Fuzz(func(t *testing.T, data []byte) {
		doc, err := Parse(data)
		if err != nil {
			if !errors.Is(err, ErrInvalid) {
				t.Fatalf("error %v does not wrap ErrInvalid", err)
			}
			var pe *Error
			if !errors.As(err, &pe) {
				t.Fatalf("error %v holds no *Error", err)
			}
			return
		}
		if err := Validate(doc); err != nil {
			t.Fatalf("Parse returned a document Validate refuses: %v", err)
		}
		out, err := json.Marshal(doc)
		if err != nil {
			t.Fatalf("Marshal: %v", err)
		}
		again, err := Parse(out)
		if err != nil {
			t.Fatalf("Parse(Marshal(d)): %v\n%s", err, out)
		}
		if !reflect.DeepEqual(doc, again) {
			t.Fatalf("round trip changed the document:\n%#v\n%#v", doc, again)
		}
		out2, err := json.Marshal(again)
		if err != nil || string(out) != string(out2) {
			t.Fatalf("Marshal is not idempotent (%v):\n%s\n%s", err, out, out2)
		}
		for _, finding := range Lint(doc) {
			if finding.Severity == SeverityError {
				t.Fatalf("Lint reports an error on a valid document: %v", finding)
			}
		}
	})
}

// FuzzEvaluate checks that Evaluate never panics on a parsed document and
// that its decision always describes a statement that could decide.
func FuzzEvaluate(f *testing.F) {
	fuzzSeeds(f, func(doc []byte) {
		f.Add(doc, "compute:Read", "aws:ec2:DescribeInstances", "compute:instance/i-1", "203.0.113.7", int64(1780000000), "CreatedBy", "user")
	})
	f.Fuzz(func(t *testing.T, data []byte, action, native, resource, ip string, unix int64, tagKey, tagValue string) {
		doc, err := Parse(data)
		if err != nil {
			return
		}
		req := Request{Action: action, NativeAction: native, Resource: resource, ResourceTags: map[string]string{tagKey: tagValue}}
		req.SourceIP, _ = netip.ParseAddr(ip)
		if unix != 0 {
			req.Time = time.Unix(unix, 0)
		}
		d := Evaluate(req, doc, doc)
		if d.Document < 0 {
			if d.Allowed || d.Effect != "" || d.Statement != -1 {
				t.Fatalf("bad implicit deny %+v", d)
			}
			return
		}
		s := doc.Statements[d.Statement]
		if d.Effect != s.Effect || d.Allowed != (s.Effect == Allow) || d.Sid != s.Sid {
			t.Fatalf("decision %+v does not describe statement %+v", d, s)
		}
		if d.Document != 0 {
			t.Fatalf("decision %+v comes from the second copy of the document", d)
		}
	})
}
