package provider_test

import (
	"context"
	"errors"
	"fmt"
	"net/url"
	"strconv"
	"strings"
	"testing"

	"github.com/iamkit/iamkit/iam"
	"github.com/iamkit/iamkit/provider"
	"github.com/iamkit/iamkit/provider/memory"
)

// urlPassword returns the password of the userinfo of raw, read by hand
// (raw may not parse): what follows the first ':' up to the last '@' of
// the authority, which follows "scheme://" or a leading "//".
func urlPassword(raw string) string {
	s, ok := strings.CutPrefix(raw, "//")
	if !ok {
		scheme, rest, found := strings.Cut(raw, "://")
		if !found || scheme == "" || !isScheme(scheme) {
			return ""
		}
		s = rest
	}
	if i := strings.IndexAny(s, "/?#"); i >= 0 {
		s = s[:i]
	}
	at := strings.LastIndex(s, "@")
	if at < 0 {
		return ""
	}
	_, pw, _ := strings.Cut(s[:at], ":")
	return pw
}

// isScheme reports whether s is a URL scheme: a letter, then letters,
// digits, '+', '-' or '.'.
func isScheme(s string) bool {
	for i, c := range s {
		letter := c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z'
		if !letter && (i == 0 || !(c >= '0' && c <= '9' || c == '+' || c == '-' || c == '.')) {
			return false
		}
	}
	return true
}

// FuzzOpen opens provider URLs (command lines, configuration files). Only
// the memory scheme is registered in this package's tests: the other
// adapters fuzz their own URLs (aws, outscale, ovh and openstack's
// FuzzOpenURL and FuzzOptionsFromURL). Properties: no panic; a refusal is
// an *iam.Error of kind ErrInvalid that shows no password of the URL
// (credentials in a URL end up in logs); a memory provider opened has the
// limits its query names.
func FuzzOpen(f *testing.F) {
	for _, s := range []string{
		"memory://", "memory:///", "memory://?max_keys=1&page_size=3&policy_versions=2&max_policy_size=100&key_delay=2s",
		"memory://?max_keys=1&max_keys=7", "memory://?key_delay=-1s", "memory://?colour=blue", "memory://host/path",
		"memory://user:pw-S3cret@", "aws://key:S3cretKey-x@/?region=eu-west-3", "user:pw-S3cret@host", "//user:pw-S3cret@host/x",
		"://bad", "no-scheme", "nosuch://x", "memory:opaque", "MEMORY://", "memory://?max_policy_size=9999999999999999999999",
		"memory://%zz", "memory://u:p%zz@h", "memory://u:longer-S3cret%zz@h", "memory://u:longer-S3cret@h:port",
	} {
		f.Add(s)
	}
	ctx := context.Background()
	defaults := memory.DefaultLimits()
	f.Fuzz(func(t *testing.T, raw string) {
		p, err := provider.Open(ctx, raw)
		if err != nil {
			var ie *iam.Error
			if !errors.As(err, &ie) || iam.KindOf(err) != iam.ErrInvalid {
				t.Fatalf("refused with %T %v, want an *iam.Error of kind ErrInvalid", err, err)
			}
			pw := urlPassword(raw)
			forms := []string{pw}
			if d, err := url.PathUnescape(pw); err == nil {
				forms = append(forms, d)
			}
			for _, s := range forms {
				if len(s) < 6 || strings.Contains(strings.Replace(raw, pw, "", 1), s) {
					continue
				}
				for _, msg := range []string{err.Error(), fmt.Sprintf("%+v", err)} {
					if strings.Contains(msg, s) {
						t.Fatalf("message shows the URL's password %q: %s", s, msg)
					}
				}
			}
			return
		}
		u, perr := url.Parse(raw)
		if perr != nil || u.Scheme != "memory" || u.User != nil || p.Name() != "memory" {
			t.Fatalf("opened %v from %q", p, raw)
		}
		limit := func(k string, def int) int {
			if vs := u.Query()[k]; len(vs) > 0 {
				n, err := strconv.Atoi(vs[len(vs)-1])
				if err != nil || n <= 0 {
					t.Fatalf("opened with %s=%q", k, vs[len(vs)-1])
				}
				return n
			}
			return def
		}
		c := p.Capabilities()
		if c.MaxKeysPerUser != limit("max_keys", defaults.MaxKeysPerUser) || c.PolicyVersions != limit("policy_versions", defaults.PolicyVersions) ||
			c.MaxPolicySize != limit("max_policy_size", defaults.MaxPolicySize) {
			t.Fatalf("%q opened with %+v", raw, c)
		}
		limit("page_size", 0)
	})
}
