package policy

import (
	"net/netip"
	"testing"
	"time"
)

var (
	benchTime = time.Date(2026, 6, 1, 12, 0, 0, 0, time.UTC)
	benchIP   = netip.MustParseAddr("203.0.113.7")
)

func allow(actions ...Action) Statement { return Allowing(actions...) }
func deny(actions ...Action) Statement  { return Denying(actions...) }

func TestEvaluate(t *testing.T) {
	jan2026 := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	jan2027 := time.Date(2027, 1, 1, 0, 0, 0, 0, time.UTC)
	tagged := func(v string) map[string]string { return map[string]string{"CreatedBy": v} }
	read := Request{Action: "compute:Read", NativeAction: "aws:ec2:DescribeInstances", Resource: "compute:instance/i-1"}
	with := func(r Request, f func(*Request)) Request { f(&r); return r }

	tests := []struct {
		name    string
		req     Request
		docs    []Document
		allowed bool
		doc     int
		stmt    int
	}{
		{"no documents", read, nil, false, -1, -1},
		{"empty document", read, []Document{{}}, false, -1, -1},
		{"portable allow", read, []Document{Build(allow("compute:Read"))}, true, 0, 0},
		{"portable allow, any case", read, []Document{Build(allow("COMPUTE:read"))}, true, 0, 0},
		{"level wildcard", read, []Document{Build(allow("compute:*"))}, true, 0, 0},
		{"service wildcard", read, []Document{Build(allow("*:Read"))}, true, 0, 0},
		{"star", read, []Document{Build(allow("*"))}, true, 0, 0},
		{"other level", read, []Document{Build(allow("compute:Write"))}, false, -1, -1},
		{"native allow", read, []Document{Build(allow("aws:ec2:Describe*"))}, true, 0, 0},
		{"native allow, any case", read, []Document{Build(allow("AWS:EC2:describeinstances"))}, true, 0, 0},
		{"native '?'", read, []Document{Build(allow("aws:ec2:DescribeInstance?"))}, true, 0, 0},
		{"native of another cloud", read, []Document{Build(allow("outscale:api:ReadVms"))}, false, -1, -1},
		{"native-only request", Request{Action: "aws:ec2:DescribeInstances"}, []Document{Build(allow("aws:ec2:*"))}, true, 0, 0},
		{"*:Read does not match native names", Request{Action: "ovh:a:Read"}, []Document{Build(allow("*:Read"))}, false, -1, -1},
		{"*:* does not match native", Request{Action: "aws:ec2:RunInstances"}, []Document{Build(allow("*:*"))}, false, -1, -1},
		{"* matches native", Request{Action: "aws:ec2:RunInstances"}, []Document{Build(allow("*"))}, true, 0, 0},
		{"empty request action", Request{}, []Document{Build(allow("*"))}, false, -1, -1},
		{"empty request action, NotAction", Request{}, []Document{Build(Statement{Effect: Allow, NotActions: []Action{"iam:*"}, Resources: []Resource{"*"}})}, false, -1, -1},

		{"deny wins over earlier allow", read, []Document{Build(allow("compute:Read"), deny("compute:*"))}, false, 0, 1},
		{"deny in a later document wins", read, []Document{Build(allow("*")), Build(allow("compute:Read"), deny("aws:ec2:DescribeInstances"))}, false, 1, 1},
		{"first deny is reported", read, []Document{Build(deny("*:Read"), deny("*"))}, false, 0, 0},
		{"first allow is reported", read, []Document{Build(allow("compute:List"), allow("compute:Read"), allow("*"))}, true, 0, 1},
		{"allow in second document", read, []Document{Build(allow("compute:List")), Build(allow("compute:Read"))}, true, 1, 0},
		{"deny of something else", read, []Document{Build(allow("compute:Read"), deny("compute:Write"))}, true, 0, 0},

		{"NotAction allow", read, []Document{Build(Statement{Effect: Allow, NotActions: []Action{"iam:*"}, Resources: []Resource{"*"}})}, true, 0, 0},
		{"NotAction excluded by portable", read, []Document{Build(Statement{Effect: Allow, NotActions: []Action{"compute:*"}, Resources: []Resource{"*"}})}, false, -1, -1},
		{"NotAction excluded by native", read, []Document{Build(Statement{Effect: Allow, NotActions: []Action{"aws:ec2:Describe*"}, Resources: []Resource{"*"}})}, false, -1, -1},
		{"NotAction deny", read, []Document{Build(allow("*"), Statement{Effect: Deny, NotActions: []Action{"compute:Read"}, Resources: []Resource{"*"}})}, true, 0, 0},

		{"resource match", read, []Document{Build(allow("compute:Read").On("compute:instance/i-*"))}, true, 0, 0},
		{"resource mismatch", read, []Document{Build(allow("compute:Read").On("compute:instance/i-2"))}, false, -1, -1},
		{"resource case-sensitive", read, []Document{Build(allow("compute:Read").On("compute:instance/I-1"))}, false, -1, -1},
		{"resource '?'", read, []Document{Build(allow("compute:Read").On("compute:instance/i-?"))}, true, 0, 0},
		{"empty resource is *", with(read, func(r *Request) { r.Resource = "" }), []Document{Build(allow("compute:Read").On("compute:instance/*"))}, false, -1, -1},
		{"empty resource matches *", with(read, func(r *Request) { r.Resource = "" }), []Document{Build(allow("compute:Read"))}, true, 0, 0},
		{"NotResource", read, []Document{Build(Statement{Effect: Allow, Actions: []Action{"*"}, NotResources: []Resource{"compute:instance/i-2"}})}, true, 0, 0},
		{"NotResource excluded", read, []Document{Build(Statement{Effect: Allow, Actions: []Action{"*"}, NotResources: []Resource{"compute:instance/*"}})}, false, -1, -1},

		{"ip in range", with(read, func(r *Request) { r.SourceIP = benchIP }), []Document{Build(allow("*").FromNetworks("10.0.0.0/8", "203.0.113.0/24"))}, true, 0, 0},
		{"ip bare", with(read, func(r *Request) { r.SourceIP = benchIP }), []Document{Build(allow("*").FromNetworks("203.0.113.7"))}, true, 0, 0},
		{"ip out of range", with(read, func(r *Request) { r.SourceIP = benchIP }), []Document{Build(allow("*").FromNetworks("10.0.0.0/8"))}, false, -1, -1},
		{"ip unknown", read, []Document{Build(allow("*").FromNetworks("0.0.0.0/0"))}, false, -1, -1},
		{"ip mapped request", with(read, func(r *Request) { r.SourceIP = netip.MustParseAddr("::ffff:203.0.113.7") }), []Document{Build(allow("*").FromNetworks("203.0.113.0/24"))}, true, 0, 0},
		{"ip mapped range", with(read, func(r *Request) { r.SourceIP = benchIP }), []Document{Build(allow("*").FromNetworks("::ffff:203.0.113.0/120"))}, true, 0, 0},
		{"ip zoned request", with(read, func(r *Request) { r.SourceIP = netip.MustParseAddr("fe80::1%eth0") }), []Document{Build(allow("*").FromNetworks("fe80::/10"))}, true, 0, 0},
		{"ipv6", with(read, func(r *Request) { r.SourceIP = netip.MustParseAddr("2001:db8::5") }), []Document{Build(allow("*").FromNetworks("2001:db8::/32"))}, true, 0, 0},
		{"v4 not in v6 range", with(read, func(r *Request) { r.SourceIP = benchIP }), []Document{Build(allow("*").FromNetworks("::/0"))}, false, -1, -1},
		{"NotIpAddress out", with(read, func(r *Request) { r.SourceIP = benchIP }), []Document{Build(allow("*").When(NotIPAddress, KeySourceIP, "10.0.0.0/8", "192.168.0.0/16"))}, true, 0, 0},
		{"NotIpAddress in", with(read, func(r *Request) { r.SourceIP = benchIP }), []Document{Build(allow("*").When(NotIPAddress, KeySourceIP, "10.0.0.0/8", "203.0.113.0/24"))}, false, -1, -1},
		{"NotIpAddress unknown ip", read, []Document{Build(allow("*").When(NotIPAddress, KeySourceIP, "10.0.0.0/8"))}, true, 0, 0},
		{"deny from outside", with(read, func(r *Request) { r.SourceIP = netip.MustParseAddr("198.51.100.1") }), []Document{Build(allow("*"), deny("*").When(NotIPAddress, KeySourceIP, "203.0.113.0/24"))}, false, 0, 1},

		{"in window", with(read, func(r *Request) { r.Time = benchTime }), []Document{Build(allow("*").Between(jan2026, jan2027))}, true, 0, 0},
		{"before window", with(read, func(r *Request) { r.Time = jan2026.Add(-time.Second) }), []Document{Build(allow("*").Between(jan2026, jan2027))}, false, -1, -1},
		{"window start inclusive", with(read, func(r *Request) { r.Time = jan2026 }), []Document{Build(allow("*").Between(jan2026, jan2027))}, true, 0, 0},
		{"window end inclusive", with(read, func(r *Request) { r.Time = jan2027 }), []Document{Build(allow("*").Between(jan2026, jan2027))}, true, 0, 0},
		{"after window", with(read, func(r *Request) { r.Time = jan2027.Add(time.Second) }), []Document{Build(allow("*").Between(jan2026, jan2027))}, false, -1, -1},
		{"strict greater", with(read, func(r *Request) { r.Time = jan2026 }), []Document{Build(allow("*").When(DateGreaterThan, KeyCurrentTime, "2026-01-01T00:00:00Z"))}, false, -1, -1},
		{"strict less", with(read, func(r *Request) { r.Time = jan2026 }), []Document{Build(allow("*").When(DateLessThan, KeyCurrentTime, "2026-01-01T00:00:00Z"))}, false, -1, -1},
		{"time with offset", with(read, func(r *Request) { r.Time = jan2026 }), []Document{Build(allow("*").When(DateLessThan, KeyCurrentTime, "2026-01-01T00:30:00+00:30", "2026-01-01T00:00:01+00:00"))}, true, 0, 0},
		{"time unknown", read, []Document{Build(allow("*").Between(jan2026, jan2027))}, false, -1, -1},

		{"tag equals", with(read, func(r *Request) { r.ResourceTags = tagged("user") }), []Document{Build(allow("*").When(StringEquals, KeyResourceTagPrefix+"CreatedBy", "admin", "user"))}, true, 0, 0},
		{"tag differs", with(read, func(r *Request) { r.ResourceTags = tagged("other") }), []Document{Build(allow("*").When(StringEquals, KeyResourceTagPrefix+"CreatedBy", "user"))}, false, -1, -1},
		{"tag value case-sensitive", with(read, func(r *Request) { r.ResourceTags = tagged("User") }), []Document{Build(allow("*").When(StringEquals, KeyResourceTagPrefix+"CreatedBy", "user"))}, false, -1, -1},
		{"tag absent, equals", read, []Document{Build(allow("*").When(StringEquals, KeyResourceTagPrefix+"CreatedBy", "user"))}, false, -1, -1},
		{"tag absent, if exists", read, []Document{Build(allow("*").When(StringEqualsIfExists, KeyResourceTagPrefix+"CreatedBy", "user"))}, true, 0, 0},
		{"tag present, if exists, differs", with(read, func(r *Request) { r.ResourceTags = tagged("other") }), []Document{Build(allow("*").When(StringEqualsIfExists, KeyResourceTagPrefix+"CreatedBy", "user"))}, false, -1, -1},
		{"tag present, if exists, equal", with(read, func(r *Request) { r.ResourceTags = tagged("user") }), []Document{Build(allow("*").When(StringEqualsIfExists, KeyResourceTagPrefix+"CreatedBy", "user"))}, true, 0, 0},
		{"tag not equals", with(read, func(r *Request) { r.ResourceTags = tagged("other") }), []Document{Build(allow("*").When(StringNotEquals, KeyResourceTagPrefix+"CreatedBy", "user", "admin"))}, true, 0, 0},
		{"tag not equals, matches one", with(read, func(r *Request) { r.ResourceTags = tagged("admin") }), []Document{Build(allow("*").When(StringNotEquals, KeyResourceTagPrefix+"CreatedBy", "user", "admin"))}, false, -1, -1},
		{"tag absent, not equals", read, []Document{Build(allow("*").When(StringNotEquals, KeyResourceTagPrefix+"CreatedBy", "user"))}, true, 0, 0},
		{"all conditions must hold", with(read, func(r *Request) { r.ResourceTags = tagged("user"); r.Time = benchTime }), []Document{Build(allow("*").When(StringEquals, KeyResourceTagPrefix+"CreatedBy", "user").Between(jan2027, time.Time{}))}, false, -1, -1},

		// Malformed statements never widen.
		{"malformed ip value, allow", with(read, func(r *Request) { r.SourceIP = benchIP }), []Document{Build(allow("*").When(NotIPAddress, KeySourceIP, "10.0.0.0/8", "bogus"))}, false, -1, -1},
		{"malformed ip value, deny", with(read, func(r *Request) { r.SourceIP = benchIP }), []Document{Build(allow("*"), deny("*").When(IPAddress, KeySourceIP, "bogus"))}, false, 0, 1},
		{"malformed time, allow", with(read, func(r *Request) { r.Time = benchTime }), []Document{Build(allow("*").When(DateGreaterThan, KeyCurrentTime, "yesterday"))}, false, -1, -1},
		{"malformed time, deny", read, []Document{Build(allow("*"), deny("*").When(DateGreaterThan, KeyCurrentTime, "yesterday"))}, false, 0, 1},
		{"empty values, allow", read, []Document{Build(allow("*").When(StringNotEquals, KeyResourceTagPrefix+"CreatedBy"))}, false, -1, -1},
		{"unknown operator, allow", read, []Document{Build(allow("*").When("StringLike", KeyResourceTagPrefix+"CreatedBy", "*"))}, false, -1, -1},
		{"unknown operator, deny", read, []Document{Build(allow("*"), deny("*").When("StringLike", KeyResourceTagPrefix+"CreatedBy", "*"))}, false, 0, 1},
		{"operator on wrong key, allow", with(read, func(r *Request) { r.SourceIP = benchIP }), []Document{Build(allow("*").When(NotIPAddress, KeyCurrentTime, "10.0.0.0/8"))}, false, -1, -1},
		{"tag op on empty tag key, allow", read, []Document{Build(allow("*").When(StringNotEquals, KeyResourceTagPrefix, "x"))}, false, -1, -1},
		{"allow without resource", read, []Document{Build(Statement{Effect: Allow, Actions: []Action{"*"}})}, false, -1, -1},
		{"deny without resource", read, []Document{Build(allow("*"), Statement{Effect: Deny, Actions: []Action{"*"}})}, false, 0, 1},
		{"allow with both actions", read, []Document{Build(Statement{Effect: Allow, Actions: []Action{"*"}, NotActions: []Action{"iam:*"}, Resources: []Resource{"*"}})}, false, -1, -1},
		{"deny with both actions", read, []Document{Build(allow("*"), Statement{Effect: Deny, Actions: []Action{"iam:*"}, NotActions: []Action{"compute:Read"}, Resources: []Resource{"*"}})}, true, 0, 0},
		{"deny with both actions, one matches", read, []Document{Build(allow("*"), Statement{Effect: Deny, Actions: []Action{"compute:*"}, NotActions: []Action{"compute:Read"}, Resources: []Resource{"*"}})}, false, 0, 1},
		{"allow with both resources", read, []Document{Build(Statement{Effect: Allow, Actions: []Action{"*"}, Resources: []Resource{"*"}, NotResources: []Resource{"x"}})}, false, -1, -1},
		{"deny with both resources", read, []Document{Build(allow("*"), Statement{Effect: Deny, Actions: []Action{"*"}, Resources: []Resource{"nothing"}, NotResources: []Resource{"x"}})}, false, 0, 1},
		{"allow with no actions", read, []Document{Build(Statement{Effect: Allow, Resources: []Resource{"*"}})}, false, -1, -1},
		{"unknown effect", read, []Document{Build(Statement{Effect: "allow", Actions: []Action{"*"}, Resources: []Resource{"*"}})}, false, -1, -1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			d := Evaluate(tt.req, tt.docs...)
			if d.Allowed != tt.allowed || d.Document != tt.doc || d.Statement != tt.stmt {
				t.Fatalf("Evaluate = %+v, want allowed=%v doc=%d stmt=%d", d, tt.allowed, tt.doc, tt.stmt)
			}
			switch {
			case d.Document < 0 && d.Effect != "":
				t.Errorf("implicit deny with Effect %q", d.Effect)
			case d.Document >= 0:
				s := tt.docs[d.Document].Statements[d.Statement]
				if d.Effect != s.Effect || d.Sid != s.Sid || d.Allowed != (s.Effect == Allow) {
					t.Errorf("decision %+v does not describe statement %+v", d, s)
				}
			}
		})
	}
}

