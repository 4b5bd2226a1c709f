package aws

import (
	"fmt"
	"net/url"
	"slices"
	"strings"
	"testing"

	"github.com/iamkit/iamkit/iam"
	"github.com/iamkit/iamkit/policy"
	"github.com/iamkit/iamkit/provider/providertest"
)

// TestUpdatePolicyPrunes: with 5 versions, the oldest non-default one is
// deleted before the new default version is created.
func TestUpdatePolicyPrunes(t *testing.T) {
	f := newFake(t, func(action string, form url.Values) (int, string) {
		switch action {
		case "GetPolicy":
			return ok(action, "<Policy>"+policyXML("p", "/iamkit/")+"</Policy>")
		case "ListPolicyVersions":
			var b strings.Builder
			// v1 is the default; v2 is the oldest non-default; listed newest first.
			for i := 5; i >= 1; i-- {
				fmt.Fprintf(&b, "<member><VersionId>v%d</VersionId><IsDefaultVersion>%v</IsDefaultVersion><CreateDate>2024-01-0%dT00:00:00Z</CreateDate></member>", i, i == 1, i)
			}
			return ok(action, "<Versions>"+b.String()+"</Versions><IsTruncated>false</IsTruncated>")
		case "DeletePolicyVersion":
			return ok(action, "")
		case "CreatePolicyVersion":
			return ok(action, "<PolicyVersion><VersionId>v6</VersionId><IsDefaultVersion>true</IsDefaultVersion><CreateDate>2024-02-01T00:00:00Z</CreateDate></PolicyVersion>")
		}
		return apiError(400, "InvalidAction", action)
	})
	p := fakeProvider(t, f, Options{})
	doc := policy.ReadOnly(policy.Compute)
	pol, err := p.UpdatePolicy(t.Context(), "p", doc, policy.TranslateOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if pol.Version != "v6" || pol.ID != "arn:aws:iam::123456789012:policy/iamkit/p" || len(pol.Native) == 0 {
		t.Errorf("UpdatePolicy = %+v", pol)
	}
	if got := f.actions(); !slices.Equal(got, []string{"GetPolicy", "ListPolicyVersions", "DeletePolicyVersion", "CreatePolicyVersion"}) {
		t.Errorf("requests %v", got)
	}
	reqs := f.requests()
	if v := reqs[2].Get("VersionId"); v != "v2" {
		t.Errorf("deleted version %s, want v2 (the oldest non-default)", v)
	}
	if reqs[3].Get("SetAsDefault") != "true" {
		t.Errorf("CreatePolicyVersion without SetAsDefault")
	}
}

// TestGetPolicyDecodes: IAM answers the document URL-encoded; Native is
// its canonical JSON.
func TestGetPolicyDecodes(t *testing.T) {
	raw := `{"Version": "2012-10-17", "Statement": {"Effect": "Allow", "Action": "ec2:DescribeInstances", "Resource": "*"}}`
	f := newFake(t, func(action string, form url.Values) (int, string) {
		switch action {
		case "GetPolicy":
			return ok(action, "<Policy>"+policyXML("p", "/iamkit/")+"<Description>d</Description></Policy>")
		case "GetPolicyVersion":
			return ok(action, "<PolicyVersion><Document>"+url.PathEscape(raw)+"</Document><VersionId>v1</VersionId><IsDefaultVersion>true</IsDefaultVersion></PolicyVersion>")
		}
		return apiError(400, "InvalidAction", action)
	})
	p := fakeProvider(t, f, Options{})
	pol, err := p.GetPolicy(t.Context(), "p")
	if err != nil {
		t.Fatal(err)
	}
	want := `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":["ec2:DescribeInstances"],"Resource":["*"]}]}`
	if string(pol.Native) != want {
		t.Errorf("Native = %s, want %s", pol.Native, want)
	}
	if pol.Name != "p" || pol.Description != "d" || pol.Version != "v1" {
		t.Errorf("GetPolicy = %+v", pol)
	}
	if got := f.requests()[0].Get("PolicyArn"); got != "arn:aws:iam::123456789012:policy/iamkit/p" {
		t.Errorf("PolicyArn %s", got)
	}
}

func TestDecodeDocument(t *testing.T) {
	doc := `{"a": "b+c d%"}`
	for _, in := range []string{doc, url.PathEscape(doc), strings.ReplaceAll(url.QueryEscape(doc), "+", "%20")} {
		if got := string(decodeDocument(in)); got != doc {
			t.Errorf("decodeDocument(%q) = %q", in, got)
		}
	}
}

// TestInlineSizeLimits: inline policies are measured against IAM's
// inline limits before any request.
func TestInlineSizeLimits(t *testing.T) {
	f := newFake(t, func(action string, _ url.Values) (int, string) { return ok(action, "") })
	p := fakeProvider(t, f, Options{})
	var stmts []policy.Statement
	for i := range 40 {
		stmts = append(stmts, policy.Statement{Sid: fmt.Sprintf("S%d", i), Effect: policy.Allow,
			Actions: []policy.Action{"aws:ec2:DescribeInstances", "aws:ec2:DescribeVolumes"}, Resources: []policy.Resource{"*"}})
	}
	big := policy.Document{Statements: stmts} // about 3,600 characters: over 2,048, under 5,120
	_, err := p.PutInlinePolicy(t.Context(), iam.UserPrincipal("u"), "big", big, policy.TranslateOptions{})
	providertest.AssertKind(t, err, iam.ErrLimit)
	if err != nil && !strings.Contains(err.Error(), "2048") && !strings.Contains(err.Error(), "2,048") {
		t.Errorf("error %q does not give the limit", err)
	}
	if n := len(f.actions()); n != 0 {
		t.Errorf("sent %d requests, want none", n)
	}
	if _, err := p.PutInlinePolicy(t.Context(), iam.GroupPrincipal("g"), "big", big, policy.TranslateOptions{}); err != nil {
		t.Errorf("a 3,600-character inline group policy: %v", err)
	}
	if got := f.actions(); !slices.Equal(got, []string{"PutGroupPolicy"}) {
		t.Errorf("requests %v", got)
	}
}
