package ovh

import (
	"errors"
	"net/url"
	"testing"

	"github.com/iamkit/iamkit/iam"
)

func TestOptionsFromURL(t *testing.T) {
	cases := []struct {
		url  string
		want Options
		bad  bool
	}{
		{url: "ovh://ovh-eu", want: Options{Endpoint: "ovh-eu"}},
		{url: "ovh://ovh-ca", want: Options{Endpoint: "ovh-ca"}},
		{url: "ovh://ovh-us?region=us", want: Options{Endpoint: "ovh-us", Region: "us"}},
		{url: "ovh://", want: Options{}},
		{url: "ovh://?endpoint=http://127.0.0.1:8080/1.0/", want: Options{Endpoint: "http://127.0.0.1:8080/1.0"}},
		{url: "ovh://kimsufi-eu", bad: true},
		{url: "ovh://nowhere", bad: true},
		{url: "ovh://ovh-eu?endpoint=https://x/1.0", bad: true},
		{url: "ovh://?endpoint=ftp://x", bad: true},
		{url: "ovh://ovh-eu?profile=x", bad: true},
		{url: "ovh://ovh-eu/path", bad: true},
		{url: "ovh://ovh-eu:443", bad: true},
		{url: "ovh://key:secret@ovh-eu", bad: true},
		{url: "ovh://ovh-eu?region=eu&region=us", bad: true},
		{url: "ovh://?endpoint=https://a/1.0&endpoint=https://b/1.0", bad: true},
	}
	for _, c := range cases {
		u, err := url.Parse(c.url)
		if err != nil {
			t.Fatal(err)
		}
		got, err := optionsFromURL(u)
		if c.bad {
			if !errors.Is(err, iam.ErrInvalid) {
				t.Errorf("%s: got %v, want ErrInvalid", c.url, err)
			}
			continue
		}
		if err != nil || got != c.want {
			t.Errorf("%s: got %+v, %v; want %+v", c.url, got, err, c.want)
		}
	}
}

func TestRegionOf(t *testing.T) {
	cases := map[[2]string]string{
		{"https://eu.api.ovh.com/1.0", ""}:      "eu",
		{"https://ca.api.ovh.com/1.0", ""}:      "ca",
		{"https://api.us.ovhcloud.com/1.0", ""}: "us",
		{"http://127.0.0.1/1.0", "FR"}:          "eu",
		{"http://127.0.0.1/1.0", "US"}:          "us",
		{"http://127.0.0.1/1.0", "QC"}:          "ca",
	}
	for in, want := range cases {
		if got := regionOf(in[0], in[1]); got != want {
			t.Errorf("regionOf(%q, %q) = %q, want %q", in[0], in[1], got, want)
		}
	}
}
