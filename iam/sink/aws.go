package sink

import (
	"context"
	"fmt"

	"github.com/iamkit/iamkit/iam"
)

// AWSCredentials writes the key into a profile of the AWS shared
// credentials file, the INI file every AWS SDK and the AWS CLI read:
//
//	[watcher]
//	aws_access_key_id = AKIAIOSFODNN7EXAMPLE
//	aws_secret_access_key = wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY
//
// Only the profile's aws_access_key_id and aws_secret_access_key change;
// an aws_session_token in the profile is removed, as it belongs to the
// key being replaced. Other profiles, other keys of the profile, comments
// and blank lines stay byte for byte. The region is not written: it
// belongs in ~/.aws/config, which this sink does not touch.
//
// It serves the "aws" provider, "memory" so that programs tested against
// the fake provider exercise the same sink, and OpenStack EC2 credentials
// (iam.KeyEC2Credential), which the AWS SDKs and CLI then send to an
// EC2- or S3-compatible endpoint.
type AWSCredentials struct {
	// Path is the credentials file. Default: $AWS_SHARED_CREDENTIALS_FILE,
	// else ~/.aws/credentials. A leading "~/" is expanded.
	Path string
	// Profile is the profile (section) to write. Default: "default".
	Profile string
}

// awsAccepts are the keys AWSCredentials holds.
var awsAccepts = accepts{[]string{"aws", "memory", "openstack"}, []iam.KeyKind{iam.KeyAccessKey, iam.KeyEC2Credential}}

var (
	_ iam.Sink             = AWSCredentials{}
	_ iam.DeliveryVerifier = AWSCredentials{}
)

// Deliver writes d's key into the profile, atomically, mode 0600.
func (s AWSCredentials) Deliver(ctx context.Context, d iam.Delivery) error {
	t, err := begin(ctx, "AWSCredentials", d, awsAccepts, s.Path, homePath("AWS_SHARED_CREDENTIALS_FILE", ".aws", "credentials"))
	if err != nil {
		return err
	}
	profile := s.Profile
	if profile == "" {
		profile = "default"
	}
	if !iniNameOK(profile) {
		return t.fail(iam.ErrInvalid, fmt.Sprintf("profile name %q cannot be written as an INI section (no spaces, brackets, # or ;)", profile), nil)
	}
	if !iniValueOK(d.Key.ID, false) {
		return t.fail(iam.ErrInvalid, "the key ID cannot be written to an INI file as it is", nil)
	}
	if !iniValueOK(d.Key.Secret.Reveal(), false) {
		return t.fail(iam.ErrInvalid, "the secret holds characters the AWS credentials file cannot carry (control characters, outer spaces or quotes, or \" #\", \" ;\")", nil)
	}
	old, _, err := t.read()
	if err != nil {
		return err
	}
	doc := parseINI(old)
	doc.set(profile, []kv{
		{"aws_access_key_id", d.Key.ID},
		{"aws_secret_access_key", d.Key.Secret.Reveal()},
	}, []string{"aws_session_token", "aws_security_token"}, " = ")
	return t.write(ctx, doc.bytes())
}

// Delivered reports whether the profile holds d's key ID: the
// iam.DeliveryVerifier that lets iam.Recover tell a key that reached the
// file from one that did not. A missing file or profile is false.
func (s AWSCredentials) Delivered(ctx context.Context, d iam.Delivery) (bool, error) {
	t, err := beginCheck(ctx, "AWSCredentials", d, awsAccepts, s.Path, homePath("AWS_SHARED_CREDENTIALS_FILE", ".aws", "credentials"))
	if err != nil {
		return false, err
	}
	profile := s.Profile
	if profile == "" {
		profile = "default"
	}
	b, _, err := t.read()
	if err != nil {
		return false, err
	}
	values, _ := parseINI(b).section(profile)
	return values["aws_access_key_id"] == d.Key.ID, nil
}
