package aws_test

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"errors"
	"math/big"
	"testing"
	"time"

	awssdk "github.com/aws/aws-sdk-go-v2/aws"
	iamsdk "github.com/aws/aws-sdk-go-v2/service/iam"

	"github.com/iamkit/iamkit/aws"
	"github.com/iamkit/iamkit/iam"
	"github.com/iamkit/iamkit/internal/moto"
	"github.com/iamkit/iamkit/policy"
	"github.com/iamkit/iamkit/provider/providertest"
)

// testCertPEM returns a self-signed certificate, as IAM wants for a
// signing certificate.
func testCertPEM(t *testing.T) string {
	t.Helper()
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	tmpl := &x509.Certificate{SerialNumber: big.NewInt(1), Subject: pkix.Name{CommonName: "iamkit test"},
		NotBefore: time.Now().Add(-time.Hour), NotAfter: time.Now().Add(time.Hour)}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		t.Fatal(err)
	}
	return string(pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der}))
}

const testSSHKey = "ssh-rsa AAAAB3NzaC1yc2EAAAADAQABAAABAQDFhLtUb5V+ovZ5Zi4xxFkCtVRLGYfAhmOwZ6jBjUCxGB5v4iMRo1YOdm1CJ3uDTCKv/tFYPnypd7xMuE5Rp6eDOw0YWXJHvZIM5tutROeVuazzcVRLd2zW0RhEn7fRSXfeCRDP8mMrwIx3CMrrdVl0T7Z56DG5zxNi9vWyH4FLIIv3JWezw8y9XbYfFkIS1mwN+3m/4Kg/N/tDcXzMfLu4C76/eAE6Bz0fEBs0N7LYR9kq0G8X3bN1b9qJu5m9F0vS5PyDmXbPOkX3b8o37dDtz9Wm+gF57N7rbqkzHXo1sy8C+b1yuJsF3W9fNb4pIN2EYiCKqeqLBjd0i3Q+wQsd iamkit@test"

// testDeprovision: Deprovision removes a user that holds every kind of
// dependent IAM refuses to delete a user with.
func testDeprovision(t *testing.T, srv *moto.Server) {
	ctx := t.Context()
	p := motoProvider(t, srv, nil, aws.Options{CheckDependents: true})
	admin := iamsdk.NewFromConfig(srv.Config(moto.AdminKeyID, moto.AdminSecret, nil))

	out, err := iam.Provision(ctx, p, iam.ServiceAccount{User: "dep_user", Group: "dep_group", Policy: policy.ReadOnly(policy.Compute)})
	if err != nil {
		t.Fatal(err)
	}
	user := awssdk.String(out.User.Name)
	// A policy attached directly, an inline policy, and the dependents.
	if _, err := p.CreatePolicy(ctx, iam.PolicyInput{Name: "dep_user", Document: policy.ReadOnly(policy.Compute)}); err != nil {
		t.Fatal(err)
	}
	if err := p.AttachPolicy(ctx, "dep_user", iam.UserPrincipal("dep_user")); err != nil {
		t.Fatal(err)
	}
	if _, err := p.PutInlinePolicy(ctx, iam.UserPrincipal("dep_user"), "inline", policy.ReadOnly(policy.Compute), policy.TranslateOptions{}); err != nil {
		t.Fatal(err)
	}
	steps := []func() error{
		func() error {
			_, err := admin.CreateLoginProfile(ctx, &iamsdk.CreateLoginProfileInput{UserName: user, Password: awssdk.String("Pa55word!Long")})
			return err
		},
		func() error {
			mfa, err := admin.CreateVirtualMFADevice(ctx, &iamsdk.CreateVirtualMFADeviceInput{VirtualMFADeviceName: awssdk.String("dep_mfa")})
			if err != nil {
				return err
			}
			_, err = admin.EnableMFADevice(ctx, &iamsdk.EnableMFADeviceInput{UserName: user, SerialNumber: mfa.VirtualMFADevice.SerialNumber,
				AuthenticationCode1: awssdk.String("123456"), AuthenticationCode2: awssdk.String("654321")})
			return err
		},
		func() error {
			_, err := admin.UploadSigningCertificate(ctx, &iamsdk.UploadSigningCertificateInput{UserName: user, CertificateBody: awssdk.String(testCertPEM(t))})
			return err
		},
		func() error {
			_, err := admin.UploadSSHPublicKey(ctx, &iamsdk.UploadSSHPublicKeyInput{UserName: user, SSHPublicKeyBody: awssdk.String(testSSHKey)})
			return err
		},
	}
	for i, s := range steps {
		if err := s(); err != nil {
			t.Fatalf("dependent %d: %v", i, err)
		}
	}
	if err := p.DeleteUser(ctx, "dep_user"); !errors.Is(err, iam.ErrConflict) {
		t.Errorf("DeleteUser of a user with dependents: %v, want ErrConflict", err)
	}
	if err := iam.Deprovision(ctx, p, "dep_user"); err != nil {
		t.Fatalf("Deprovision: %v", err)
	}
	_, err = p.GetUser(ctx, "dep_user")
	providertest.AssertKind(t, err, iam.ErrNotFound)
	mfas, err := admin.ListVirtualMFADevices(ctx, &iamsdk.ListVirtualMFADevicesInput{})
	if err != nil || len(mfas.VirtualMFADevices) != 0 {
		t.Errorf("virtual MFA devices left: %v, %v", mfas, err)
	}
	// The shared group and its policy stay; the user's own policy is gone.
	if _, err := p.GetGroup(ctx, "dep_group"); err != nil {
		t.Errorf("GetGroup after Deprovision: %v", err)
	}
	_, err = p.GetPolicy(ctx, "dep_user")
	providertest.AssertKind(t, err, iam.ErrNotFound)
	// Nothing left to remove is not an error.
	if _, err := p.CreateUser(ctx, "bare", nil); err != nil {
		t.Fatal(err)
	}
	if err := p.DeleteUserDependents(ctx, "bare"); err != nil {
		t.Errorf("DeleteUserDependents of a user without any: %v", err)
	}
}

