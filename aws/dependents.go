package aws

import (
	"context"
	"encoding/xml"
	"errors"
	"strings"

	awssdk "github.com/aws/aws-sdk-go-v2/aws"
	iamsdk "github.com/aws/aws-sdk-go-v2/service/iam"
	"github.com/aws/smithy-go"

	"github.com/iamkit/iamkit/iam"
)

// DeleteUserDependents removes what IAM hangs on a user beyond access
// keys, memberships and policies, and requires removed before DeleteUser:
// the login profile (console password), MFA devices (deactivated, and
// deleted when virtual), signing certificates, SSH public keys and
// service-specific credentials. Each is listed and removed; NoSuchEntity
// (already gone, or a user that does not exist) is ignored, so removing
// nothing is not an error, and so is a kind of dependent the endpoint does
// not implement (see unimplemented). iam.Deprovision calls it before deleting the
// user.
func (p *Provider) DeleteUserDependents(ctx context.Context, user string) error {
	const op = "DeleteUserDependents"
	res := userRes(user)
	if err := begin(ctx, op, res, p.checkUser(op, user)); err != nil {
		return err
	}
	un := awssdk.String(user)
	steps := []func() error{
		func() error {
			_, err := p.iam.DeleteLoginProfile(ctx, &iamsdk.DeleteLoginProfileInput{UserName: un})
			return err
		},
		func() error {
			return eachPage(func(marker *string) (*string, bool, error) {
				out, err := p.iam.ListMFADevices(ctx, &iamsdk.ListMFADevicesInput{UserName: un, Marker: marker})
				if err != nil {
					return nil, false, err
				}
				for _, d := range out.MFADevices {
					serial := d.SerialNumber
					if _, err := p.iam.DeactivateMFADevice(ctx, &iamsdk.DeactivateMFADeviceInput{UserName: un, SerialNumber: serial}); err != nil && !isNotFound(err) {
						return nil, false, err
					}
					// A virtual device's serial number is its ARN
					// (arn:aws:iam::ACCOUNT:mfa/NAME); hardware ones are
					// plain serials and are only deactivated.
					if strings.HasPrefix(awssdk.ToString(serial), "arn:") {
						if _, err := p.iam.DeleteVirtualMFADevice(ctx, &iamsdk.DeleteVirtualMFADeviceInput{SerialNumber: serial}); err != nil && !isNotFound(err) {
							return nil, false, err
						}
					}
				}
				return out.Marker, out.IsTruncated, nil
			})
		},
		func() error {
			return eachPage(func(marker *string) (*string, bool, error) {
				out, err := p.iam.ListSigningCertificates(ctx, &iamsdk.ListSigningCertificatesInput{UserName: un, Marker: marker})
				if err != nil {
					return nil, false, err
				}
				for _, c := range out.Certificates {
					if _, err := p.iam.DeleteSigningCertificate(ctx, &iamsdk.DeleteSigningCertificateInput{UserName: un, CertificateId: c.CertificateId}); err != nil && !isNotFound(err) {
						return nil, false, err
					}
				}
				return out.Marker, out.IsTruncated, nil
			})
		},
		func() error {
			return eachPage(func(marker *string) (*string, bool, error) {
				out, err := p.iam.ListSSHPublicKeys(ctx, &iamsdk.ListSSHPublicKeysInput{UserName: un, Marker: marker})
				if err != nil {
					return nil, false, err
				}
				for _, k := range out.SSHPublicKeys {
					if _, err := p.iam.DeleteSSHPublicKey(ctx, &iamsdk.DeleteSSHPublicKeyInput{UserName: un, SSHPublicKeyId: k.SSHPublicKeyId}); err != nil && !isNotFound(err) {
						return nil, false, err
					}
				}
				return out.Marker, out.IsTruncated, nil
			})
		},
		func() error {
			out, err := p.iam.ListServiceSpecificCredentials(ctx, &iamsdk.ListServiceSpecificCredentialsInput{UserName: un})
			if err != nil {
				return err
			}
			for _, c := range out.ServiceSpecificCredentials {
				if _, err := p.iam.DeleteServiceSpecificCredential(ctx, &iamsdk.DeleteServiceSpecificCredentialInput{UserName: un, ServiceSpecificCredentialId: c.ServiceSpecificCredentialId}); err != nil && !isNotFound(err) {
					return err
				}
			}
			return nil
		},
	}
	for _, step := range steps {
		if err := step(); err != nil && !isNotFound(err) && !unimplemented(err) {
			return p.wrap(ctx, op, res, err)
		}
	}
	return nil
}

// unimplemented reports whether err says the endpoint does not implement
// the call: an error code of kind iam.ErrUnsupported (InvalidAction,
// NotImplemented), or an answer that is no AWS error document at all (moto
// answers an HTML page with status 500 for the service-specific credential
// calls it lacks). An endpoint without the call cannot hold what it
// manages. AWS itself always answers an error document.
func unimplemented(err error) bool {
	if codeKinds[codeOf(err)] == iam.ErrUnsupported {
		return true
	}
	var ae smithy.APIError
	if errors.As(err, &ae) {
		return false
	}
	var de *smithy.DeserializationError
	var xe *xml.SyntaxError
	return errors.As(err, &de) || errors.As(err, &xe)
}

// eachPage calls page with successive markers until the listing is done:
// page handles one page and returns the next marker and whether more
// pages follow.
func eachPage(page func(marker *string) (next *string, more bool, err error)) error {
	var marker *string
	for {
		next, more, err := page(marker)
		if err != nil || !more || awssdk.ToString(next) == "" {
			return err
		}
		marker = next
	}
}
