package aws

import (
	"context"
	"errors"
	"fmt"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/iamkit/iamkit/iam"
)

// fuzzAWSSecret is the secret key of the environment FuzzOpenURL runs in.
const fuzzAWSSecret = "fuzzSecretKeyFUZZSECRETKEYfuzzSecretKey1"

// isolateAWS points every place the AWS SDK reads its configuration from
// at files of the test: no real ~/.aws is read, no instance metadata
// asked for. The credentials are fake ones in the environment; New sends
// no request, whatever they are.
func isolateAWS(f *testing.F) {
	dir := f.TempDir()
	config := filepath.Join(dir, "config")
	if err := os.WriteFile(config, []byte("[profile ci]\nregion = eu-west-3\n\n[default]\nregion = us-east-2\n"), 0o600); err != nil {
		f.Fatal(err)
	}
	for k, v := range map[string]string{
		"HOME": dir, "AWS_CONFIG_FILE": config, "AWS_SHARED_CREDENTIALS_FILE": filepath.Join(dir, "credentials"),
		"AWS_ACCESS_KEY_ID": "AKIAFUZZFUZZFUZZFUZZ", "AWS_SECRET_ACCESS_KEY": fuzzAWSSecret,
		"AWS_SESSION_TOKEN": "", "AWS_PROFILE": "", "AWS_DEFAULT_PROFILE": "", "AWS_REGION": "", "AWS_DEFAULT_REGION": "",
		"AWS_ENDPOINT_URL": "", "AWS_ENDPOINT_URL_IAM": "", "AWS_ENDPOINT_URL_STS": "", "AWS_ROLE_ARN": "",
		"AWS_WEB_IDENTITY_TOKEN_FILE": "", "AWS_CONTAINER_CREDENTIALS_RELATIVE_URI": "", "AWS_CONTAINER_CREDENTIALS_FULL_URI": "",
		"AWS_EC2_METADATA_DISABLED": "true", "AWS_CA_BUNDLE": "",
	} {
		f.Setenv(k, v)
	}
}

// FuzzOpenURL opens aws:// URLs (from command lines and configuration).
// Properties: ParseURL never panics and refuses with an *iam.Error of
// kind ErrInvalid that shows no password of the URL; the options it
// reads make a URL that reads back the same; New over them either works
// or refuses with ErrInvalid, sending nothing (New sends no request) and
// showing no secret.
func FuzzOpenURL(f *testing.F) {
	for _, s := range []string{
		"aws://", "aws:///", "aws://?region=eu-west-3&profile=ci",
		"aws://?endpoint=http://127.0.0.1:5000&path=/tools/",
		"aws://?endpoint=https://iam.amazonaws.com&region=us-gov-west-1&path=/",
		"aws://?profile=nope", "aws://?region=a&region=b", "aws://?endpoint=http://user:pw-S3cret@host",
		"aws://key:S3cretKey@/", "aws://?path=%2Fa%20b%2F", "aws://?%zz=1", "aws://?region=cn-north-1#frag",
		"aws:opaque", "AWS://?region=x",
	} {
		f.Add(s)
	}
	isolateAWS(f)
	ctx := context.Background()
	f.Fuzz(func(t *testing.T, raw string) {
		u, err := url.Parse(raw)
		if err != nil {
			return // provider.Open refuses it first
		}
		var password string
		if u.User != nil {
			password, _ = u.User.Password()
		}
		for _, vs := range u.Query() {
			for _, v := range vs {
				if e, err := url.Parse(v); err == nil && e.User != nil {
					if p, ok := e.User.Password(); ok && len(p) > len(password) {
						password = p
					}
				}
			}
		}
		noSecret := func(err error) {
			t.Helper()
			for _, msg := range []string{err.Error(), fmt.Sprintf("%+v", err)} {
				if strings.Contains(msg, fuzzAWSSecret) {
					t.Fatalf("message shows the secret key: %s", msg)
				}
				if len(password) >= 6 && strings.Contains(msg, password) && !strings.Contains(strings.Replace(raw, password, "", 1), password) {
					t.Fatalf("message shows the URL's password: %s", msg)
				}
			}
		}
		opts, err := ParseURL(u)
		if err != nil {
			var ie *iam.Error
			if !errors.As(err, &ie) || iam.KindOf(err) != iam.ErrInvalid {
				t.Fatalf("refused with %T %v, want an *iam.Error of kind ErrInvalid", err, err)
			}
			noSecret(err)
			return
		}
		if u.Scheme != "aws" || u.User != nil || u.Host != "" || u.Fragment != "" {
			t.Fatalf("read options %+v from %q", opts, raw)
		}
		q := url.Values{}
		for k, v := range map[string]string{"region": opts.Region, "profile": opts.Profile, "endpoint": opts.Endpoint, "path": opts.Path} {
			if v != "" {
				q.Set(k, v)
			}
		}
		back, err := ParseURL(&url.URL{Scheme: "aws", RawQuery: q.Encode()})
		if err != nil || back != opts {
			t.Fatalf("options %+v write back as a URL that reads %+v, %v", opts, back, err)
		}
		p, err := New(ctx, opts)
		if err != nil {
			if iam.KindOf(err) != iam.ErrInvalid {
				t.Fatalf("New(%+v) = %v, want ErrInvalid", opts, err)
			}
			noSecret(err)
			return
		}
		if s := fmt.Sprintf("%v %+v %#v %s", p, p, p, p.String()); strings.Contains(s, fuzzAWSSecret) {
			t.Fatalf("the provider prints its secret: %s", s)
		}
		if opts.Path != "" && p.Path() != opts.Path {
			t.Fatalf("path %q, want %q", p.Path(), opts.Path)
		}
	})
}
