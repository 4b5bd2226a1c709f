package providertest

import (
	"github.com/iamkit/iamkit/iam"
)

var secretTests = []test{
	{"NeverPrinted", testSecretRenderings},
	{"NotListed", testSecretNotListed},
	{"NotInErrors", testSecretNotInErrors},
}

func testSecretRenderings(e *env) {
	u := e.newUser()
	k := e.newKey(u.Name, nil)
	secret := k.Secret.Reveal()
	if secret == "" {
		e.t.Fatal("CreateAccessKey: Secret.Reveal() is empty")
	}
	prov := &iam.Provisioned{User: u, Key: k}
	AssertRedacted(e.t, secret, k, *k, k.Secret, []*iam.AccessKey{k}, map[string]any{"key": k}, prov, *prov)
	if e.caps.MaxKeysPerUser == 0 || e.caps.MaxKeysPerUser >= 2 {
		k2 := e.newKey(u.Name, nil)
		if k2.ID == k.ID || k2.Secret.Reveal() == secret {
			e.t.Errorf("two keys share their ID or their secret")
		}
	}
}

func testSecretNotListed(e *env) {
	u := e.newUser()
	k := e.newKey(u.Name, nil)
	var got *iam.AccessKey
	e.eventually(func() error {
		var err error
		got, err = e.listedKey(u.Name, k.ID)
		return err
	})
	if !got.Secret.IsZero() {
		e.t.Errorf("ListAccessKeys: the listed key carries a secret")
	}
	AssertRedacted(e.t, k.Secret.Reveal(), got, *got)
}

// testSecretNotInErrors passes a secret where a key ID belongs, the
// likeliest way for a caller to send one to the cloud: the error must not
// echo it. (The checker also scans every other error of the test.)
func testSecretNotInErrors(e *env) {
	u := e.newUser()
	k := e.newKey(u.Name, nil)
	secret := k.Secret.Reveal()
	errs := map[string]error{
		"DeleteAccessKey with the secret as key ID": e.p.DeleteAccessKey(e.ctx, u.Name, secret),
	}
	if e.caps.KeyStatus {
		errs["SetAccessKeyStatus with the secret as key ID"] = e.p.SetAccessKeyStatus(e.ctx, u.Name, secret, iam.KeyInactive)
	}
	for what, err := range errs {
		if err == nil {
			e.t.Errorf("%s: no error", what)
			continue
		}
		if ContainsSecret(err.Error(), secret) {
			e.t.Errorf("%s: the error shows the secret: %s", what, redactIn(err.Error(), secret))
		}
	}
	e.eventually(func() error { _, err := e.listedKey(u.Name, k.ID); return err })
}
