package moto_test

import (
	"testing"

	"github.com/aws/aws-sdk-go-v2/service/sts"

	"github.com/iamkit/iamkit/internal/moto"
)

// TestEnforceAfter: moto answers the first EnforceAfter requests whatever
// the key, then refuses a key it did not issue.
func TestEnforceAfter(t *testing.T) {
	srv := moto.Start(t, moto.Options{EnforceAfter: 2})
	var c moto.Counter
	client := sts.NewFromConfig(srv.Config(moto.AdminKeyID, moto.AdminSecret, &c))
	for i := range 2 {
		out, err := client.GetCallerIdentity(t.Context(), &sts.GetCallerIdentityInput{})
		if err != nil {
			t.Fatalf("request %d, before enforcement: %v", i+1, err)
		}
		if got := *out.Account; got != moto.AccountID {
			t.Errorf("account %s, want %s", got, moto.AccountID)
		}
	}
	if _, err := client.GetCallerIdentity(t.Context(), &sts.GetCallerIdentityInput{}); err == nil {
		t.Error("request 3, after enforcement, with a key moto did not issue: got no error")
	}
	if c.Count() < 3 || srv.Calls() != c.Count() {
		t.Errorf("counted %d requests (server %d), want at least 3 and the same", c.Count(), srv.Calls())
	}
}
