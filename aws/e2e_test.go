package aws_test

import (
	"errors"
	"fmt"
	"net/http"
	"testing"

	awssdk "github.com/aws/aws-sdk-go-v2/aws"
	awshttp "github.com/aws/aws-sdk-go-v2/aws/transport/http"
	"github.com/aws/aws-sdk-go-v2/service/ec2"
	iamsdk "github.com/aws/aws-sdk-go-v2/service/iam"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/aws/smithy-go"

	"github.com/iamkit/iamkit/aws"
	"github.com/iamkit/iamkit/iam"
	"github.com/iamkit/iamkit/internal/moto"
	"github.com/iamkit/iamkit/policy"
)

// TestEndToEnd provisions the guides' accounts through iamkit on a moto
// server, turns IAM enforcement on, and proves with plain SDK clients
// using each new key that it may do what its policy says and nothing
// more. (moto checks actions, not resources or conditions.)
func TestEndToEnd(t *testing.T) {
	// Enforcement starts when the test calls srv.Enforce, after the admin
	// calls: that is moto's INITIAL_NO_AUTH_ACTION_COUNT reset to 0 at that
	// point, which does not depend on how many calls provisioning makes.
	srv := moto.Start(t, moto.Options{})
	ctx := t.Context()
	p := motoProvider(t, srv, nil, aws.Options{WaitForKeys: true})

	accounts := []struct {
		user, group  string
		policy       policy.Document
		ec2, s3, iam bool // what the key may do
	}{
		{"watcher_1", "monitoring", policy.ReadOnly(policy.Compute), true, false, false},
		{"builder_1", "ec2s3", policy.EC2AndS3(), true, true, false},
		{"admin_1", "fullcontrol", policy.FullControl(), true, true, true},
	}
	keys := map[string]*iam.AccessKey{}
	for _, a := range accounts {
		out, err := iam.Provision(ctx, p, iam.ServiceAccount{User: a.user, Group: a.group, Policy: a.policy})
		if err != nil {
			t.Fatalf("Provision(%s): %v", a.user, err)
		}
		keys[a.user] = out.Key
	}
	if err := srv.Enforce(ctx); err != nil {
		t.Fatal(err)
	}

	for _, a := range accounts {
		t.Run(a.group, func(t *testing.T) {
			k := keys[a.user]
			cfg := srv.Config(k.ID, k.Secret.Reveal(), nil)
			check := func(call string, allowed bool, err error) {
				t.Helper()
				switch {
				case allowed && err != nil:
					t.Errorf("%s with the %s key: %v, want success", call, a.group, err)
				case !allowed && !denied(err):
					t.Errorf("%s with the %s key: %v, want AccessDenied", call, a.group, err)
				}
			}
			_, err := ec2.NewFromConfig(cfg).DescribeInstances(ctx, &ec2.DescribeInstancesInput{})
			check("ec2:DescribeInstances", a.ec2, err)
			_, err = s3.NewFromConfig(cfg, func(o *s3.Options) { o.UsePathStyle = true }).ListBuckets(ctx, &s3.ListBucketsInput{})
			check("s3:ListBuckets", a.s3, err)
			_, err = iamsdk.NewFromConfig(cfg).CreateUser(ctx, &iamsdk.CreateUserInput{UserName: awssdk.String(fmt.Sprintf("made_by_%s", a.user))})
			check("iam:CreateUser", a.iam, err)
		})
	}
}

// denied reports whether err is an access refusal, in the code of any of
// the three services. moto words its IAM refusals in the EC2 error
// envelope (<ErrorResponse><Errors><Error>), which the SDK's IAM client
// cannot read a code from: those are recognised by their 403 status.
func denied(err error) bool {
	var ae smithy.APIError
	if errors.As(err, &ae) && aws.KindOfCode(ae.ErrorCode()) == iam.ErrDenied {
		return true
	}
	var re *awshttp.ResponseError
	return errors.As(err, &re) && re.HTTPStatusCode() == http.StatusForbidden
}
