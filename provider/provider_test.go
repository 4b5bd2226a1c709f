package provider_test

import (
	"context"
	"errors"
	"strings"
	"testing"

	"github.com/iamkit/iamkit/iam"
	"github.com/iamkit/iamkit/provider"
	"github.com/iamkit/iamkit/provider/memory"
)

func TestOpenMemory(t *testing.T) {
	ctx := context.Background()
	p, err := provider.Open(ctx, "memory://")
	if err != nil {
		t.Fatal(err)
	}
	if _, ok := p.(*memory.Provider); !ok || p.Name() != "memory" {
		t.Fatalf("Open(memory://) = %T %q", p, p.Name())
	}
	p, err = provider.Open(ctx, "memory://?max_keys=1&page_size=3&policy_versions=2&max_policy_size=100&key_delay=2s")
	if err != nil {
		t.Fatal(err)
	}
	c := p.Capabilities()
	if c.MaxKeysPerUser != 1 || c.PolicyVersions != 2 || c.MaxPolicySize != 100 || !c.EventualConsistency {
		t.Fatalf("settings not applied: %+v", c)
	}
}

func TestOpenErrors(t *testing.T) {
	ctx := context.Background()
	tests := []struct {
		url  string
		want string
	}{
		{"nosuch://x", `unknown provider scheme "nosuch"; registered: memory`},
		{"no-scheme", "has no scheme; registered: memory"},
		{"://bad", "malformed provider URL"},
		{"memory://user:pass@", "carry no credentials"},
		{"memory://host", "takes no host"},
		{"memory://?max_keys=zero", `max_keys="zero"`},
		{"memory://?colour=blue", `unknown setting "colour"`},
		{"memory://?key_delay=soon", "not a duration"},
	}
	for _, tt := range tests {
		_, err := provider.Open(ctx, tt.url)
		if !errors.Is(err, iam.ErrInvalid) || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("Open(%q) = %v, want ErrInvalid with %q", tt.url, err, tt.want)
		}
		if strings.Contains(tt.url, "pass") && strings.Contains(err.Error(), "pass") {
			t.Errorf("error echoes credentials: %v", err)
		}
	}
	cctx, cancel := context.WithCancel(ctx)
	cancel()
	if _, err := provider.Open(cctx, "memory://"); !errors.Is(err, context.Canceled) {
		t.Errorf("cancelled Open: %v", err)
	}
}
