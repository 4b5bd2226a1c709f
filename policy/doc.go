// Package policy is iamkit's portable policy model: one way to say what an
// automation tool may do, which every provider translates into its cloud's
// own policy, role or access-rule language, and which the in-memory
// provider enforces.
//
// # Tour
//
// A Document is a list of statements, each allowing or denying some actions
// on some resources, optionally under conditions. Documents are built in Go
// (Build, Allowing, ReadOnly, …) or read from JSON with Parse, which is
// strict and validates; json.Marshal writes them back in a canonical form.
//
//	doc, err := policy.Parse([]byte(`{
//		"Version": "iamkit/1",
//		"Statement": [{"Sid": "ro", "Effect": "Allow",
//			"Action": ["compute:List", "compute:Read"], "Resource": "*"}]
//	}`))
//
// Validate checks a document built in Go; Lint reviews one as a security
// reviewer would (wildcards, privilege escalation, statements that can
// never apply); Evaluate answers whether a request is allowed, and which
// statement decided:
//
//	d := policy.Evaluate(policy.Request{Action: "compute:Read"}, doc)
//	fmt.Println(d) // allowed by document 0, statement 0 (Sid "ro")
//
// Every error this package returns for a bad document wraps ErrInvalid,
// which is iam.ErrInvalid, and its *Error values name the statement and the
// field at fault.
//
// # Grammar
//
// The JSON form is the one AWS IAM users know, with portable actions. A
// document is an object with these keys, spelt exactly so (keys are
// case-sensitive, and a key given twice in any object is refused):
//
//	Version    optional; if present, exactly "iamkit/1"
//	Statement  required: a non-empty list of statements, or one statement
//
// A statement is an object with these keys:
//
//	Sid          optional: 1 to 128 characters of [A-Za-z0-9 _.-]
//	Effect       required: "Allow" or "Deny"
//	Action       exactly one of Action and NotAction: an action or a
//	NotAction      non-empty list of actions
//	Resource     exactly one of Resource and NotResource (required, as in
//	NotResource    AWS; write "*" for every resource): a resource or a
//	               non-empty list of resources
//	Condition    optional: {"<operator>": {"<key>": value or [values]}}
//
// Nothing else is accepted: no other key, no null, no number or boolean, no
// empty string, list or object, no data after the document, no document
// larger than MaxDocumentSize (64 KiB) or nested deeper than 8 levels, no
// invalid UTF-8.
//
// # Actions
//
// A portable action is "<service>:<level>":
//
//	services  compute, blockstorage, objectstorage, network, image, iam, or *
//	levels    List, Read, Write, Tag, Permissions, or *
//
// "*" alone is every action, portable or native. Services and levels are
// read in any case and written in the spelling above ("Compute:read" is
// read as "compute:Read"); a wildcard stands only for a whole part
// ("comp*:Read" is refused). "*:<level>" and "*:*" match portable actions
// only.
//
// A native action is kept verbatim for one cloud, after its lower-case
// prefix:
//
//	aws:<service>:<Action>                  aws:ec2:RunInstances, aws:s3:Get*
//	    service [a-z0-9-]+, action [A-Za-z0-9*?]+
//	outscale:<prefix>:<Call>                outscale:api:ReadVms, outscale:api:Read*
//	    prefix [a-z]+, call [A-Za-z0-9*?]+
//	ovh:<action>                            ovh:publicCloudProject:openstack:infrastructureSupervisor
//	    OVHcloud IAM action: [A-Za-z0-9:/_.*-]+, parts separated by ':', none empty, at least two
//	openstack:<service-type>:<METHOD>:<path>   openstack:compute:GET:/v2.1/servers
//	    a Keystone application-credential access rule: service type [a-z0-9-]+,
//	    METHOD GET, HEAD, POST, PUT, PATCH, DELETE or *, path "/" then [A-Za-z0-9/_.{}*-]*
//
// Actions match case-insensitively, with '*' (any run of characters) and
// '?' (one character).
//
// # Resources
//
//	"*"                          every resource
//	project/<id>                 everything in one project or account; id [A-Za-z0-9_-]+
//	<service>:<type>/<path>      a portable reference: service as above (lower case, not *),
//	                             type [a-z][a-z0-9-]*, a non-empty path without spaces,
//	                             wildcards allowed: objectstorage:bucket/logs,
//	                             objectstorage:object/logs/*, compute:instance/i-0abc
//	arn:…  orn:…  urn:…          a native ARN, ORN or URN, kept verbatim (no spaces or
//	                             control characters)
//
// Resources match case-sensitively, with '*' and '?'.
//
// # Conditions
//
// Each condition key goes with its own operators and values:
//
//	iamkit:SourceIp              IpAddress, NotIpAddress
//	    CIDR ranges or bare IP addresses: "203.0.113.0/24", "2001:db8::1"
//	iamkit:CurrentTime           DateGreaterThan, DateGreaterThanEquals, DateLessThan, DateLessThanEquals
//	    RFC 3339 times: "2026-01-31T23:59:59Z"
//	iamkit:ResourceTag/<key>     StringEquals, StringNotEquals, StringEqualsIfExists
//	    tag values, compared exactly; the key is 1 to 128 characters
//
// The values of one condition are alternatives (any may match; for
// NotIpAddress and StringNotEquals, none may). All conditions of a
// statement must hold. Parse returns conditions sorted by operator, then
// key, and keeps values in the order given.
//
// # Canonical form
//
// Marshalling writes keys in the order above, every action, resource and
// value as a list, Version always, Sid and Condition only when set,
// conditions sorted, no insignificant space. For every document d returned
// by Parse, Parse(json.Marshal(d)) equals d, and marshalling is idempotent.
package policy
