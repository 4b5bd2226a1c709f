package providertest

import (
	"strings"
	"unicode/utf8"

	"github.com/iamkit/iamkit/iam"
)

var nameRuleTests = []test{
	{"Declared", testNameRules},
}

// testNameRules holds a provider's declared name rules (iam.NameRuler,
// which iam.Plan checks desired names with before any call) to what it
// does: the longest name a rule allows is created, and a name one
// character longer, or holding a character the rule does not allow, is
// refused before any request.
func testNameRules(e *env) {
	nr, ok := e.raw.(iam.NameRuler)
	if !ok {
		e.t.Skip("the provider does not implement iam.NameRuler")
	}
	rules := nr.NameRules()
	kinds := []struct {
		rule   iam.NameRule
		short  string
		skip   bool
		create func(name string) error
	}{
		{rules.User, "u", false, func(n string) error { _, err := e.p.CreateUser(e.ctx, n, nil); return err }},
		{rules.Group, "g", !e.caps.Groups, func(n string) error { _, err := e.p.CreateGroup(e.ctx, n); return err }},
		{rules.Policy, "p", !e.caps.ManagedPolicies, func(n string) error {
			_, err := e.p.CreatePolicy(e.ctx, iam.PolicyInput{Name: n, Document: readDoc, Translate: e.h.Translate})
			return err
		}},
	}
	for _, k := range kinds {
		if k.skip {
			continue
		}
		what := k.rule.What
		if what == "" {
			what = k.short
		}
		base := e.name(k.short)
		if n := utf8.RuneCountInString(base); k.rule.Max >= n {
			longest := base + strings.Repeat("a", k.rule.Max-n)
			if err := k.rule.Check(longest); err != nil {
				e.t.Errorf("the %s rule refuses a name of its own maximum length (%d): %v", what, k.rule.Max, err)
			} else {
				e.must(k.create(longest), "create a %s of %d characters, the most its rule allows", what, k.rule.Max)
			}
			e.refused("create a "+what+" one character over the rule's maximum", func() error { return k.create(longest + "a") })
		}
		if bad, ok := disallowed(k.rule); ok {
			e.refused("create a "+what+" holding "+string(bad)+", which the rule does not allow", func() error { return k.create(e.name(k.short) + string(bad) + "x") })
		}
	}
}

// disallowed returns a printable ASCII punctuation character rule does not
// allow, if any.
func disallowed(rule iam.NameRule) (rune, bool) {
	if rule.Allowed == nil {
		return 0, false
	}
	for _, c := range "!#$%&*()[]{}<>?|~^'\";:+=,.@_-" {
		if !rule.Allowed(c) {
			return c, true
		}
	}
	return 0, false
}
