package aws

import (
	"fmt"
	"net/url"
	"strings"
	"testing"

	"github.com/iamkit/iamkit/iam"
)

// twoPages answers a listing in two pages: first and, after Marker "m1",
// second. It checks MaxItems.
func twoPages(t *testing.T, action, listTag string, first, second []string) func(string, url.Values) (int, string) {
	return func(a string, form url.Values) (int, string) {
		if a != action {
			return apiError(400, "InvalidAction", a)
		}
		if form.Get("MaxItems") != "2" {
			t.Errorf("%s: MaxItems %q, want 2", a, form.Get("MaxItems"))
		}
		items, tail := first, "<IsTruncated>true</IsTruncated><Marker>m1</Marker>"
		if form.Get("Marker") == "m1" {
			items, tail = second, "<IsTruncated>false</IsTruncated>"
		}
		var b strings.Builder
		for _, it := range items {
			b.WriteString("<member>" + it + "</member>")
		}
		extra := ""
		if action == "GetGroup" {
			extra = "<Group>" + groupXML("g", "/iamkit/") + "</Group>"
		}
		return ok(a, fmt.Sprintf("%s<%s>%s</%s>%s", extra, listTag, b.String(), listTag, tail))
	}
}

func policyXML(name, path string) string {
	return fmt.Sprintf(`<PolicyName>%[1]s</PolicyName><PolicyId>ANPA%[1]s</PolicyId><Arn>arn:aws:iam::123456789012:policy%[2]s%[1]s</Arn><Path>%[2]s</Path><DefaultVersionId>v1</DefaultVersionId><CreateDate>2024-01-02T03:04:05Z</CreateDate><UpdateDate>2024-01-02T03:04:05Z</UpdateDate>`, name, path)
}

// TestPaging: every listing follows Marker while IsTruncated, keeps to
// the provider's path, and stops paging when its consumer stops.
func TestPaging(t *testing.T) {
	type listing struct {
		name   string
		action string
		tag    string
		first  []string
		second []string
		want   []string
		list   func(p *Provider) func(yield func(string, error) bool)
	}
	listings := []listing{
		{"ListUsers", "ListUsers", "Users",
			[]string{userXML("a", "/iamkit/"), userXML("b", "/iamkit/")},
			[]string{userXML("c", "/iamkit/"), userXML("foreign", "/other/")},
			[]string{"a", "b", "c"},
			func(p *Provider) func(func(string, error) bool) {
				return mapSeq(p.ListUsers(t.Context()), func(u *iam.User) string { return u.Name })
			}},
		{"ListGroups", "ListGroups", "Groups",
			[]string{groupXML("a", "/iamkit/"), groupXML("foreign", "/")},
			[]string{groupXML("b", "/iamkit/sub/")},
			[]string{"a", "b"},
			func(p *Provider) func(func(string, error) bool) {
				return mapSeq(p.ListGroups(t.Context()), func(g *iam.Group) string { return g.Name })
			}},
		{"ListGroupMembers", "GetGroup", "Users",
			[]string{userXML("a", "/iamkit/"), userXML("b", "/x/")},
			[]string{userXML("c", "/iamkit/")},
			[]string{"a", "b", "c"},
			func(p *Provider) func(func(string, error) bool) {
				return mapSeq(p.ListGroupMembers(t.Context(), "g"), func(u *iam.User) string { return u.Name })
			}},
		{"ListGroupsForUser", "ListGroupsForUser", "Groups",
			[]string{groupXML("a", "/iamkit/")},
			[]string{groupXML("b", "/iamkit/")},
			[]string{"a", "b"},
			func(p *Provider) func(func(string, error) bool) {
				return mapSeq(p.ListGroupsForUser(t.Context(), "u"), func(g *iam.Group) string { return g.Name })
			}},
		{"ListPolicies", "ListPolicies", "Policies",
			[]string{policyXML("a", "/iamkit/"), policyXML("b", "/iamkit/")},
			[]string{policyXML("c", "/iamkit/")},
			[]string{"a", "b", "c"},
			func(p *Provider) func(func(string, error) bool) {
				return mapSeq(p.ListPolicies(t.Context()), func(pol *iam.Policy) string { return pol.Name })
			}},
		{"ListAttachedPolicies", "ListAttachedUserPolicies", "AttachedPolicies",
			[]string{"<PolicyName>a</PolicyName><PolicyArn>arn:aws:iam::123456789012:policy/iamkit/a</PolicyArn>"},
			[]string{"<PolicyName>ReadOnlyAccess</PolicyName><PolicyArn>arn:aws:iam::aws:policy/ReadOnlyAccess</PolicyArn>"},
			[]string{"a", "ReadOnlyAccess"},
			func(p *Provider) func(func(string, error) bool) {
				return mapSeq(p.ListAttachedPolicies(t.Context(), iam.UserPrincipal("u")), func(pol *iam.Policy) string { return pol.Name })
			}},
		{"ListAccessKeys", "ListAccessKeys", "AccessKeyMetadata",
			[]string{"<UserName>u</UserName><AccessKeyId>AKIAAAAAAAAAAAAAAAA1</AccessKeyId><Status>Active</Status><CreateDate>2024-01-02T03:04:05Z</CreateDate>"},
			[]string{"<UserName>u</UserName><AccessKeyId>AKIAAAAAAAAAAAAAAAA2</AccessKeyId><Status>Inactive</Status><CreateDate>2024-01-02T03:04:05Z</CreateDate>"},
			[]string{"AKIAAAAAAAAAAAAAAAA1:Active", "AKIAAAAAAAAAAAAAAAA2:Inactive"},
			func(p *Provider) func(func(string, error) bool) {
				return mapSeq(p.ListAccessKeys(t.Context(), "u"), func(k *iam.AccessKey) string { return k.ID + ":" + string(k.Status) })
			}},
	}
	for _, l := range listings {
		t.Run(l.name, func(t *testing.T) {
			f := newFake(t, twoPages(t, l.action, l.tag, l.first, l.second))
			p := fakeProvider(t, f, Options{PageSize: 2})
			var got []string
			for n, err := range l.list(p) {
				if err != nil {
					t.Fatal(err)
				}
				got = append(got, n)
			}
			if strings.Join(got, ",") != strings.Join(l.want, ",") {
				t.Errorf("listed %v, want %v", got, l.want)
			}
			reqs := f.requests()
			if len(reqs) != 2 || reqs[0].Get("Marker") != "" || reqs[1].Get("Marker") != "m1" {
				t.Errorf("requests %v, want two: without Marker, then Marker=m1", reqs)
			}
			if l.action == "ListUsers" || l.action == "ListGroups" || l.action == "ListPolicies" {
				if pp := reqs[0].Get("PathPrefix"); pp != "/iamkit/" {
					t.Errorf("PathPrefix %q, want /iamkit/", pp)
				}
			}
			if l.action == "ListPolicies" && reqs[0].Get("Scope") != "Local" {
				t.Errorf("ListPolicies Scope %q, want Local", reqs[0].Get("Scope"))
			}
			// Breaking after the first item sends no second request.
			before := len(f.requests())
			for range l.list(p) {
				break
			}
			if n := len(f.requests()) - before; n != 1 {
				t.Errorf("a listing broken after one item sent %d requests, want 1", n)
			}
		})
	}
}

// mapSeq maps a listing's items to strings.
func mapSeq[T any](seq func(func(T, error) bool), f func(T) string) func(func(string, error) bool) {
	return func(yield func(string, error) bool) {
		for v, err := range seq {
			if err != nil {
				yield("", err)
				return
			}
			if !yield(f(v), nil) {
				return
			}
		}
	}
}
