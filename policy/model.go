package policy

import (
	"net/netip"
	"time"
)

// Version is the only document version this package reads and writes.
const Version = "iamkit/1"

// Effect says whether a matching statement allows or denies.
type Effect string

// The two effects.
const (
	Allow Effect = "Allow"
	Deny  Effect = "Deny"
)

// Action names what a statement allows or denies.
//
// A portable action is "service:level" (see Service and Level), with "*"
// allowed for either part, or "*" alone. A native action is kept verbatim
// for one cloud and starts with the cloud's prefix: "aws:", "outscale:",
// "ovh:" or "openstack:" (see NativePrefixes). Actions match
// case-insensitively and may carry the IAM wildcards '*' and '?'.
type Action string

// Resource names what a statement applies to: "*", a portable reference such
// as "objectstorage:bucket/logs" or "project/0f0f…", or a native ARN, ORN or
// URN kept verbatim. Resources match case-sensitively with '*' and '?'.
type Resource string

// Operator is a condition operator, named as in AWS IAM.
type Operator string

// The condition operators the portable model understands.
const (
	IPAddress             Operator = "IpAddress"
	NotIPAddress          Operator = "NotIpAddress"
	DateGreaterThan       Operator = "DateGreaterThan"
	DateGreaterThanEquals Operator = "DateGreaterThanEquals"
	DateLessThan          Operator = "DateLessThan"
	DateLessThanEquals    Operator = "DateLessThanEquals"
	StringEquals          Operator = "StringEquals"
	StringNotEquals       Operator = "StringNotEquals"
	StringEqualsIfExists  Operator = "StringEqualsIfExists"
)

// The portable condition keys, in one place.
const (
	// KeySourceIP is the caller's IP address; used with IpAddress and
	// NotIpAddress and CIDR values.
	KeySourceIP = "iamkit:SourceIp"
	// KeyCurrentTime is the time of the request; used with the Date
	// operators and RFC 3339 values, it bounds a validity window.
	KeyCurrentTime = "iamkit:CurrentTime"
	// KeyResourceTagPrefix prefixes a resource tag key:
	// "iamkit:ResourceTag/CreatedBy". Used with the String operators.
	KeyResourceTagPrefix = "iamkit:ResourceTag/"
)

// Document is a portable policy: an ordered list of statements.
//
// The zero Document is empty and allows nothing. Its JSON form is the
// AWS-shaped grammar IAM users know, with "Version":"iamkit/1".
type Document struct {
	// Version is always Version once parsed; an empty Version is
	// written as Version.
	Version string
	// Statements are the document's rules, in order.
	Statements []Statement
}

// Statement is one rule of a Document.
//
// Exactly one of Actions and NotActions is set, and exactly one of
// Resources and NotResources (as in AWS; Resources {"*"} means every
// resource).
type Statement struct {
	// Sid optionally names the statement; reports and decisions quote it.
	Sid string
	// Effect is Allow or Deny.
	Effect Effect
	// Actions are the actions the statement applies to.
	Actions []Action
	// NotActions are the actions it does not apply to: it applies to
	// every other.
	NotActions []Action
	// Resources are the resources the statement applies to.
	Resources []Resource
	// NotResources are the resources it does not apply to: it applies to
	// every other.
	NotResources []Resource
	// Conditions all must hold for the statement to apply. Parse returns
	// them sorted by operator, then key.
	Conditions []Condition
}

// Condition is one test on the request context: Key compared with Values by
// Operator. The values of one condition are alternatives (any may match);
// separate conditions all must hold.
type Condition struct {
	// Operator is how Key's value is compared.
	Operator Operator
	// Key names the value tested: KeySourceIP, KeyCurrentTime or a
	// resource tag (KeyResourceTagPrefix + the tag's key).
	Key string
	// Values are the values compared with, any of which may match.
	Values []string
}

// Request is what Evaluate decides on: one call, made by some identity.
type Request struct {
	// Action is the portable action of the call ("compute:Read") or a
	// native one ("aws:ec2:DescribeInstances"). It holds no wildcard.
	Action string
	// NativeAction optionally names the same call natively, so that a
	// statement written with either vocabulary applies to it.
	NativeAction string
	// Resource is what the call touches; "" means any ("*").
	Resource string
	// SourceIP is the caller's address; invalid means unknown.
	SourceIP netip.Addr
	// Time is when the call is made; zero means unknown.
	Time time.Time
	// ResourceTags are the tags of the resource; nil means none known.
	ResourceTags map[string]string
}

// Decision is the answer of Evaluate and says what decided it.
type Decision struct {
	// Allowed is the answer: true when a statement allows the request and
	// none denies it.
	Allowed bool
	// Effect is the effect of the deciding statement, or "" for the
	// implicit deny of a request that no statement matched.
	Effect Effect
	// Document and Statement index the deciding statement in the
	// arguments of Evaluate; both are -1 for an implicit deny.
	Document int
	// Statement is the deciding statement's index in that document.
	Statement int
	// Sid is the deciding statement's Sid, if it has one.
	Sid string
}
