package scenario

import (
	"bytes"
	"context"
	"errors"
	"strings"
	"testing"

	"github.com/iamkit/iamkit/iam"
	"github.com/iamkit/iamkit/internal/ovhfake"
	"github.com/iamkit/iamkit/openstack"
	"github.com/iamkit/iamkit/ovh"
	"github.com/iamkit/iamkit/policy"
	"github.com/iamkit/iamkit/provider/memory"
)

// grantsNothing tells an empty translation from a narrowed one, on the
// clouds that translate to an empty policy rather than refuse.
func TestGrantsNothing(t *testing.T) {
	ovhT := ovh.Translator{Region: "eu", NIC: "xx1111-ovh"}
	osT := openstack.Translator{Project: "p1"}
	tests := []struct {
		name     string
		provider string
		tr       policy.Translator
		doc      policy.Document
		want     bool
	}{
		{"AWS's EC2 and S3 on OVHcloud", "ovh", ovhT, policy.EC2AndS3(), true},
		{"a SimpleDB ARN on OVHcloud", "ovh", ovhT, policy.SimpleDBReadOnly("us-east-1", "123456789012", "d"), true},
		{"a Public Cloud project on OVHcloud", "ovh", ovhT, policy.OVHInfrastructureSupervisor("p1"), false},
		{"identity administration on OVHcloud, narrowed", "ovh", ovhT, policy.IAMAdmin(), false},
		{"AWS's EC2 and S3 on OpenStack", "openstack", osT, policy.EC2AndS3(), true},
		{"identity administration on OpenStack", "openstack", osT, policy.IAMAdmin(), true},
		{"another project on OpenStack", "openstack", osT, policy.OVHInfrastructureSupervisor("p2"), true},
		{"the project on OpenStack", "openstack", osT, policy.OVHInfrastructureSupervisor("p1"), false},
		{"full control on OpenStack, narrowed", "openstack", osT, policy.FullControl(), false},
		{"read-only compute on OpenStack", "openstack", osT, policy.ReadOnly(policy.Compute), false},
		{"memory", "memory", memory.New().Translator(), policy.ReadOnly(policy.Compute), false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			tr, err := tt.tr.Translate(tt.doc, policy.TranslateOptions{})
			if err != nil {
				t.Fatal(err)
			}
			if got := grantsNothing(tt.provider, tr); got != tt.want {
				t.Errorf("grantsNothing = %v, want %v (report: %s; native %s)", got, tt.want, tr.Report, tr.Native)
			}
		})
	}
}

// A policy that grants nothing on the cloud is refused before any change:
// AWS's EC2 and S3 on the OVHcloud API fake.
func TestRunRefusesNothingGranted(t *testing.T) {
	srv := ovhfake.New(t, ovhfake.Options{})
	p, err := ovh.New(t.Context(), ovh.Options{Client: srv.Client(), TokenURL: srv.TokenURL()})
	if err != nil {
		t.Fatal(err)
	}
	s := Scenario{Title: "EC2 and S3", Account: iam.ServiceAccount{User: "ec2s3-user", Policy: policy.EC2AndS3()}}
	var out bytes.Buffer
	err = run(t.Context(), &out, p, s, false)
	if !errors.Is(err, errNothingGranted) || !strings.Contains(err.Error(), "aws:ec2:*") {
		t.Fatalf("run: %v, want errNothingGranted naming what was dropped\n%s", err, out.String())
	}
	if _, err := p.GetUser(t.Context(), "ec2s3-user"); !errors.Is(err, iam.ErrNotFound) {
		t.Errorf("GetUser after the refusal: %v, want ErrNotFound", err)
	}
}

// -deprovision removes the group and policy iamkit made for the account,
// not only the user.
func TestRunDeprovisionCleansUp(t *testing.T) {
	ctx := context.Background()
	p := memory.New()
	s := Scenario{Title: "monitoring", Account: iam.ServiceAccount{User: "watcher_1", Group: "monitoring", Policy: policy.ReadOnly(policy.Compute)}}
	var out bytes.Buffer
	if err := run(ctx, &out, p, s, true); err != nil {
		t.Fatalf("%v\n%s", err, out.String())
	}
	if _, err := p.GetUser(ctx, "watcher_1"); !errors.Is(err, iam.ErrNotFound) {
		t.Errorf("user: %v, want ErrNotFound", err)
	}
	if _, err := p.GetGroup(ctx, "monitoring"); !errors.Is(err, iam.ErrNotFound) {
		t.Errorf("group: %v, want ErrNotFound", err)
	}
	if _, err := p.GetPolicy(ctx, "monitoring"); !errors.Is(err, iam.ErrNotFound) {
		t.Errorf("policy: %v, want ErrNotFound", err)
	}
}