// testInline: inline policies of users and groups, through the optional
// iam.InlinePolicies interface.
func testInline(t *testing.T, srv *moto.Server) {
	ctx := t.Context()
	var p iam.Provider = motoProvider(t, srv, nil, aws.Options{CheckDependents: true})
	ip, ok := p.(iam.InlinePolicies)
	if !ok || !p.Capabilities().InlinePolicies {
		t.Fatal("the aws provider does not offer inline policies")
	}
	if _, err := p.CreateUser(ctx, "inline_user", nil); err != nil {
		t.Fatal(err)
	}
	if _, err := p.CreateGroup(ctx, "inline_group"); err != nil {
		t.Fatal(err)
	}
	doc := policy.ReadOnly(policy.Compute)
	for _, pr := range []iam.Principal{iam.UserPrincipal("inline_user"), iam.GroupPrincipal("inline_group")} {
		put, err := ip.PutInlinePolicy(ctx, pr, "ro", doc, policy.TranslateOptions{})
		if err != nil {
			t.Fatalf("PutInlinePolicy(%s): %v", pr, err)
		}
		got, err := ip.GetInlinePolicy(ctx, pr, "ro")
		if err != nil {
			t.Fatalf("GetInlinePolicy(%s): %v", pr, err)
		}
		if string(got.Native) != string(put.Native) || got.Name != "ro" {
			t.Errorf("GetInlinePolicy(%s) = %s %s, want %s", pr, got.Name, got.Native, put.Native)
		}
		list, err := iam.Collect(ip.ListInlinePolicies(ctx, pr))
		if err != nil || len(list) != 1 || list[0].Name != "ro" || len(list[0].Native) == 0 {
			t.Errorf("ListInlinePolicies(%s) = %v, %v", pr, list, err)
		}
		if pr.Kind == iam.PrincipalUser {
			providertest.AssertKind(t, p.DeleteUser(ctx, pr.Name), iam.ErrConflict)
		} else {
			providertest.AssertKind(t, p.DeleteGroup(ctx, pr.Name), iam.ErrConflict)
		}
		if err := ip.DeleteInlinePolicy(ctx, pr, "ro"); err != nil {
			t.Errorf("DeleteInlinePolicy(%s): %v", pr, err)
		}
		_, err = ip.GetInlinePolicy(ctx, pr, "ro")
		providertest.AssertKind(t, err, iam.ErrNotFound)
		providertest.AssertKind(t, ip.DeleteInlinePolicy(ctx, pr, "ro"), iam.ErrNotFound)
	}
	if err := p.DeleteUser(ctx, "inline_user"); err != nil {
		t.Error(err)
	}
	if err := p.DeleteGroup(ctx, "inline_group"); err != nil {
		t.Error(err)
	}
}

// testAccountID: without Options.AccountID the account is read once, with
// sts:GetCallerIdentity, and policy ARNs use it.
func testAccountID(t *testing.T, srv *moto.Server) {
	var c moto.Counter
	p := motoProvider(t, srv, &c, aws.Options{})
	pol, err := p.CreatePolicy(t.Context(), iam.PolicyInput{Name: "acct_policy", Document: policy.ReadOnly(policy.Compute)})
	if err != nil {
		t.Fatal(err)
	}
	if want := "arn:aws:iam::" + moto.AccountID + ":policy/iamkit/acct_policy"; pol.ID != want {
		t.Errorf("policy ARN %s, want %s", pol.ID, want)
	}
	before := c.Count()
	if _, err := p.GetPolicy(t.Context(), "acct_policy"); err != nil {
		t.Fatal(err)
	}
	if n := c.Count() - before; n != 2 {
		t.Errorf("GetPolicy sent %d requests, want 2 (GetPolicy, GetPolicyVersion): the account ID is read once", n)
	}
	if err := p.DeletePolicy(t.Context(), "acct_policy"); err != nil {
		t.Error(err)
	}
}
