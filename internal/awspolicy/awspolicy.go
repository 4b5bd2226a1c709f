package awspolicy

import (
	"strconv"

	"github.com/iamkit/iamkit/internal/jsonx"
	"github.com/iamkit/iamkit/internal/kind"
)

// Dialect selects which cloud's flavour of the grammar a document is read
// and written in.
type Dialect int

const (
	// AWS is the AWS IAM identity-policy grammar
	// ({"Version":"2012-10-17","Statement":[…]}).
	AWS Dialect = iota
	// EIM is the Outscale EIM policy grammar ({"Statement":[…]}): no Id, no
	// NotResource, no Condition, and Resource limited to "*".
	EIM
)

// String returns "AWS" or "EIM".
func (d Dialect) String() string {
	switch d {
	case AWS:
		return "AWS"
	case EIM:
		return "EIM"
	}
	return "Dialect(" + strconv.Itoa(int(d)) + ")"
}

func (d Dialect) valid() bool { return d == AWS || d == EIM }

// Policy language versions accepted by the AWS dialect.
const (
	// Version2012 is the current AWS policy language version, the one
	// Marshal writes when a document does not name one.
	Version2012 = "2012-10-17"
	// Version2008 is the legacy AWS policy language version; AWS assumes it
	// when a document has no Version element.
	Version2008 = "2008-10-17"
)

// Effects a statement may have.
const (
	Allow = "Allow"
	Deny  = "Deny"
)

// MaxDocumentBytes is the largest input Parse accepts, and the largest
// canonical encoding a parsed document may have.
const MaxDocumentBytes = 128 << 10

// MaxDepth is the deepest nesting of JSON arrays and objects Parse accepts.
const MaxDepth = 8

// Document is one native identity policy.
type Document struct {
	// Version is the policy language version: Version2012 or Version2008
	// for AWS (Parse reports Version2008 when the input has none, as AWS
	// assumes), always empty for EIM.
	Version string
	// ID is the optional "Id" element (AWS only).
	ID string
	// Statements are the statements, in document order.
	Statements []Statement
}

// Statement is one statement of a Document. Exactly one of Actions and
// NotActions is set, and exactly one of Resources and NotResources.
type Statement struct {
	// Sid is the optional statement identifier.
	Sid string
	// Effect is Allow or Deny.
	Effect string
	// Actions are the "service:Action" patterns (or "*") the statement
	// covers.
	Actions []string
	// NotActions are the action patterns the statement covers everything
	// but.
	NotActions []string
	// Resources are the resource patterns (ARNs, or "*") the statement
	// covers.
	Resources []string
	// NotResources are the resource patterns the statement covers
	// everything but (AWS only).
	NotResources []string
	// Conditions must all hold for the statement to apply (AWS only).
	// Parse returns them sorted by Operator, then Key.
	Conditions []Condition
}

// Condition is one condition key tested by one operator.
type Condition struct {
	// Operator is the full operator name, qualifiers included:
	// "StringEquals", "StringEqualsIfExists", "ForAnyValue:StringLike".
	Operator string
	// Key is the condition key, such as "aws:SourceIp" or
	// "ec2:ResourceTag/CreatedBy"; it matches request context keys
	// regardless of case.
	Key string
	// Values are the policy values, any of which may match. JSON numbers and
	// booleans are kept as their literal text ("5", "true").
	Values []string
}

// Error describes why a document is invalid. It wraps kind.Invalid.
type Error struct {
	// Statement is the index (counted from 0) of the faulty statement, or
	// -1 when the fault is in the document as a whole.
	Statement int
	// Sid is the faulty statement's Sid, when it has one.
	Sid string
	// Field locates the fault inside the document or statement, in JSON
	// terms: "Version", "Action[1]", "Condition.StringEquals.aws:username".
	Field string
	// Msg says what is wrong.
	Msg string
}

// Error formats the error as
// `native policy: statement 2 ("ro"): Action[1]: <Msg>`.
func (e *Error) Error() string {
	b := append(make([]byte, 0, 64+len(e.Sid)+len(e.Field)+len(e.Msg)), "native policy: "...)
	b = jsonx.AppendLocation(b, e.Statement, e.Sid, e.Field, strconv.Quote)
	return string(append(b, e.Msg...))
}

// Unwrap returns kind.Invalid, so errors.Is(err, kind.Invalid) holds.
func (e *Error) Unwrap() error { return kind.Invalid }

func docErr(field, msg string) *Error { return &Error{Statement: -1, Field: field, Msg: msg} }
