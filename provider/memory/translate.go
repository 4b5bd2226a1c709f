package memory

import (
	"encoding/json"
	"errors"
	"unicode"

	"github.com/iamkit/iamkit/iam"
	"github.com/iamkit/iamkit/policy"
)

// translator is the memory provider's policy.Translator. The memory
// provider evaluates portable documents itself, so its native form is the
// canonical portable JSON and every statement translates exactly.
type translator struct {
	maxSize int
}

// Translator returns the provider's translator: its native form is the
// canonical portable JSON, every statement is reported Exact, an invalid
// document is ErrInvalid and one larger than Limits.MaxPolicySize
// non-whitespace characters is ErrLimit.
func (p *Provider) Translator() policy.Translator {
	return translator{maxSize: p.limits.MaxPolicySize}
}

// Translate validates doc, writes its canonical JSON and checks its size.
func (t translator) Translate(doc policy.Document, _ policy.TranslateOptions) (*policy.Translation, error) {
	const op = "Translate"
	if err := policy.Validate(doc); err != nil {
		return nil, iam.NewError(name, op, "", iam.ErrInvalid, "", err)
	}
	native, err := json.Marshal(doc)
	if err != nil {
		return nil, iam.NewError(name, op, "", iam.ErrInvalid, "cannot encode the policy", err)
	}
	if n := nonWhitespaceLen(native); n > t.maxSize {
		return nil, fail(op, "", iam.ErrLimit,
			"policy is %d non-whitespace characters, the limit is %d; split it into several policies", n, t.maxSize)
	}
	rep := policy.Report{Statements: make([]policy.StatementReport, len(doc.Statements))}
	for i, s := range doc.Statements {
		rep.Statements[i] = policy.StatementReport{Index: i, Sid: s.Sid, Fidelity: policy.Exact}
	}
	return &policy.Translation{Native: native, Report: rep}, nil
}

// nonWhitespaceLen counts the characters of b that are not white space,
// the measure AWS applies to policy sizes.
func nonWhitespaceLen(b []byte) int {
	n := 0
	for _, r := range string(b) {
		if !unicode.IsSpace(r) {
			n++
		}
	}
	return n
}

// translate runs the translator for op on resource, re-labelling its error
// with them, and reads the native form back into the Document the provider
// stores: canonical, and sharing nothing with the caller's.
func (p *Provider) translate(op, resource string, doc policy.Document, opts policy.TranslateOptions) ([]byte, policy.Document, error) {
	tr, err := p.Translator().Translate(doc, opts)
	if err != nil {
		if ie := (*iam.Error)(nil); errors.As(err, &ie) {
			return nil, policy.Document{}, iam.NewError(name, op, resource, ie.Kind, ie.Msg, ie.Err)
		}
		return nil, policy.Document{}, iam.NewError(name, op, resource, iam.ErrInvalid, "", err)
	}
	stored, err := policy.Parse(tr.Native)
	if err != nil {
		return nil, policy.Document{}, iam.NewError(name, op, resource, iam.ErrInvalid, "cannot read the policy back", err)
	}
	return tr.Native, stored, nil
}
