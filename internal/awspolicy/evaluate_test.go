package awspolicy

import "testing"

func allowAll(actions ...string) Statement {
	return Statement{Effect: Allow, Actions: actions, Resources: []string{"*"}}
}

func TestEvaluateStatements(t *testing.T) {
	bucket := "arn:aws:s3:::my-bucket"
	tests := []struct {
		name string
		docs []Document
		req  Request
		want Decision
	}{
		{"no documents", nil, Request{Action: "s3:GetObject", Resource: "*"}, implicitDeny},
		{"allow", []Document{{Statements: []Statement{allowAll("s3:GetObject")}}},
			Request{Action: "s3:GetObject", Resource: bucket}, allowedBy(0)},
		{"action case-insensitive", []Document{{Statements: []Statement{allowAll("S3:getobject")}}},
			Request{Action: "s3:GetObject", Resource: bucket}, allowedBy(0)},
		{"action wildcard *", []Document{{Statements: []Statement{allowAll("s3:Get*")}}},
			Request{Action: "s3:GetObjectAcl", Resource: bucket}, allowedBy(0)},
		{"action wildcard ?", []Document{{Statements: []Statement{allowAll("s3:Get?bject")}}},
			Request{Action: "s3:GetObject", Resource: bucket}, allowedBy(0)},
		{"action other service", []Document{{Statements: []Statement{allowAll("s3:*")}}},
			Request{Action: "ec2:RunInstances", Resource: "*"}, implicitDeny},
		{"action star", []Document{{Statements: []Statement{allowAll("*")}}},
			Request{Action: "ec2:RunInstances", Resource: "*"}, allowedBy(0)},
		{"resource exact", []Document{{Statements: []Statement{{Effect: Allow, Actions: []string{"s3:*"}, Resources: []string{bucket}}}}},
			Request{Action: "s3:ListBucket", Resource: bucket}, allowedBy(0)},
		{"resource case-sensitive", []Document{{Statements: []Statement{{Effect: Allow, Actions: []string{"s3:*"}, Resources: []string{bucket}}}}},
			Request{Action: "s3:ListBucket", Resource: "arn:aws:s3:::My-Bucket"}, implicitDeny},
		{"resource wildcard spans segments", []Document{{Statements: []Statement{{Effect: Allow, Actions: []string{"s3:*"}, Resources: []string{bucket + "/foo/*/bar"}}}}},
			Request{Action: "s3:GetObject", Resource: bucket + "/foo/1/2/bar"}, allowedBy(0)},
		{"resource prefix is not a match", []Document{{Statements: []Statement{{Effect: Allow, Actions: []string{"s3:*"}, Resources: []string{bucket + "/*"}}}}},
			Request{Action: "s3:ListBucket", Resource: bucket}, implicitDeny},
		{"not action matches others", []Document{{Statements: []Statement{{Effect: Allow, NotActions: []string{"iam:*"}, Resources: []string{"*"}}}}},
			Request{Action: "ec2:RunInstances", Resource: "*"}, allowedBy(0)},
		{"not action excludes listed", []Document{{Statements: []Statement{{Effect: Allow, NotActions: []string{"iam:*"}, Resources: []string{"*"}}}}},
			Request{Action: "IAM:CreateUser", Resource: "*"}, implicitDeny},
		{"not resource matches others", []Document{{Statements: []Statement{{Effect: Allow, Actions: []string{"s3:*"}, NotResources: []string{bucket}}}}},
			Request{Action: "s3:ListBucket", Resource: "arn:aws:s3:::other"}, allowedBy(0)},
		{"not resource excludes listed", []Document{{Statements: []Statement{{Effect: Allow, Actions: []string{"s3:*"}, NotResources: []string{"arn:aws:s3:::my-*"}}}}},
			Request{Action: "s3:ListBucket", Resource: bucket}, implicitDeny},
		{"deny wins over earlier allow", []Document{{Statements: []Statement{allowAll("*"), {Effect: Deny, Actions: []string{"s3:Delete*"}, Resources: []string{"*"}}}}},
			Request{Action: "s3:DeleteBucket", Resource: bucket}, Decision{Effect: Deny, Statement: 1}},
		{"deny in a later document wins", []Document{
			{Statements: []Statement{allowAll("*")}},
			{Statements: []Statement{allowAll("s3:Get*"), {Effect: Deny, Actions: []string{"s3:*"}, Resources: []string{"*"}}}},
		}, Request{Action: "s3:GetObject", Resource: bucket}, Decision{Effect: Deny, Document: 1, Statement: 1}},
		{"first allow decides", []Document{
			{Statements: []Statement{allowAll("ec2:*")}},
			{Statements: []Statement{allowAll("s3:*"), allowAll("s3:Get*")}},
		}, Request{Action: "s3:GetObject", Resource: bucket}, Decision{Allowed: true, Effect: Allow, Document: 1, Statement: 0}},
		{"deny that does not apply", []Document{{Statements: []Statement{allowAll("*"), {Effect: Deny, Actions: []string{"iam:*"}, Resources: []string{"*"}}}}},
			Request{Action: "s3:GetObject", Resource: bucket}, allowedBy(0)},
		{"unknown effect is ignored", []Document{{Statements: []Statement{{Effect: "allow", Actions: []string{"*"}, Resources: []string{"*"}}}}},
			Request{Action: "s3:GetObject", Resource: bucket}, implicitDeny},
		{"condition fails", []Document{{Statements: []Statement{{Effect: Allow, Actions: []string{"*"}, Resources: []string{"*"},
			Conditions: []Condition{{Operator: "Bool", Key: "aws:MultiFactorAuthPresent", Values: []string{"true"}}}}}}},
			Request{Action: "s3:GetObject", Resource: bucket}, implicitDeny},
		{"conditions are all required", []Document{{Statements: []Statement{{Effect: Allow, Actions: []string{"*"}, Resources: []string{"*"},
			Conditions: []Condition{
				{Operator: "Bool", Key: "aws:SecureTransport", Values: []string{"true"}},
				{Operator: "IpAddress", Key: "aws:SourceIp", Values: []string{"10.0.0.0/8"}},
			}}}}},
			Request{Action: "s3:GetObject", Resource: bucket, Context: map[string][]string{"aws:SecureTransport": {"true"}, "aws:SourceIp": {"192.0.2.1"}}}, implicitDeny},
		{"go-built unknown operator never allows", []Document{{Statements: []Statement{{Effect: Allow, Actions: []string{"*"}, Resources: []string{"*"},
			Conditions: []Condition{{Operator: "StringNotEqualz", Key: "k", Values: []string{"v"}}}}}}},
			Request{Action: "s3:GetObject", Resource: bucket}, implicitDeny},
		{"go-built malformed value never allows", []Document{{Statements: []Statement{{Effect: Allow, Actions: []string{"*"}, Resources: []string{"*"},
			Conditions: []Condition{{Operator: "NumericNotEquals", Key: "k", Values: []string{"ten"}}}}}}},
			Request{Action: "s3:GetObject", Resource: bucket, Context: map[string][]string{"k": {"3"}}}, implicitDeny},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := Evaluate(tt.req, tt.docs...); got != tt.want {
				t.Errorf("got %+v, want %+v", got, tt.want)
			}
		})
	}
}

