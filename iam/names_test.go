package iam_test

import (
	"errors"
	"strings"
	"testing"

	"github.com/iamkit/iamkit/iam"
)

func TestAWSNameRules(t *testing.T) {
	r := iam.AWSNameRules()
	tests := []struct {
		rule iam.NameRule
		name string
		ok   bool
		msg  string
	}{
		{r.User, "watcher_1", true, ""},
		{r.User, "a+b=c,d.e@f-g", true, ""},
		{r.User, "", false, "is empty"},
		{r.User, strings.Repeat("a", 64), true, ""},
		{r.User, strings.Repeat("a", 65), false, "the maximum is 64"},
		{r.Group, strings.Repeat("a", 128), true, ""},
		{r.Group, strings.Repeat("a", 129), false, "the maximum is 128"},
		{r.User, "has space", false, `has ' '`},
		{r.User, "a/b", false, `has '/'`},
		{r.User, "nul\x00", false, `has '\x00'`},
		{r.Policy, "é", false, "allowed: letters, digits"},
		{r.Policy, "bad\xff", false, "UTF-8"},
	}
	for _, tt := range tests {
		err := tt.rule.Check(tt.name)
		if (err == nil) != tt.ok {
			t.Errorf("Check(%q) = %v, want ok=%v", tt.name, err, tt.ok)
			continue
		}
		if err != nil {
			if !errors.Is(err, iam.ErrInvalid) || !strings.Contains(err.Error(), tt.msg) || !strings.Contains(err.Error(), tt.rule.What) {
				t.Errorf("Check(%q) = %v, want ErrInvalid mentioning %q", tt.name, err, tt.msg)
			}
		}
	}
}

func TestNameRuleDefaults(t *testing.T) {
	r := iam.NameRule{What: "name", Min: 3}
	if err := r.Check("ab"); err == nil || !strings.Contains(err.Error(), "minimum is 3") {
		t.Errorf("min: %v", err)
	}
	if err := r.Check("tab\there"); err == nil {
		t.Error("control character accepted by default rule")
	}
	if err := r.Check("any thing/ok"); err != nil {
		t.Errorf("printable refused: %v", err)
	}
}
