// Package awspolicy reads, writes, evaluates and measures native AWS IAM
// identity policies and Outscale EIM policies, the AWS-style JSON grammar
// that the aws and outscale adapters emit and that the no-widening property
// tests evaluate.
//
// A tour:
//
//	doc, err := awspolicy.Parse(data, awspolicy.AWS) // strict; errors wrap kind.Invalid
//	out, err := awspolicy.Marshal(doc, awspolicy.EIM) // canonical compact JSON
//	n := awspolicy.NonWhitespaceLen(out)              // what the size quotas count
//	d := awspolicy.Evaluate(awspolicy.Request{
//		Action:   "ec2:TerminateInstances",
//		Resource: "arn:aws:ec2:eu-west-3:123456789012:instance/i-0abc",
//		Context:  map[string][]string{"ec2:ResourceTag/CreatedBy": {"user"}},
//	}, doc)                                             // d.Allowed, d.Effect, d.Document, d.Statement
//
// # Dialects
//
// AWS is {"Version":"2012-10-17","Id":…,"Statement":[…]} with Sid, Effect,
// Action|NotAction, Resource|NotResource and Condition in statements.
// Version is optional on input and must be "2012-10-17" or "2008-10-17";
// a document without one is reported as "2008-10-17", the version AWS
// assumes, so that rewriting it never changes how AWS reads it (policy
// variables are literal text in 2008-10-17). Marshal writes the document's
// version, or "2012-10-17" for a document built without one. Sids are
// [A-Za-z0-9]* and unique; text is limited to the characters AWS allows
// (U+0020 to U+00FF).
//
// EIM is Outscale's {"Statement":[…]} with Sid, Effect, Action|NotAction and
// Resource. A "Version":"2012-10-17" is accepted and dropped; Marshal never
// writes one. EIM has no resource scoping, so Resource must be "*", and no
// Id, NotResource or Condition: Parse refuses them rather than let a reader
// believe they restrict anything.
//
// Both dialects accept a string or a non-empty list wherever AWS does
// (Statement, Action, Resource, condition values) and Marshal always writes
// lists. Action prefixes are free-form ("ec2:", "s3:", "api:", …).
//
// # Strictness
//
// Parse refuses inputs over MaxDocumentBytes or nested deeper than MaxDepth
// before decoding, then invalid UTF-8, malformed JSON, trailing data,
// duplicate keys in any object, unknown or wrongly cased keys, null, wrong
// types, empty lists, Action with NotAction, Principal/NotPrincipal (not
// allowed in identity policies), unknown condition operators, and condition
// values of the wrong type for their operator (a non-number for
// NumericLessThan, a bad CIDR for IpAddress). Errors are *Error values whose
// message reads `native policy: statement 2 ("ro"): Action[1]: …`
// (statements and list elements are counted from 0).
//
// # Conditions
//
// Operators are the AWS families String…, Numeric…, Date…, Bool,
// BinaryEquals, IpAddress/NotIpAddress, Arn… and Null, each (but Null) with
// an optional IfExists suffix and ForAnyValue:/ForAllValues: qualifier.
// Evaluate documents the semantics, including absent keys.
package awspolicy
