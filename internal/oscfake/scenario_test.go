package oscfake_test

import (
	"encoding/json"
	"net/http"
	"testing"

	"github.com/iamkit/iamkit/internal/oscfake"
	osc "github.com/outscale/osc-sdk-go/v2"
)

// The document of the Outscale guide "Managing Access for Cloud
// Automation", verbatim.
const monitoringDoc = `{"Statement": [{"Effect": "Allow", "Action": ["api:Read*"], "Resource": ["*"]}]}`

// TestGuideScenario runs the guide's steps through the official SDK.
func TestGuideScenario(t *testing.T) {
	srv := oscfake.New(t, oscfake.Options{})
	client, ctx := srv.Client()

	if _, _, err := client.UserGroupApi.CreateUserGroup(ctx).CreateUserGroupRequest(osc.CreateUserGroupRequest{UserGroupName: "monitoring"}).Execute(); err != nil {
		t.Fatalf("CreateUserGroup: %v", apiErr(err))
	}
	cp, _, err := client.PolicyApi.CreatePolicy(ctx).CreatePolicyRequest(osc.CreatePolicyRequest{
		PolicyName: "monitoring", Description: osc.PtrString("Allows Read calls"), Document: monitoringDoc,
	}).Execute()
	if err != nil {
		t.Fatalf("CreatePolicy: %v", apiErr(err))
	}
	orn := cp.Policy.GetOrn()
	if want := "orn:ows:idauth::" + srv.AccountID() + ":policy/monitoring"; orn != want {
		t.Errorf("policy ORN = %q, want %q", orn, want)
	}
	if _, _, err := client.PolicyApi.LinkManagedPolicyToUserGroup(ctx).LinkManagedPolicyToUserGroupRequest(osc.LinkManagedPolicyToUserGroupRequest{
		PolicyOrn: orn, UserGroupName: "monitoring",
	}).Execute(); err != nil {
		t.Fatalf("LinkManagedPolicyToUserGroup: %v", apiErr(err))
	}
	if _, _, err := client.UserApi.CreateUser(ctx).CreateUserRequest(osc.CreateUserRequest{UserName: "watcher_1"}).Execute(); err != nil {
		t.Fatalf("CreateUser: %v", apiErr(err))
	}
	if _, _, err := client.UserGroupApi.AddUserToUserGroup(ctx).AddUserToUserGroupRequest(osc.AddUserToUserGroupRequest{
		UserName: "watcher_1", UserGroupName: "monitoring",
	}).Execute(); err != nil {
		t.Fatalf("AddUserToUserGroup: %v", apiErr(err))
	}
	ck, _, err := client.AccessKeyApi.CreateAccessKey(ctx).CreateAccessKeyRequest(osc.CreateAccessKeyRequest{UserName: osc.PtrString("watcher_1")}).Execute()
	if err != nil {
		t.Fatalf("CreateAccessKey: %v", apiErr(err))
	}
	key := ck.GetAccessKey()
	if key.GetState() != "ACTIVE" || len(key.GetAccessKeyId()) != 20 || len(key.GetSecretKey()) != 40 {
		t.Errorf("new key = %+v, want ACTIVE with a 20-character ID and a 40-character secret", key)
	}

	// The new key reads, and is refused anything else.
	wc, wctx := srv.ClientWithKey(key.GetAccessKeyId(), key.GetSecretKey())
	if _, _, err := wc.VmApi.ReadVms(wctx).ReadVmsRequest(osc.ReadVmsRequest{}).Execute(); err != nil {
		t.Errorf("ReadVms with the monitoring key: %v", apiErr(err))
	}
	_, httpResp, err := wc.VmApi.DeleteVms(wctx).DeleteVmsRequest(osc.DeleteVmsRequest{VmIds: []string{"i-12345678"}}).Execute()
	if err == nil || httpResp == nil || httpResp.StatusCode != 401 {
		t.Errorf("DeleteVms with the monitoring key: %v, want 401 AccessDenied", apiErr(err))
	}
	if _, _, err := wc.UserApi.CreateUser(wctx).CreateUserRequest(osc.CreateUserRequest{UserName: "intruder"}).Execute(); err == nil {
		t.Errorf("CreateUser with the monitoring key succeeded")
	}
	for op, want := range map[string]int{
		"CreateUserGroup": 1, "CreatePolicy": 1, "LinkManagedPolicyToUserGroup": 1, "CreateUser": 2,
		"AddUserToUserGroup": 1, "CreateAccessKey": 1, "ReadVms": 1, "DeleteVms": 1, "DeleteUser": 0,
	} {
		if n := srv.Calls(op); n != want {
			t.Errorf("Calls(%q) = %d, want %d", op, n, want)
		}
	}
}

// apiErr renders an SDK error with the body the server sent.
func apiErr(err error) string {
	if err == nil {
		return "<nil>"
	}
	if e, ok := err.(osc.GenericOpenAPIError); ok {
		return err.Error() + ": " + string(e.Body())
	}
	return err.Error()
}

// wantErr checks that a call failed with the given HTTP status and Outscale
// error Type, and returns the error's Code.
func wantErr(t *testing.T, what string, resp *http.Response, err error, status int, typ string) string {
	t.Helper()
	if err == nil {
		t.Errorf("%s succeeded, want %d %s", what, status, typ)
		return ""
	}
	e, ok := err.(osc.GenericOpenAPIError)
	if !ok || resp == nil {
		t.Errorf("%s: %v (%T), want an HTTP error", what, err, err)
		return ""
	}
	var body osc.ErrorResponse
	if jerr := json.Unmarshal(e.Body(), &body); jerr != nil || body.Errors == nil || len(*body.Errors) != 1 {
		t.Errorf("%s: error body %s is not an ErrorResponse with one error: %v", what, e.Body(), jerr)
		return ""
	}
	first := (*body.Errors)[0]
	if resp.StatusCode != status || first.GetType() != typ {
		t.Errorf("%s: %d %s %s (%s), want %d %s", what, resp.StatusCode, first.GetCode(), first.GetType(), first.GetDetails(), status, typ)
	}
	return first.GetCode()
}

// must fails the test when a call failed.
func must(t *testing.T, what string, err error) {
	t.Helper()
	if err != nil {
		t.Fatalf("%s: %s", what, apiErr(err))
	}
}