func TestDecisionString(t *testing.T) {
	tests := []struct {
		d    Decision
		want string
	}{
		{Decision{Allowed: true, Effect: Allow, Document: 0, Statement: 1, Sid: "ro"}, `allowed by document 0, statement 1 (Sid "ro")`},
		{Decision{Effect: Deny, Document: 2, Statement: 0}, `denied by document 2, statement 0`},
		{Decision{Document: -1, Statement: -1}, `denied: no statement allows it`},
	}
	for _, tt := range tests {
		if got := tt.d.String(); got != tt.want {
			t.Errorf("String() = %q, want %q", got, tt.want)
		}
	}
}

func TestEvaluateAllocatesNothing(t *testing.T) {
	docs := benchDocs(5, 10)
	last := &docs[4].Statements[9]
	*last = last.FromNetworks("198.51.100.0/24", "203.0.113.0/24", "2001:db8::1").
		Between(benchTime.AddDate(-1, 0, 0), benchTime.AddDate(1, 0, 0)).
		When(StringEqualsIfExists, KeyResourceTagPrefix+"CreatedBy", "user").
		When(StringNotEquals, KeyResourceTagPrefix+"Team", "ops")
	req := benchRequest
	req.SourceIP = benchIP
	req.Time = benchTime
	req.ResourceTags = map[string]string{"CreatedBy": "user"}
	if d := Evaluate(req, docs...); !d.Allowed || d.Document != 4 {
		t.Fatalf("setup: %v", d)
	}
	for name, r := range map[string]Request{"plain": benchRequest, "conditions": req} {
		if n := testing.AllocsPerRun(100, func() { sink = Evaluate(r, docs...) }); n != 0 {
			t.Errorf("%s: Evaluate allocates %v times per call", name, n)
		}
	}
}
