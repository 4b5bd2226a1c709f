package providertest

import (
	"bytes"
	"encoding/json"
	"fmt"
	"iter"
	"slices"

	"github.com/iamkit/iamkit/iam"
	"github.com/iamkit/iamkit/policy"
)

// readDoc and writeDoc are the documents the suite stores: portable, valid
// on every cloud, and different from each other.
var (
	readDoc  = policy.ReadOnly(policy.Compute)
	writeDoc = policy.Document{Statements: []policy.Statement{{
		Sid: "Volumes", Effect: policy.Allow,
		Actions:   []policy.Action{"blockstorage:List", "blockstorage:Read"},
		Resources: []policy.Resource{"*"},
	}}}
)

// names lists the names of a listing, or returns its first error.
func names[T any](seq iter.Seq2[*T, error], name func(*T) string) ([]string, error) {
	var out []string
	for v, err := range seq {
		if err != nil {
			return out, err
		}
		out = append(out, name(v))
	}
	return out, nil
}

func userName(u *iam.User) string     { return u.Name }
func groupName(g *iam.Group) string   { return g.Name }
func policyName(p *iam.Policy) string { return p.Name }

// count returns how many times name occurs in list.
func count(list []string, name string) int {
	n := 0
	for _, s := range list {
		if s == name {
			n++
		}
	}
	return n
}

// listed checks that a listing holds each of want exactly once (wantIn) or
// none of them (!wantIn), and returns why not.
func listed[T any](what string, seq iter.Seq2[*T, error], name func(*T) string, wantIn bool, want ...string) error {
	got, err := names(seq, name)
	if err != nil {
		return fmt.Errorf("%s: %w", what, err)
	}
	for _, w := range want {
		switch n := count(got, w); {
		case wantIn && n != 1:
			return fmt.Errorf("%s lists %s %d times, want once", what, w, n)
		case !wantIn && n != 0:
			return fmt.Errorf("%s still lists %s", what, w)
		}
	}
	return nil
}

// duplicates returns the names that occur more than once in list.
func duplicates(list []string) []string {
	s := slices.Clone(list)
	slices.Sort(s)
	var out []string
	for i := 1; i < len(s); i++ {
		if s[i] == s[i-1] && (len(out) == 0 || out[len(out)-1] != s[i]) {
			out = append(out, s[i])
		}
	}
	return out
}

// docJSON returns the canonical JSON of doc, for comparisons.
func docJSON(doc policy.Document) string {
	b, err := json.Marshal(doc)
	if err != nil {
		return "error: " + err.Error()
	}
	return string(b)
}

// sameDoc checks that pol holds doc. Clouds store policies natively, and
// not every native document reads back into the portable one it came from
// (an AWS action list does not say "compute:Read"), so the check is on what
// the cloud enforces: pol's Native form, and its Document if it has one,
// must translate to the native form of doc.
func sameDoc(p iam.Provider, pol *iam.Policy, doc policy.Document) error {
	want, err := nativeOf(p, doc)
	if err != nil {
		return err
	}
	if len(pol.Document.Statements) == 0 && len(pol.Native) == 0 {
		return fmt.Errorf("policy/%s has neither a Document nor a Native form", pol.Name)
	}
	if len(pol.Native) > 0 {
		if got := compactJSON(pol.Native); got != want {
			return fmt.Errorf("policy/%s native form reads back as\n\t%s\nwant\n\t%s", pol.Name, got, want)
		}
	}
	if len(pol.Document.Statements) > 0 {
		if docJSON(pol.Document) == docJSON(doc) {
			return nil
		}
		got, err := nativeOf(p, pol.Document)
		if err != nil || got != want {
			return fmt.Errorf("policy/%s reads back as\n\t%s\nwhich is not equivalent to\n\t%s", pol.Name, docJSON(pol.Document), docJSON(doc))
		}
	}
	return nil
}

// nativeOf translates doc with p's translator, widening allowed (the
// suite's documents are the provider's own to judge), and compacts it.
func nativeOf(p iam.Provider, doc policy.Document) (string, error) {
	tr, err := p.Translator().Translate(doc, policy.TranslateOptions{AllowWidening: true})
	if err != nil {
		return "", fmt.Errorf("translating %s: %w", docJSON(doc), err)
	}
	return compactJSON(tr.Native), nil
}

func compactJSON(b []byte) string {
	var buf bytes.Buffer
	if json.Compact(&buf, b) != nil {
		return string(b)
	}
	return buf.String()
}
