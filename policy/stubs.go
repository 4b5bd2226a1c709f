package policy

// Stubs with the final signatures, replaced by the real implementation.
// TODO(policy helper): delete this file when json.go / evaluate.go land.

import "errors"

// ErrInvalid is the kind of every error this package returns for a
// document that cannot be used; it is the same value as iam.ErrInvalid.
var errStub = errors.New("policy: not implemented yet")

// Parse reads a portable policy document.
func Parse(data []byte) (Document, error) { return Document{}, errStub }

// Validate reports why doc cannot be used, or nil.
func Validate(doc Document) error { return errStub }

// Evaluate decides req against docs.
func Evaluate(req Request, docs ...Document) Decision {
	return Decision{Document: -1, Statement: -1}
}
