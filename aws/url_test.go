package aws

import (
	"net/url"
	"testing"

	"github.com/iamkit/iamkit/iam"
	"github.com/iamkit/iamkit/provider"
	"github.com/iamkit/iamkit/provider/providertest"
)

func TestParseURL(t *testing.T) {
	good := map[string]Options{
		"aws://":                             {},
		"aws:///":                            {},
		"aws://?region=eu-west-3&profile=ci": {Region: "eu-west-3", Profile: "ci"},
		"aws://?endpoint=http://127.0.0.1:5000&path=/tools/": {Endpoint: "http://127.0.0.1:5000", Path: "/tools/"},
	}
	for raw, want := range good {
		u, _ := url.Parse(raw)
		got, err := ParseURL(u)
		if err != nil || got != want {
			t.Errorf("ParseURL(%s) = %+v, %v; want %+v", raw, got, err, want)
		}
	}
	for _, raw := range []string{
		"aws://eu-west-3",
		"aws://?region=eu-west-3&secret=x",
		"aws://?access_key_id=AKIA",
		"aws://?region=a&region=b",
		"aws://?endpoint=ftp://x",
		"aws://?endpoint=http://user:pw@host",
		"aws://?path=iamkit",
		"aws:///some/path",
		"aws://key:secret@/",
	} {
		u, err := url.Parse(raw)
		if err != nil {
			t.Fatal(err)
		}
		_, err = ParseURL(u)
		if !providertest.AssertKind(t, err, iam.ErrInvalid) {
			t.Logf("URL %s", raw)
		}
	}
}

// TestOpen: the scheme is registered and opens a Provider without any
// request (credentials are only read when a call needs them).
func TestOpen(t *testing.T) {
	t.Setenv("AWS_CONFIG_FILE", t.TempDir()+"/none")
	t.Setenv("AWS_SHARED_CREDENTIALS_FILE", t.TempDir()+"/none")
	p, err := provider.Open(t.Context(), "aws://?region=eu-west-3&endpoint=http://127.0.0.1:1&path=/tools/")
	if err != nil {
		t.Fatal(err)
	}
	ap, ok := p.(*Provider)
	if !ok || ap.Name() != "aws" || ap.Path() != "/tools/" || ap.cfg.Region != "eu-west-3" {
		t.Errorf("Open = %#v", p)
	}
	if _, err := provider.Open(t.Context(), "aws://?nope=1"); !providertest.AssertKind(t, err, iam.ErrInvalid) {
		t.Log(err)
	}
}

func TestNewOptions(t *testing.T) {
	for _, o := range []Options{{Path: "iamkit"}, {Path: "/a b/"}, {AccountID: "12"}, {Endpoint: "localhost:5000"}} {
		_, err := New(t.Context(), o)
		providertest.AssertKind(t, err, iam.ErrInvalid)
	}
}

func TestPartition(t *testing.T) {
	for region, want := range map[string]string{"eu-west-3": "aws", "cn-north-1": "aws-cn", "us-gov-west-1": "aws-us-gov", "": "aws"} {
		if got := partitionOf(region); got != want {
			t.Errorf("partitionOf(%q) = %q, want %q", region, got, want)
		}
	}
}
