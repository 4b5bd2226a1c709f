package memory_test

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"testing"

	"github.com/iamkit/iamkit/iam"
	"github.com/iamkit/iamkit/policy"
	"github.com/iamkit/iamkit/provider/memory"
)

// bigPolicy returns a valid policy of about n non-whitespace characters.
func bigPolicy(n int) policy.Document {
	var actions []policy.Action
	for size := 0; size < n; size += 40 {
		actions = append(actions, policy.Action(fmt.Sprintf("aws:ec2:DescribeSomething%014d", size)))
	}
	return policy.Build(policy.Allowing(actions...))
}

func TestPolicyErrors(t *testing.T) {
	runErrCases(t, []errCase{
		{name: "duplicate", op: "CreatePolicy", kind: iam.ErrAlreadyExists,
			call: func(ctx context.Context, f *fixture) error {
				_, err := f.p.CreatePolicy(ctx, iam.PolicyInput{Name: "ops", Document: readOnly()})
				return err
			}, resource: "policy/ops"},
		{name: "invalid document", op: "CreatePolicy", kind: iam.ErrInvalid, resource: "policy/bad",
			call: func(ctx context.Context, f *fixture) error {
				_, err := f.p.CreatePolicy(ctx, iam.PolicyInput{Name: "bad", Document: policy.Document{}})
				return err
			}},
		{name: "too large", op: "CreatePolicy", kind: iam.ErrLimit, msg: "the limit is 6144",
			call: func(ctx context.Context, f *fixture) error {
				_, err := f.p.CreatePolicy(ctx, iam.PolicyInput{Name: "big", Document: bigPolicy(7000)})
				return err
			}},
		{name: "description too long", op: "CreatePolicy", kind: iam.ErrInvalid, msg: "description",
			call: func(ctx context.Context, f *fixture) error {
				_, err := f.p.CreatePolicy(ctx, iam.PolicyInput{Name: "d", Description: strings.Repeat("x", 1001), Document: readOnly()})
				return err
			}},
		{name: "get missing", op: "GetPolicy", kind: iam.ErrNotFound, resource: "policy/nope",
			call: func(ctx context.Context, f *fixture) error { _, err := f.p.GetPolicy(ctx, "nope"); return err }},
		{name: "update missing", op: "UpdatePolicy", kind: iam.ErrNotFound,
			call: func(ctx context.Context, f *fixture) error {
				_, err := f.p.UpdatePolicy(ctx, "nope", readOnly(), policy.TranslateOptions{})
				return err
			}},
		{name: "update too large", op: "UpdatePolicy", kind: iam.ErrLimit, msg: "non-whitespace characters",
			call: func(ctx context.Context, f *fixture) error {
				_, err := f.p.UpdatePolicy(ctx, "free", bigPolicy(7000), policy.TranslateOptions{})
				return err
			}},
		{name: "delete attached", op: "DeletePolicy", kind: iam.ErrConflict, msg: "attached to 1 user and 1 group",
			call: func(ctx context.Context, f *fixture) error { return f.p.DeletePolicy(ctx, "ops") }},
		{name: "delete missing", op: "DeletePolicy", kind: iam.ErrNotFound,
			call: func(ctx context.Context, f *fixture) error { return f.p.DeletePolicy(ctx, "nope") }},
		{name: "attach missing policy", op: "AttachPolicy", kind: iam.ErrNotFound, resource: "policy/nope",
			call: func(ctx context.Context, f *fixture) error {
				return f.p.AttachPolicy(ctx, "nope", iam.UserPrincipal("bob"))
			}},
		{name: "attach to missing user", op: "AttachPolicy", kind: iam.ErrNotFound, resource: "user/nobody",
			call: func(ctx context.Context, f *fixture) error {
				return f.p.AttachPolicy(ctx, "free", iam.UserPrincipal("nobody"))
			}},
		{name: "attach to missing group", op: "AttachPolicy", kind: iam.ErrNotFound, resource: "group/nope",
			call: func(ctx context.Context, f *fixture) error {
				return f.p.AttachPolicy(ctx, "free", iam.GroupPrincipal("nope"))
			}},
		{name: "attach to a role", op: "AttachPolicy", kind: iam.ErrInvalid, msg: "principal kind",
			call: func(ctx context.Context, f *fixture) error {
				return f.p.AttachPolicy(ctx, "free", iam.Principal{Kind: "role", Name: "x"})
			}},
		{name: "detach not attached", op: "DetachPolicy", kind: iam.ErrNotFound, msg: "not attached to user/bob",
			call: func(ctx context.Context, f *fixture) error {
				return f.p.DetachPolicy(ctx, "free", iam.UserPrincipal("bob"))
			}},
		{name: "attached to missing user", op: "ListAttachedPolicies", kind: iam.ErrNotFound,
			call: func(ctx context.Context, f *fixture) error {
				_, err := iam.Collect(f.p.ListAttachedPolicies(ctx, iam.UserPrincipal("nobody")))
				return err
			}},
		{name: "versions of missing", op: "PolicyVersions", kind: iam.ErrNotFound,
			call: func(ctx context.Context, f *fixture) error { _, err := f.p.PolicyVersions(ctx, "nope"); return err }},
	})
}

