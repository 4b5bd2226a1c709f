package providertest

import (
	"fmt"
	"testing"

	"github.com/iamkit/iamkit/iam"
	"github.com/iamkit/iamkit/policy"
)

// Fleet returns n service accounts, bot_00 to bot_<n-1>, sharing the
// policy "fleet_read" (read-only compute, translated with tr) and, unless
// group is "", the group of that name: what the request counts of
// iam.Apply and iam.Plan are measured on.
func Fleet(n int, group string, tr policy.TranslateOptions) []iam.ServiceAccount {
	out := make([]iam.ServiceAccount, n)
	for i := range out {
		out[i] = iam.ServiceAccount{User: fmt.Sprintf("bot_%02d", i), Group: group, PolicyName: "fleet_read",
			Policy: policy.ReadOnly(policy.Compute), Translate: tr}
	}
	return out
}

// ApplyAndReplan plans desired on p, applies the plan with opts, then
// plans again, and returns how many requests (as requests counts them)
// Apply and the second Plan sent. It fails t when Apply fails an account
// or gives one no new key, or when the second plan still has changes.
func ApplyAndReplan(t testing.TB, p iam.Provider, desired []iam.ServiceAccount, opts iam.ApplyOptions, requests func() int) (apply, plan int) {
	t.Helper()
	cs, err := iam.Plan(t.Context(), p, desired)
	if err != nil {
		t.Fatal(err)
	}
	before := requests()
	res, err := iam.Apply(t.Context(), p, cs, opts)
	if err != nil {
		t.Fatal(err)
	}
	apply = requests() - before
	if len(res.Accounts) != len(desired) || len(res.Failed) != 0 {
		t.Fatalf("Apply made %d accounts, %d failures, want %d and 0", len(res.Accounts), len(res.Failed), len(desired))
	}
	for _, a := range res.Accounts {
		if a.Key == nil || a.Key.Secret.IsZero() {
			t.Fatalf("account %s has no new key", a.User.Name)
		}
	}
	before = requests()
	cs, err = iam.Plan(t.Context(), p, desired)
	if err != nil {
		t.Fatal(err)
	}
	plan = requests() - before
	if cs.HasChanges() {
		t.Fatalf("changes after Apply:\n%s", cs)
	}
	return apply, plan
}

// CheckPerAccount checks the requests of a run over n accounts (r1) and
// one over 2n (r2): (r2-r1)/n per account, exactly, and the rest once,
// as the iam package doc says (wantPer, wantOnce).
func CheckPerAccount(t testing.TB, what string, n, r1, r2, wantPer, wantOnce int) {
	t.Helper()
	per, rest := (r2-r1)/n, (r2-r1)%n
	once := r1 - per*n
	t.Logf("%s: %d requests for %d accounts, %d for %d: %d per account (remainder %d), %d once", what, r1, n, r2, 2*n, per, rest, once)
	if rest != 0 || per != wantPer || once != wantOnce {
		t.Errorf("%s: %d per account (remainder %d) and %d once, want %d and %d: update the iam package doc (Requests per account)",
			what, per, rest, once, wantPer, wantOnce)
	}
}
