package policy

import (
	"fmt"
	"testing"
)

// benchDocs returns n documents of m statements each, no conditions, where
// only the very last statement allows benchRequest (the worst case: every
// statement is looked at).
func benchDocs(n, m int) []Document {
	services := Services()
	docs := make([]Document, n)
	for d := range docs {
		stmts := make([]Statement, m)
		for i := range stmts {
			svc := services[(d*m+i)%len(services)]
			stmts[i] = Statement{
				Effect:    Allow,
				Actions:   []Action{Portable(svc, Write), Action(fmt.Sprintf("aws:ec2:Create%dThing*", i)), "outscale:api:Delete*"},
				Resources: []Resource{Resource(fmt.Sprintf("compute:instance/i-%04d-*", i)), "objectstorage:bucket/logs"},
			}
		}
		docs[d] = Document{Version: Version, Statements: stmts}
	}
	last := &docs[n-1].Statements[m-1]
	last.Actions = append(last.Actions, "compute:Read")
	last.Resources = append(last.Resources, "compute:instance/*")
	return docs
}

var benchRequest = Request{
	Action:       "compute:Read",
	NativeAction: "aws:ec2:DescribeInstances",
	Resource:     "compute:instance/i-0abc",
}

var sink Decision

func benchEvaluate(b *testing.B, docs []Document) {
	b.Helper()
	if d := Evaluate(benchRequest, docs...); !d.Allowed || d.Document != len(docs)-1 || d.Statement != len(docs[len(docs)-1].Statements)-1 {
		b.Fatalf("setup: %v", d)
	}
	b.ReportAllocs()
	for b.Loop() {
		sink = Evaluate(benchRequest, docs...)
	}
}

func BenchmarkEvaluate(b *testing.B) {
	b.Run("10-statements", func(b *testing.B) { benchEvaluate(b, benchDocs(1, 10)) })
	b.Run("500-statements-50-docs", func(b *testing.B) { benchEvaluate(b, benchDocs(50, 10)) })
	b.Run("with-conditions", func(b *testing.B) {
		docs := benchDocs(1, 10)
		last := &docs[0].Statements[9]
		*last = last.FromNetworks("198.51.100.0/24", "203.0.113.0/24").
			Between(benchTime.AddDate(-1, 0, 0), benchTime.AddDate(1, 0, 0)).
			When(StringEqualsIfExists, KeyResourceTagPrefix+"CreatedBy", "user")
		req := benchRequest
		req.SourceIP = benchIP
		req.Time = benchTime
		req.ResourceTags = map[string]string{"CreatedBy": "user"}
		if d := Evaluate(req, docs...); !d.Allowed {
			b.Fatalf("setup: %v", d)
		}
		b.ReportAllocs()
		for b.Loop() {
			sink = Evaluate(req, docs...)
		}
	})
	for _, n := range []int{10, 100, 1000} {
		b.Run(fmt.Sprintf("scaling/%d-statements", n), func(b *testing.B) { benchEvaluate(b, benchDocs(1, n)) })
	}
}

func BenchmarkParse(b *testing.B) {
	data, err := benchDocs(1, 10)[0].MarshalJSON()
	if err != nil {
		b.Fatal(err)
	}
	b.SetBytes(int64(len(data)))
	b.ReportAllocs()
	for b.Loop() {
		if _, err := Parse(data); err != nil {
			b.Fatal(err)
		}
	}
}