func TestPolicySizeMessage(t *testing.T) {
	p := memory.New(memory.WithLimits(memory.Limits{MaxPolicySize: 100}))
	doc := bigPolicy(150)
	native, err := json.Marshal(doc)
	must(t, err)
	size := 0
	for _, r := range string(native) {
		if r != ' ' && r != '\n' && r != '\t' && r != '\r' {
			size++
		}
	}
	_, err = p.CreatePolicy(context.Background(), iam.PolicyInput{Name: "big", Document: doc})
	want := fmt.Sprintf("policy is %d non-whitespace characters, the limit is 100", size)
	if ie := wantErr(t, err, "CreatePolicy", iam.ErrLimit); !strings.Contains(ie.Msg, want) {
		t.Errorf("message %q does not say %q", ie.Msg, want)
	}
	if p.Capabilities().MaxPolicySize != 100 {
		t.Error("Capabilities does not report the size limit")
	}
}

func TestPolicyRoundTrip(t *testing.T) {
	ctx := context.Background()
	clk := newClock()
	p := memory.New(memory.WithClock(clk.Now))
	doc := readOnly()
	pol, err := p.CreatePolicy(ctx, iam.PolicyInput{Name: "ro", Description: "read", Document: doc})
	must(t, err)
	native, err := json.Marshal(doc)
	must(t, err)
	if pol.Version != "v1" || pol.Description != "read" || string(pol.Native) != string(native) ||
		pol.ID != "arn:memory:iam::000000000000:policy/iamkit/ro" || !pol.CreatedAt.Equal(clk.Now()) || !pol.UpdatedAt.Equal(clk.Now()) {
		t.Errorf("CreatePolicy = %+v", pol)
	}
	if len(pol.Document.Statements) != 1 || pol.Document.Statements[0].Sid != "ro" || pol.Document.Version != policy.Version {
		t.Errorf("Document = %+v", pol.Document)
	}
	// The answer is a copy.
	pol.Document.Statements[0].Actions[0] = "iam:*"
	pol.Native[0] = 'X'
	got, err := p.GetPolicy(ctx, "ro")
	must(t, err)
	if got.Document.Statements[0].Actions[0] != "compute:Read" || got.Native[0] != '{' {
		t.Errorf("stored policy changed through the answer: %+v", got)
	}
	// The document is read back canonical, as a cloud would return it.
	_, err = p.CreatePolicy(ctx, iam.PolicyInput{Name: "loud", Document: policy.Build(policy.Allowing("COMPUTE:read"))})
	must(t, err)
	if got, _ := p.GetPolicy(ctx, "loud"); got.Document.Statements[0].Actions[0] != "compute:Read" {
		t.Errorf("stored action %q, want the canonical compute:Read", got.Document.Statements[0].Actions[0])
	}
	// So is the input.
	doc.Statements[0].Actions[0] = "iam:*"
	if got, _ := p.GetPolicy(ctx, "ro"); got.Document.Statements[0].Actions[0] != "compute:Read" {
		t.Error("stored policy changed through the caller's document")
	}
}

