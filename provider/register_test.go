package provider

import (
	"context"
	"maps"
	"net/url"
	"testing"

	"github.com/iamkit/iamkit/iam"
	"github.com/iamkit/iamkit/provider/memory"
)

func TestRegister(t *testing.T) {
	saved := maps.Clone(openers)
	t.Cleanup(func() { mu.Lock(); openers = saved; mu.Unlock() })
	open := func(context.Context, *url.URL) (iam.Provider, error) { return memory.New(), nil }
	Register("testscheme", open)
	if p, err := Open(context.Background(), "testscheme://"); err != nil || p == nil {
		t.Fatalf("registered scheme: %v", err)
	}
	for name, f := range map[string]func(){
		"duplicate":  func() { Register("testscheme", open) },
		"empty":      func() { Register("", open) },
		"upper case": func() { Register("Mem", open) },
		"nil":        func() { Register("other", nil) },
	} {
		func() {
			defer func() {
				if recover() == nil {
					t.Errorf("%s: Register did not panic", name)
				}
			}()
			f()
		}()
	}
	found := false
	for _, s := range Schemes() {
		found = found || s == "testscheme"
	}
	if !found {
		t.Error("Schemes() misses a registered scheme")
	}
}
