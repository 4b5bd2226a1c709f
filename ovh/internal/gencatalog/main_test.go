package main

import (
	"bytes"
	"os"
	"path/filepath"
	"testing"
)

// TestCatalogUpToDate checks that ovh/catalog_gen.go is what the generator
// makes of the OpenAPI documents in ../shared/specs/ovh (or
// $IAMKIT_OVH_SPECS): run go generate in ovh/ when it fails. Without the
// documents the test is skipped, or fails when CI=true.
func TestCatalogUpToDate(t *testing.T) {
	dir := os.Getenv("IAMKIT_OVH_SPECS")
	if dir == "" {
		dir = filepath.Join("..", "..", "..", "..", "shared", "specs", "ovh")
	}
	if _, err := os.Stat(filepath.Join(dir, "me-v1.json")); err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatalf("OVHcloud OpenAPI documents not found (CI=true: they must be present): %v", err)
		}
		t.Skipf("OVHcloud OpenAPI documents not found (set IAMKIT_OVH_SPECS): %v", err)
	}
	got, err := generate(dir)
	if err != nil {
		t.Fatal(err)
	}
	want, err := os.ReadFile(filepath.Join("..", "..", "catalog_gen.go"))
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(got, want) {
		t.Error("ovh/catalog_gen.go is stale: run go generate in ovh/")
	}
}

func TestLevels(t *testing.T) {
	paths := map[string]bool{"/iam/policy": true, "/iam/policy/{policyId}": true, "/me/identity/provider": true,
		"/me/identity/group": true, "/me/identity/group/{group}": true, "/me/api/oauth2/client": true}
	cases := []struct {
		method, path string
		want         string
	}{
		{"GET", "/iam/policy", "List"},
		{"GET", "/iam/policy/{policyId}", "Read"},
		{"GET", "/me/identity/provider", "Read"},
		{"PUT", "/iam/policy/{policyId}", "Permissions"},
		{"POST", "/me/identity/provider", "Permissions"},
		{"PUT", "/me/identity/group/{group}", "Write,Permissions"},
		{"POST", "/me/api/oauth2/client", "Write"},
	}
	for _, c := range cases {
		got := levels(c.method, c.path, paths)
		s := ""
		for i, l := range got {
			if i > 0 {
				s += ","
			}
			s += l
		}
		if s != c.want {
			t.Errorf("%s %s: %s, want %s", c.method, c.path, s, c.want)
		}
	}
}