func TestPolicyVersionPruning(t *testing.T) {
	ctx := context.Background()
	clk := newClock()
	p := memory.New(memory.WithClock(clk.Now), memory.WithLimits(memory.Limits{PolicyVersions: 3}))
	_, err := p.CreatePolicy(ctx, iam.PolicyInput{Name: "ro", Document: readOnly()})
	must(t, err)
	created := clk.Now()
	var last *iam.Policy
	for i := 2; i <= 5; i++ {
		clk.Add(1e9)
		doc := policy.Build(policy.Allowing(policy.Action(fmt.Sprintf("aws:ec2:Describe%d", i))))
		last, err = p.UpdatePolicy(ctx, "ro", doc, policy.TranslateOptions{})
		must(t, err)
		if want := fmt.Sprintf("v%d", i); last.Version != want {
			t.Fatalf("update %d made version %s, want %s", i, last.Version, want)
		}
	}
	if !last.CreatedAt.Equal(created) || !last.UpdatedAt.Equal(clk.Now()) {
		t.Errorf("timestamps: created %v updated %v", last.CreatedAt, last.UpdatedAt)
	}
	vs, err := p.PolicyVersions(ctx, "ro")
	must(t, err)
	var got []string
	for _, v := range vs {
		s := v.ID
		if v.Default {
			s += "*"
		}
		got = append(got, s)
	}
	if strings.Join(got, ",") != "v3,v4,v5*" {
		t.Errorf("versions = %v, want v3,v4,v5* (oldest pruned first)", got)
	}
	if vs[2].Document.Statements[0].Actions[0] != "aws:ec2:Describe5" {
		t.Errorf("default version document = %+v", vs[2].Document)
	}
	if got, _ := p.GetPolicy(ctx, "ro"); got.Version != "v5" || got.Document.Statements[0].Actions[0] != "aws:ec2:Describe5" {
		t.Errorf("GetPolicy after updates = %+v", got)
	}
}

func TestPolicyVersionCapOne(t *testing.T) {
	ctx := context.Background()
	p := memory.New(memory.WithLimits(memory.Limits{PolicyVersions: 1}))
	_, err := p.CreatePolicy(ctx, iam.PolicyInput{Name: "ro", Document: readOnly()})
	must(t, err)
	_, err = p.UpdatePolicy(ctx, "ro", readOnly(), policy.TranslateOptions{})
	must(t, err)
	vs, err := p.PolicyVersions(ctx, "ro")
	must(t, err)
	if len(vs) != 1 || vs[0].ID != "v2" || !vs[0].Default {
		t.Errorf("versions = %+v", vs)
	}
}

func TestAttachments(t *testing.T) {
	ctx := context.Background()
	f := newFixture(t)
	must(t, f.p.AttachPolicy(ctx, "free", iam.UserPrincipal("alice")))
	must(t, f.p.AttachPolicy(ctx, "free", iam.UserPrincipal("alice"))) // idempotent
	pols, err := iam.Collect(f.p.ListAttachedPolicies(ctx, iam.UserPrincipal("alice")))
	must(t, err)
	if len(pols) != 2 || pols[0].Name != "free" || pols[1].Name != "ops" {
		t.Errorf("attached to alice: %v", pols)
	}
	must(t, f.p.DetachPolicy(ctx, "free", iam.UserPrincipal("alice")))
	must(t, f.p.DeletePolicy(ctx, "free"))
	all, err := iam.Collect(f.p.ListPolicies(ctx))
	must(t, err)
	if len(all) != 1 || all[0].Name != "ops" {
		t.Errorf("ListPolicies = %v", all)
	}
}

func TestTranslator(t *testing.T) {
	doc := policy.Build(policy.Allowing("compute:Read").Named("a"), policy.Denying("objectstorage:*"))
	tr, err := memory.New().Translator().Translate(doc, policy.TranslateOptions{})
	must(t, err)
	want, _ := json.Marshal(doc)
	if string(tr.Native) != string(want) {
		t.Errorf("Native = %s, want the canonical JSON %s", tr.Native, want)
	}
	if len(tr.Report.Statements) != 2 || tr.Report.Fidelity() != policy.Exact || tr.Report.Statements[0].Sid != "a" || tr.Report.Statements[1].Index != 1 {
		t.Errorf("Report = %+v", tr.Report)
	}
	_, err = memory.New().Translator().Translate(policy.Document{}, policy.TranslateOptions{})
	wantErr(t, err, "Translate", iam.ErrInvalid)
}