func TestConditions(t *testing.T) {
	type ctx = map[string][]string
	tests := []struct {
		op, key string
		vals    []string
		ctx     ctx
		want    bool
	}{
		// String family.
		{"StringEquals", "aws:username", []string{"alice", "bob"}, ctx{"aws:username": {"bob"}}, true},
		{"StringEquals", "aws:username", []string{"alice"}, ctx{"aws:username": {"Alice"}}, false},
		{"StringEquals", "aws:username", []string{"a*"}, ctx{"aws:username": {"alice"}}, false},
		{"StringEquals", "AWS:UserName", []string{"alice"}, ctx{"aws:username": {"alice"}}, true},
		{"StringEquals", "aws:username", []string{"alice"}, ctx{}, false},
		{"StringEquals", "aws:username", []string{"alice"}, ctx{"aws:username": {}}, false},
		{"StringNotEquals", "aws:username", []string{"alice"}, ctx{"aws:username": {"bob"}}, true},
		{"StringNotEquals", "aws:username", []string{"alice", "bob"}, ctx{"aws:username": {"bob"}}, false},
		{"StringNotEquals", "aws:username", []string{"alice"}, ctx{}, true},
		{"StringEqualsIgnoreCase", "k", []string{"Alice"}, ctx{"k": {"aLICE"}}, true},
		{"StringNotEqualsIgnoreCase", "k", []string{"Alice"}, ctx{"k": {"aLICE"}}, false},
		{"StringNotEqualsIgnoreCase", "k", []string{"Alice"}, ctx{}, true},
		{"StringLike", "s3:prefix", []string{"home/*"}, ctx{"s3:prefix": {"home/alice/x"}}, true},
		{"StringLike", "s3:prefix", []string{"home/?"}, ctx{"s3:prefix": {"home/ab"}}, false},
		{"StringLike", "s3:prefix", []string{"Home/*"}, ctx{"s3:prefix": {"home/a"}}, false},
		{"StringNotLike", "s3:prefix", []string{"home/*"}, ctx{"s3:prefix": {"tmp/a"}}, true},
		{"StringNotLike", "s3:prefix", []string{"home/*"}, ctx{}, true},
		{"StringEqualsIfExists", "k", []string{"v"}, ctx{}, true},
		{"StringEqualsIfExists", "k", []string{"v"}, ctx{"k": {"w"}}, false},
		{"StringNotEqualsIfExists", "k", []string{"v"}, ctx{"k": {"v"}}, false},
		// Several request values without a qualifier.
		{"StringEquals", "k", []string{"a"}, ctx{"k": {"b", "a"}}, true},
		{"StringNotEquals", "k", []string{"a"}, ctx{"k": {"b", "a"}}, false},
		// Set qualifiers.
		{"ForAnyValue:StringEquals", "aws:TagKeys", []string{"env"}, ctx{"aws:TagKeys": {"team", "env"}}, true},
		{"ForAnyValue:StringEquals", "aws:TagKeys", []string{"env"}, ctx{"aws:TagKeys": {"team"}}, false},
		{"ForAnyValue:StringEquals", "aws:TagKeys", []string{"env"}, ctx{}, false},
		{"ForAllValues:StringEquals", "aws:TagKeys", []string{"env", "team"}, ctx{"aws:TagKeys": {"team", "env"}}, true},
		{"ForAllValues:StringEquals", "aws:TagKeys", []string{"env"}, ctx{"aws:TagKeys": {"team", "env"}}, false},
		{"ForAllValues:StringEquals", "aws:TagKeys", []string{"env"}, ctx{}, true},
		{"ForAllValues:StringEquals", "aws:TagKeys", []string{"env"}, ctx{"aws:TagKeys": {}}, true},
		{"ForAllValues:StringNotLike", "aws:TagKeys", []string{"key1*"}, ctx{"aws:TagKeys": {"key1:legal"}}, false},
		{"ForAllValues:StringNotLike", "aws:TagKeys", []string{"key1*"}, ctx{"aws:TagKeys": {"key1:hr", "key1:p"}}, false},
		{"ForAllValues:StringNotLike", "aws:TagKeys", []string{"key1*"}, ctx{"aws:TagKeys": {"key2:audit"}}, true},
		{"ForAllValues:StringNotLike", "aws:TagKeys", []string{"key1*"}, ctx{}, true},
		{"ForAnyValue:StringNotEquals", "aws:TagKeys", []string{"a"}, ctx{"aws:TagKeys": {"a", "b"}}, true},
		{"ForAnyValue:StringNotEquals", "aws:TagKeys", []string{"a"}, ctx{"aws:TagKeys": {"a"}}, false},
		{"ForAnyValue:StringEqualsIfExists", "k", []string{"a"}, ctx{}, true},
		// Numeric.
		{"NumericLessThan", "s3:max-keys", []string{"10"}, ctx{"s3:max-keys": {"9"}}, true},
		{"NumericLessThan", "s3:max-keys", []string{"10"}, ctx{"s3:max-keys": {"10"}}, false},
		{"NumericLessThanEquals", "s3:max-keys", []string{"10"}, ctx{"s3:max-keys": {"10.0"}}, true},
		{"NumericGreaterThan", "n", []string{"1.5"}, ctx{"n": {"2"}}, true},
		{"NumericGreaterThanEquals", "n", []string{"2"}, ctx{"n": {"1e0"}}, false},
		{"NumericEquals", "n", []string{"3", "4"}, ctx{"n": {"4"}}, true},
		{"NumericEquals", "n", []string{"9007199254740993"}, ctx{"n": {"9007199254740992"}}, false},
		{"NumericNotEquals", "n", []string{"3"}, ctx{"n": {"4"}}, true},
		{"NumericNotEquals", "n", []string{"3"}, ctx{}, true},
		{"NumericLessThan", "n", []string{"10"}, ctx{"n": {"nine"}}, false},
		{"NumericNotEquals", "n", []string{"3"}, ctx{"n": {"three"}}, false},
		// Dates.
		{"DateLessThan", "aws:CurrentTime", []string{"2030-01-01T00:00:00Z"}, ctx{"aws:CurrentTime": {"2026-05-01T12:00:00Z"}}, true},
		{"DateGreaterThan", "aws:CurrentTime", []string{"2030-01-01"}, ctx{"aws:CurrentTime": {"2026-05-01T12:00:00Z"}}, false},
		{"DateGreaterThanEquals", "aws:CurrentTime", []string{"2026-05-01T14:00:00+02:00"}, ctx{"aws:CurrentTime": {"2026-05-01T12:00:00Z"}}, true},
		{"DateEquals", "aws:EpochTime", []string{"1767225600"}, ctx{"aws:EpochTime": {"2026-01-01T00:00:00Z"}}, true},
		{"DateNotEquals", "aws:EpochTime", []string{"1767225600"}, ctx{"aws:EpochTime": {"1767225601"}}, true},
		{"DateLessThanEquals", "aws:CurrentTime", []string{"2026-01-01T00:00:00.5Z"}, ctx{"aws:CurrentTime": {"2026-01-01T00:00:00Z"}}, true},
		{"DateLessThan", "aws:CurrentTime", []string{"2030-01-01"}, ctx{}, false},
		{"DateLessThan", "aws:CurrentTime", []string{"2030-01-01"}, ctx{"aws:CurrentTime": {"soon"}}, false},
		// Bool.
		{"Bool", "aws:SecureTransport", []string{"true"}, ctx{"aws:SecureTransport": {"true"}}, true},
		{"Bool", "aws:SecureTransport", []string{"true"}, ctx{"aws:SecureTransport": {"false"}}, false},
		{"Bool", "aws:SecureTransport", []string{"false"}, ctx{}, false},
		{"BoolIfExists", "aws:MultiFactorAuthPresent", []string{"false"}, ctx{}, true},
		{"BoolIfExists", "aws:MultiFactorAuthPresent", []string{"false"}, ctx{"aws:MultiFactorAuthPresent": {"True"}}, false},
		// Binary.
		{"BinaryEquals", "k", []string{"QmluYXJ5"}, ctx{"k": {"QmluYXJ5"}}, true},
		{"BinaryEquals", "k", []string{"QmluYXJ5"}, ctx{"k": {"QmluYXJ6"}}, false},
		// IP addresses.
		{"IpAddress", "aws:SourceIp", []string{"203.0.113.0/24"}, ctx{"aws:SourceIp": {"203.0.113.7"}}, true},
		{"IpAddress", "aws:SourceIp", []string{"203.0.113.0/24", "2001:db8::/32"}, ctx{"aws:SourceIp": {"2001:db8::1"}}, true},
		{"IpAddress", "aws:SourceIp", []string{"203.0.113.5"}, ctx{"aws:SourceIp": {"203.0.113.5"}}, true},
		{"IpAddress", "aws:SourceIp", []string{"203.0.113.1/24"}, ctx{"aws:SourceIp": {"203.0.113.200"}}, true},
		{"IpAddress", "aws:SourceIp", []string{"203.0.113.0/24"}, ctx{"aws:SourceIp": {"::ffff:203.0.113.9"}}, true},
		{"IpAddress", "aws:SourceIp", []string{"203.0.113.0/24"}, ctx{"aws:SourceIp": {"198.51.100.1"}}, false},
		{"IpAddress", "aws:SourceIp", []string{"203.0.113.0/24"}, ctx{}, false},
		{"IpAddress", "aws:SourceIp", []string{"203.0.113.0/24"}, ctx{"aws:SourceIp": {"not-an-ip"}}, false},
		{"NotIpAddress", "aws:SourceIp", []string{"203.0.113.0/24"}, ctx{"aws:SourceIp": {"198.51.100.1"}}, true},
		{"NotIpAddress", "aws:SourceIp", []string{"203.0.113.0/24"}, ctx{"aws:SourceIp": {"203.0.113.1"}}, false},
		{"NotIpAddress", "aws:SourceIp", []string{"203.0.113.0/24"}, ctx{}, true},
		{"NotIpAddress", "aws:SourceIp", []string{"203.0.113.0/24"}, ctx{"aws:SourceIp": {"garbage"}}, false},
		// ARNs.
		{"ArnLike", "aws:SourceArn", []string{"arn:aws:sns:*:123456789012:*"}, ctx{"aws:SourceArn": {"arn:aws:sns:eu-west-3:123456789012:topic"}}, true},
		{"ArnLike", "aws:SourceArn", []string{"arn:aws:sns:*:123456789012:*"}, ctx{"aws:SourceArn": {"arn:aws:sns:eu-west-3:999999999999:topic"}}, false},
		{"ArnLike", "aws:SourceArn", []string{"arn:aws:sns:*:*:*"}, ctx{"aws:SourceArn": {"arn:aws:SNS:eu-west-3:1:t"}}, false},
		{"ArnEquals", "aws:SourceArn", []string{"arn:aws:s3:::bucket"}, ctx{"aws:SourceArn": {"arn:aws:s3:::bucket"}}, true},
		{"ArnEquals", "aws:SourceArn", []string{"arn:aws:iam::*:role/a:b"}, ctx{"aws:SourceArn": {"arn:aws:iam::1:role/a:b"}}, true},
		{"ArnLike", "aws:SourceArn", []string{"arn:aws:*:eu-west-3:1:x"}, ctx{"aws:SourceArn": {"arn:aws:s3:x:eu-west-3:1:x"}}, false},
		{"ArnNotLike", "aws:SourceArn", []string{"arn:aws:sns:*:123456789012:*"}, ctx{"aws:SourceArn": {"arn:aws:sqs:eu-west-3:123456789012:q"}}, true},
		{"ArnNotEquals", "aws:SourceArn", []string{"arn:aws:s3:::bucket"}, ctx{}, true},
		{"ArnLike", "aws:SourceArn", []string{"*"}, ctx{"aws:SourceArn": {"arn:aws:s3:::b"}}, true},
		// Null.
		{"Null", "aws:TokenIssueTime", []string{"true"}, ctx{}, true},
		{"Null", "aws:TokenIssueTime", []string{"true"}, ctx{"aws:TokenIssueTime": {"x"}}, false},
		{"Null", "aws:TokenIssueTime", []string{"false"}, ctx{"aws:TokenIssueTime": {"x"}}, true},
		{"Null", "aws:TokenIssueTime", []string{"false"}, ctx{}, false},
		{"Null", "aws:TokenIssueTime", []string{"false"}, ctx{"AWS:TOKENISSUETIME": {"x"}}, true},
		// Conditions Evaluate cannot read are false.
		{"StringLikeish", "k", []string{"v"}, ctx{"k": {"v"}}, false},
		{"NullIfExists", "k", []string{"true"}, ctx{}, false},
		{"IpAddress", "k", []string{"bad"}, ctx{"k": {"10.0.0.1"}}, false},
		{"NotIpAddress", "k", []string{"bad"}, ctx{}, false},
		{"StringEquals", "k", nil, ctx{"k": {"v"}}, false},
	}
	for _, tt := range tests {
		c := Condition{Operator: tt.op, Key: tt.key, Values: tt.vals}
		if got := holds(&c, tt.ctx); got != tt.want {
			t.Errorf("%s %s %q with %v = %v, want %v", tt.op, tt.key, tt.vals, tt.ctx, got, tt.want)
		}
	}
}

func TestLookupIsDeterministic(t *testing.T) {
	ctx := map[string][]string{"Aws:X": {"1"}, "aWS:x": {"2"}, "AWS:X": {"3"}}
	for range 20 {
		if got := lookup(ctx, "aws:x"); len(got) != 1 || got[0] != "3" {
			t.Fatalf("lookup = %v", got)
		}
	}
	if got := lookup(ctx, "aWS:x"); got[0] != "2" {
		t.Fatalf("exact key not preferred: %v", got)
	}
}
