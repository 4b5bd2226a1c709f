package oscfake_test

import (
	"context"
	"fmt"
	"net/http"
	"testing"
	"time"

	"github.com/iamkit/iamkit/internal/oscfake"
	osc "github.com/outscale/osc-sdk-go/v2"
)

// env is a fake and a root client.
type env struct {
	t   *testing.T
	srv *oscfake.Server
	c   *osc.APIClient
	ctx context.Context
}

func newEnv(t *testing.T, opts oscfake.Options) *env {
	srv := oscfake.New(t, opts)
	c, ctx := srv.Client()
	return &env{t: t, srv: srv, c: c, ctx: ctx}
}

func (e *env) createUser(name string) {
	e.t.Helper()
	_, _, err := e.c.UserApi.CreateUser(e.ctx).CreateUserRequest(osc.CreateUserRequest{UserName: name}).Execute()
	must(e.t, "CreateUser "+name, err)
}

func (e *env) createGroup(name string) {
	e.t.Helper()
	_, _, err := e.c.UserGroupApi.CreateUserGroup(e.ctx).CreateUserGroupRequest(osc.CreateUserGroupRequest{UserGroupName: name}).Execute()
	must(e.t, "CreateUserGroup "+name, err)
}

func (e *env) createPolicy(name, doc string) string {
	e.t.Helper()
	r, _, err := e.c.PolicyApi.CreatePolicy(e.ctx).CreatePolicyRequest(osc.CreatePolicyRequest{PolicyName: name, Document: doc}).Execute()
	must(e.t, "CreatePolicy "+name, err)
	return r.Policy.GetOrn()
}

func (e *env) addToGroup(user, group string) {
	e.t.Helper()
	_, _, err := e.c.UserGroupApi.AddUserToUserGroup(e.ctx).AddUserToUserGroupRequest(osc.AddUserToUserGroupRequest{UserName: user, UserGroupName: group}).Execute()
	must(e.t, "AddUserToUserGroup", err)
}

func (e *env) createKey(user string) osc.AccessKeySecretKey {
	e.t.Helper()
	r, _, err := e.c.AccessKeyApi.CreateAccessKey(e.ctx).CreateAccessKeyRequest(osc.CreateAccessKeyRequest{UserName: osc.PtrString(user)}).Execute()
	must(e.t, "CreateAccessKey", err)
	return r.GetAccessKey()
}

func (e *env) setKeyState(user, id, state string) {
	e.t.Helper()
	_, _, err := e.c.AccessKeyApi.UpdateAccessKey(e.ctx).UpdateAccessKeyRequest(osc.UpdateAccessKeyRequest{
		AccessKeyId: id, UserName: osc.PtrString(user), State: osc.PtrString(state),
	}).Execute()
	must(e.t, "UpdateAccessKey", err)
}

func TestDuplicates(t *testing.T) {
	e := newEnv(t, oscfake.Options{})
	e.createUser("u")
	_, resp, err := e.c.UserApi.CreateUser(e.ctx).CreateUserRequest(osc.CreateUserRequest{UserName: "u"}).Execute()
	wantErr(t, "second CreateUser", resp, err, 409, "ResourceConflict")

	e.createGroup("g")
	_, resp, err = e.c.UserGroupApi.CreateUserGroup(e.ctx).CreateUserGroupRequest(osc.CreateUserGroupRequest{UserGroupName: "g"}).Execute()
	wantErr(t, "second CreateUserGroup", resp, err, 409, "ResourceConflict")

	orn := e.createPolicy("p", monitoringDoc)
	_, resp, err = e.c.PolicyApi.CreatePolicy(e.ctx).CreatePolicyRequest(osc.CreatePolicyRequest{PolicyName: "p", Document: monitoringDoc}).Execute()
	wantErr(t, "second CreatePolicy", resp, err, 409, "ResourceConflict")

	e.addToGroup("u", "g")
	_, resp, err = e.c.UserGroupApi.AddUserToUserGroup(e.ctx).AddUserToUserGroupRequest(osc.AddUserToUserGroupRequest{UserName: "u", UserGroupName: "g"}).Execute()
	wantErr(t, "second AddUserToUserGroup", resp, err, 409, "ResourceConflict")

	_, _, err = e.c.PolicyApi.LinkPolicy(e.ctx).LinkPolicyRequest(osc.LinkPolicyRequest{UserName: "u", PolicyOrn: orn}).Execute()
	must(t, "LinkPolicy", err)
	_, resp, err = e.c.PolicyApi.LinkPolicy(e.ctx).LinkPolicyRequest(osc.LinkPolicyRequest{UserName: "u", PolicyOrn: orn}).Execute()
	wantErr(t, "second LinkPolicy", resp, err, 409, "ResourceConflict")

	// Renaming onto an existing name.
	e.createUser("v")
	_, resp, err = e.c.UserApi.UpdateUser(e.ctx).UpdateUserRequest(osc.UpdateUserRequest{UserName: "v", NewUserName: osc.PtrString("u")}).Execute()
	wantErr(t, "UpdateUser onto an existing name", resp, err, 409, "ResourceConflict")
}

func TestNotFound(t *testing.T) {
	e := newEnv(t, oscfake.Options{})
	orn := "orn:ows:idauth::" + e.srv.AccountID() + ":policy/nope"

	_, resp, err := e.c.UserApi.DeleteUser(e.ctx).DeleteUserRequest(osc.DeleteUserRequest{UserName: "nope"}).Execute()
	wantErr(t, "DeleteUser", resp, err, 400, "InvalidResource")
	_, resp, err = e.c.UserGroupApi.ReadUserGroup(e.ctx).ReadUserGroupRequest(osc.ReadUserGroupRequest{UserGroupName: "nope"}).Execute()
	wantErr(t, "ReadUserGroup", resp, err, 400, "InvalidResource")
	_, resp, err = e.c.PolicyApi.ReadPolicy(e.ctx).ReadPolicyRequest(osc.ReadPolicyRequest{PolicyOrn: orn}).Execute()
	wantErr(t, "ReadPolicy", resp, err, 400, "InvalidResource")
	_, resp, err = e.c.AccessKeyApi.DeleteAccessKey(e.ctx).DeleteAccessKeyRequest(osc.DeleteAccessKeyRequest{AccessKeyId: "ABCDEFGHIJ0123456789"}).Execute()
	if code := wantErr(t, "DeleteAccessKey", resp, err, 400, "InvalidResource"); code != "5076" {
		t.Errorf("DeleteAccessKey of an unknown key: code %s, want 5076", code)
	}
	_, resp, err = e.c.PolicyApi.ReadUserPolicy(e.ctx).ReadUserPolicyRequest(osc.ReadUserPolicyRequest{UserName: "nope", PolicyName: "x"}).Execute()
	wantErr(t, "ReadUserPolicy", resp, err, 400, "InvalidResource")

	e.createUser("u")
	e.createGroup("g")
	_, resp, err = e.c.UserGroupApi.RemoveUserFromUserGroup(e.ctx).RemoveUserFromUserGroupRequest(osc.RemoveUserFromUserGroupRequest{UserName: "u", UserGroupName: "g"}).Execute()
	wantErr(t, "RemoveUserFromUserGroup of a non-member", resp, err, 400, "InvalidResource")
	porn := e.createPolicy("p", monitoringDoc)
	_, resp, err = e.c.PolicyApi.UnlinkPolicy(e.ctx).UnlinkPolicyRequest(osc.UnlinkPolicyRequest{UserName: "u", PolicyOrn: porn}).Execute()
	wantErr(t, "UnlinkPolicy of an unlinked policy", resp, err, 400, "InvalidResource")
	_, resp, err = e.c.PolicyApi.ReadPolicyVersion(e.ctx).ReadPolicyVersionRequest(osc.ReadPolicyVersionRequest{PolicyOrn: porn, VersionId: "v9"}).Execute()
	wantErr(t, "ReadPolicyVersion v9", resp, err, 400, "InvalidResource")

	// A group created under a path is found only with that path.
	_, _, err = e.c.UserGroupApi.CreateUserGroup(e.ctx).CreateUserGroupRequest(osc.CreateUserGroupRequest{UserGroupName: "deep", Path: osc.PtrString("/team/")}).Execute()
	must(t, "CreateUserGroup /team/deep", err)
	_, resp, err = e.c.UserGroupApi.ReadUserGroup(e.ctx).ReadUserGroupRequest(osc.ReadUserGroupRequest{UserGroupName: "deep"}).Execute()
	wantErr(t, "ReadUserGroup without its path", resp, err, 400, "InvalidResource")
	g, _, err := e.c.UserGroupApi.ReadUserGroup(e.ctx).ReadUserGroupRequest(osc.ReadUserGroupRequest{UserGroupName: "deep", Path: osc.PtrString("/team/")}).Execute()
	must(t, "ReadUserGroup with its path", err)
	if got, want := g.UserGroup.GetOrn(), "orn:ows:idauth::"+e.srv.AccountID()+":usergroup/team/deep"; got != want {
		t.Errorf("group ORN = %q, want %q", got, want)
	}
}

func TestDeleteConflicts(t *testing.T) {
	e := newEnv(t, oscfake.Options{})
	e.createUser("u")
	e.createGroup("g")
	orn := e.createPolicy("p", monitoringDoc)
	e.addToGroup("u", "g")

	deleteUser := func() (*http.Response, error) {
		_, resp, err := e.c.UserApi.DeleteUser(e.ctx).DeleteUserRequest(osc.DeleteUserRequest{UserName: "u"}).Execute()
		return resp, err
	}
	resp, err := deleteUser()
	wantErr(t, "DeleteUser in a group", resp, err, 424, "DependencyProblem")

	// A group with members (or linked policies) needs Force.
	_, _, err = e.c.PolicyApi.LinkManagedPolicyToUserGroup(e.ctx).LinkManagedPolicyToUserGroupRequest(osc.LinkManagedPolicyToUserGroupRequest{UserGroupName: "g", PolicyOrn: orn}).Execute()
	must(t, "LinkManagedPolicyToUserGroup", err)
	_, resp, err = e.c.UserGroupApi.DeleteUserGroup(e.ctx).DeleteUserGroupRequest(osc.DeleteUserGroupRequest{UserGroupName: "g"}).Execute()
	wantErr(t, "DeleteUserGroup with a member", resp, err, 424, "DependencyProblem")

	// A linked policy cannot be deleted.
	_, resp, err = e.c.PolicyApi.DeletePolicy(e.ctx).DeletePolicyRequest(osc.DeletePolicyRequest{PolicyOrn: orn}).Execute()
	wantErr(t, "DeletePolicy while linked", resp, err, 424, "DependencyProblem")
	rp, _, err := e.c.PolicyApi.ReadPolicy(e.ctx).ReadPolicyRequest(osc.ReadPolicyRequest{PolicyOrn: orn}).Execute()
	must(t, "ReadPolicy", err)
	if rp.Policy.GetResourcesCount() != 1 {
		t.Errorf("ResourcesCount = %d, want 1", rp.Policy.GetResourcesCount())
	}

	_, _, err = e.c.UserGroupApi.DeleteUserGroup(e.ctx).DeleteUserGroupRequest(osc.DeleteUserGroupRequest{UserGroupName: "g", Force: osc.PtrBool(true)}).Execute()
	must(t, "DeleteUserGroup with Force", err)
	rp, _, err = e.c.PolicyApi.ReadPolicy(e.ctx).ReadPolicyRequest(osc.ReadPolicyRequest{PolicyOrn: orn}).Execute()
	must(t, "ReadPolicy", err)
	if rp.Policy.GetResourcesCount() != 0 {
		t.Errorf("ResourcesCount after the forced group deletion = %d, want 0", rp.Policy.GetResourcesCount())
	}

	// Keys: an EIM user's ACTIVE key cannot be deleted; its user cannot be
	// deleted while it exists.
	k := e.createKey("u")
	resp, err = deleteUser()
	wantErr(t, "DeleteUser with a key", resp, err, 424, "DependencyProblem")
	_, resp, err = e.c.AccessKeyApi.DeleteAccessKey(e.ctx).DeleteAccessKeyRequest(osc.DeleteAccessKeyRequest{AccessKeyId: k.GetAccessKeyId(), UserName: osc.PtrString("u")}).Execute()
	wantErr(t, "DeleteAccessKey of an ACTIVE EIM key", resp, err, 409, "ResourceConflict")
	e.setKeyState("u", k.GetAccessKeyId(), "INACTIVE")
	_, _, err = e.c.AccessKeyApi.DeleteAccessKey(e.ctx).DeleteAccessKeyRequest(osc.DeleteAccessKeyRequest{AccessKeyId: k.GetAccessKeyId(), UserName: osc.PtrString("u")}).Execute()
	must(t, "DeleteAccessKey of an INACTIVE key", err)

	// Linked and inline policies block the user's deletion.
	_, _, err = e.c.PolicyApi.LinkPolicy(e.ctx).LinkPolicyRequest(osc.LinkPolicyRequest{UserName: "u", PolicyOrn: orn}).Execute()
	must(t, "LinkPolicy", err)
	resp, err = deleteUser()
	wantErr(t, "DeleteUser with a linked policy", resp, err, 424, "DependencyProblem")
	_, _, err = e.c.PolicyApi.UnlinkPolicy(e.ctx).UnlinkPolicyRequest(osc.UnlinkPolicyRequest{UserName: "u", PolicyOrn: orn}).Execute()
	must(t, "UnlinkPolicy", err)
	_, _, err = e.c.PolicyApi.PutUserPolicy(e.ctx).PutUserPolicyRequest(osc.PutUserPolicyRequest{UserName: "u", PolicyName: "inline", PolicyDocument: monitoringDoc}).Execute()
	must(t, "PutUserPolicy", err)
	resp, err = deleteUser()
	wantErr(t, "DeleteUser with an inline policy", resp, err, 424, "DependencyProblem")
	_, _, err = e.c.PolicyApi.DeleteUserPolicy(e.ctx).DeleteUserPolicyRequest(osc.DeleteUserPolicyRequest{UserName: "u", PolicyName: "inline"}).Execute()
	must(t, "DeleteUserPolicy", err)
	_, err = deleteUser()
	must(t, "DeleteUser once bare", err)

	// Versions: the default one cannot be deleted, others block DeletePolicy.
	_, _, err = e.c.PolicyApi.CreatePolicyVersion(e.ctx).CreatePolicyVersionRequest(osc.CreatePolicyVersionRequest{PolicyOrn: orn, Document: monitoringDoc}).Execute()
	must(t, "CreatePolicyVersion", err)
	_, resp, err = e.c.PolicyApi.DeletePolicyVersion(e.ctx).DeletePolicyVersionRequest(osc.DeletePolicyVersionRequest{PolicyOrn: orn, VersionId: "v1"}).Execute()
	wantErr(t, "DeletePolicyVersion of the default version", resp, err, 409, "ResourceConflict")
	_, resp, err = e.c.PolicyApi.DeletePolicy(e.ctx).DeletePolicyRequest(osc.DeletePolicyRequest{PolicyOrn: orn}).Execute()
	wantErr(t, "DeletePolicy with two versions", resp, err, 424, "DependencyProblem")
	_, _, err = e.c.PolicyApi.DeletePolicyVersion(e.ctx).DeletePolicyVersionRequest(osc.DeletePolicyVersionRequest{PolicyOrn: orn, VersionId: "v2"}).Execute()
	must(t, "DeletePolicyVersion v2", err)
	_, _, err = e.c.PolicyApi.DeletePolicy(e.ctx).DeletePolicyRequest(osc.DeletePolicyRequest{PolicyOrn: orn}).Execute()
	must(t, "DeletePolicy", err)
}

func TestLimits(t *testing.T) {
	e := newEnv(t, oscfake.Options{})
	e.createUser("u")
	e.createKey("u")
	e.createKey("u")
	_, resp, err := e.c.AccessKeyApi.CreateAccessKey(e.ctx).CreateAccessKeyRequest(osc.CreateAccessKeyRequest{UserName: osc.PtrString("u")}).Execute()
	wantErr(t, "third CreateAccessKey", resp, err, 400, "TooManyResources (QuotaExceded)")

	orn := e.createPolicy("p", monitoringDoc)
	for i := 2; i <= 5; i++ {
		r, _, err := e.c.PolicyApi.CreatePolicyVersion(e.ctx).CreatePolicyVersionRequest(osc.CreatePolicyVersionRequest{PolicyOrn: orn, Document: monitoringDoc, SetAsDefault: osc.PtrBool(true)}).Execute()
		must(t, "CreatePolicyVersion", err)
		if got, want := r.PolicyVersion.GetVersionId(), fmt.Sprintf("v%d", i); got != want || !r.PolicyVersion.GetDefaultVersion() {
			t.Errorf("version %s default=%v, want %s default", got, r.PolicyVersion.GetDefaultVersion(), want)
		}
	}
	_, resp, err = e.c.PolicyApi.CreatePolicyVersion(e.ctx).CreatePolicyVersionRequest(osc.CreatePolicyVersionRequest{PolicyOrn: orn, Document: monitoringDoc}).Execute()
	wantErr(t, "sixth version", resp, err, 400, "TooManyResources (QuotaExceded)")
	// Pruning the oldest makes room; IDs are not reused.
	_, _, err = e.c.PolicyApi.DeletePolicyVersion(e.ctx).DeletePolicyVersionRequest(osc.DeletePolicyVersionRequest{PolicyOrn: orn, VersionId: "v1"}).Execute()
	must(t, "DeletePolicyVersion v1", err)
	r, _, err := e.c.PolicyApi.CreatePolicyVersion(e.ctx).CreatePolicyVersionRequest(osc.CreatePolicyVersionRequest{PolicyOrn: orn, Document: monitoringDoc}).Execute()
	must(t, "CreatePolicyVersion after pruning", err)
	if r.PolicyVersion.GetVersionId() != "v6" || r.PolicyVersion.GetDefaultVersion() {
		t.Errorf("new version = %s default=%v, want v6 not default", r.PolicyVersion.GetVersionId(), r.PolicyVersion.GetDefaultVersion())
	}

	// Documents: the EIM grammar and 5,120 non-whitespace characters.
	_, resp, err = e.c.PolicyApi.CreatePolicy(e.ctx).CreatePolicyRequest(osc.CreatePolicyRequest{PolicyName: "bad", Document: `{"Statement":[{"Effect":"Allow","Action":["api:Read*"],"Resource":["*"],"Condition":{}}]}`}).Execute()
	wantErr(t, "CreatePolicy with a Condition", resp, err, 400, "InvalidParameterValue")
	big := `{"Statement":[{"Effect":"Allow","Action":[`
	for i := range 400 {
		if i > 0 {
			big += ","
		}
		big += fmt.Sprintf(`"api:ReadThing%04d"`, i)
	}
	big += `],"Resource":["*"]}]}`
	_, resp, err = e.c.PolicyApi.CreatePolicy(e.ctx).CreatePolicyRequest(osc.CreatePolicyRequest{PolicyName: "big", Document: big}).Execute()
	wantErr(t, "CreatePolicy over 5120 characters", resp, err, 400, "InvalidParameterValue")
}

func TestPaging(t *testing.T) {
	for _, zero := range []bool{false, true} {
		t.Run(fmt.Sprintf("zeroBased=%v", zero), func(t *testing.T) {
			e := newEnv(t, oscfake.Options{PageSizeMax: 3, FirstItemZeroBased: zero})
			for i := range 5 {
				e.createUser(fmt.Sprintf("user%d", i))
			}
			base := int32(1)
			if zero {
				base = 0
			}
			var names []string
			first := base
			for pages := 0; ; pages++ {
				if pages > 5 {
					t.Fatal("paging does not end")
				}
				r, _, err := e.c.UserApi.ReadUsers(e.ctx).ReadUsersRequest(osc.ReadUsersRequest{FirstItem: osc.PtrInt32(first), ResultsPerPage: osc.PtrInt32(2)}).Execute()
				must(t, "ReadUsers", err)
				for _, u := range r.GetUsers() {
					names = append(names, u.GetUserName())
				}
				if r.GetMaxResultsLimit() != 3 || r.GetMaxResultsTruncated() {
					t.Errorf("MaxResultsLimit %d truncated %v, want 3 false", r.GetMaxResultsLimit(), r.GetMaxResultsTruncated())
				}
				if !r.GetHasMoreItems() {
					break
				}
				first += int32(len(r.GetUsers()))
			}
			if fmt.Sprint(names) != "[user0 user1 user2 user3 user4]" {
				t.Errorf("paged users = %v", names)
			}
			r, _, err := e.c.UserApi.ReadUsers(e.ctx).ReadUsersRequest(osc.ReadUsersRequest{ResultsPerPage: osc.PtrInt32(50)}).Execute()
			must(t, "ReadUsers", err)
			if len(r.GetUsers()) != 3 || !r.GetMaxResultsTruncated() || !r.GetHasMoreItems() {
				t.Errorf("ResultsPerPage 50: %d users truncated=%v more=%v, want 3 true true", len(r.GetUsers()), r.GetMaxResultsTruncated(), r.GetHasMoreItems())
			}
			if !zero {
				_, resp, err := e.c.UserApi.ReadUsers(e.ctx).ReadUsersRequest(osc.ReadUsersRequest{FirstItem: osc.PtrInt32(0)}).Execute()
				wantErr(t, "FirstItem 0 when one-based", resp, err, 400, "InvalidParameterValue")
			}
		})
	}
}

func TestAccessKeys(t *testing.T) {
	now := time.Date(2030, 1, 1, 12, 0, 0, 0, time.UTC)
	clock := func() time.Time { return now }
	e := newEnv(t, oscfake.Options{Now: clock, NoEnforcement: true})
	e.createUser("u")
	r, _, err := e.c.AccessKeyApi.CreateAccessKey(e.ctx).CreateAccessKeyRequest(osc.CreateAccessKeyRequest{
		UserName: osc.PtrString("u"), ExpirationDate: osc.PtrString("2030-01-02"),
	}).Execute()
	must(t, "CreateAccessKey with ExpirationDate", err)
	k := r.GetAccessKey()
	if k.GetExpirationDate() != "2030-01-02 00:00:00.000000000 +00:00" {
		t.Errorf("ExpirationDate = %q", k.GetExpirationDate())
	}
	uc, uctx := e.srv.ClientWithKey(k.GetAccessKeyId(), k.GetSecretKey())
	_, _, err = uc.AccessKeyApi.ReadAccessKeys(uctx).ReadAccessKeysRequest(osc.ReadAccessKeysRequest{}).Execute()
	must(t, "ReadAccessKeys with the user's key", err)

	// INACTIVE keys do not authenticate; the API still answers properly.
	e.setKeyState("u", k.GetAccessKeyId(), "INACTIVE")
	_, resp, err := uc.AccessKeyApi.ReadAccessKeys(uctx).ReadAccessKeysRequest(osc.ReadAccessKeysRequest{}).Execute()
	wantErr(t, "call with an INACTIVE key", resp, err, 401, "AccessDenied")

	// UpdateAccessKey without ExpirationDate clears it (documented).
	rk, _, err := e.c.AccessKeyApi.ReadAccessKeys(e.ctx).ReadAccessKeysRequest(osc.ReadAccessKeysRequest{UserName: osc.PtrString("u")}).Execute()
	must(t, "ReadAccessKeys", err)
	if keys := rk.GetAccessKeys(); len(keys) != 1 || keys[0].GetState() != "INACTIVE" || keys[0].HasExpirationDate() {
		t.Errorf("after UpdateAccessKey(State) = %+v, want one INACTIVE key without expiry", keys)
	}

	// An expired key does not authenticate.
	r, _, err = e.c.AccessKeyApi.CreateAccessKey(e.ctx).CreateAccessKeyRequest(osc.CreateAccessKeyRequest{
		UserName: osc.PtrString("u"), ExpirationDate: osc.PtrString("2030-01-01T13:00:00.000Z"),
	}).Execute()
	must(t, "CreateAccessKey", err)
	k2 := r.GetAccessKey()
	now = now.Add(2 * time.Hour)
	uc2, uctx2 := e.srv.ClientWithKey(k2.GetAccessKeyId(), k2.GetSecretKey())
	_, resp, err = uc2.AccessKeyApi.ReadAccessKeys(uctx2).ReadAccessKeysRequest(osc.ReadAccessKeysRequest{}).Execute()
	wantErr(t, "call with an expired key", resp, err, 401, "AccessDenied")

	_, resp, err = e.c.AccessKeyApi.CreateAccessKey(e.ctx).CreateAccessKeyRequest(osc.CreateAccessKeyRequest{
		UserName: osc.PtrString("u"), ExpirationDate: osc.PtrString("2001-01-01"),
	}).Execute()
	wantErr(t, "CreateAccessKey expiring in the past", resp, err, 400, "InvalidParameterValue")
	_, resp, err = e.c.AccessKeyApi.UpdateAccessKey(e.ctx).UpdateAccessKeyRequest(osc.UpdateAccessKeyRequest{
		AccessKeyId: k2.GetAccessKeyId(), UserName: osc.PtrString("u"), State: osc.PtrString("DISABLED"),
	}).Execute()
	wantErr(t, "UpdateAccessKey State DISABLED", resp, err, 400, "InvalidParameterValue")
}

func TestEnforcement(t *testing.T) {
	e := newEnv(t, oscfake.Options{})
	e.createUser("ops")
	e.createGroup("admins")
	e.addToGroup("ops", "admins")
	orn := e.createPolicy("all", `{"Statement":[{"Effect":"Allow","Action":["api:*"],"Resource":["*"]}]}`)
	_, _, err := e.c.PolicyApi.LinkManagedPolicyToUserGroup(e.ctx).LinkManagedPolicyToUserGroupRequest(osc.LinkManagedPolicyToUserGroupRequest{UserGroupName: "admins", PolicyOrn: orn}).Execute()
	must(t, "LinkManagedPolicyToUserGroup", err)
	_, _, err = e.c.PolicyApi.PutUserPolicy(e.ctx).PutUserPolicyRequest(osc.PutUserPolicyRequest{
		UserName: "ops", PolicyName: "no-user-deletion",
		PolicyDocument: `{"Statement":[{"Effect":"Deny","Action":["api:DeleteUser"],"Resource":["*"]}]}`,
	}).Execute()
	must(t, "PutUserPolicy", err)
	k := e.createKey("ops")
	oc, octx := e.srv.ClientWithKey(k.GetAccessKeyId(), k.GetSecretKey())

	_, _, err = oc.UserApi.CreateUser(octx).CreateUserRequest(osc.CreateUserRequest{UserName: "temp"}).Execute()
	must(t, "CreateUser allowed by api:*", err)
	_, resp, err := oc.UserApi.DeleteUser(octx).DeleteUserRequest(osc.DeleteUserRequest{UserName: "temp"}).Execute()
	wantErr(t, "DeleteUser denied by the inline Deny", resp, err, 401, "AccessDenied")

	// Without any policy, an EIM user may do nothing.
	e.createUser("nobody")
	nk := e.createKey("nobody")
	nc, nctx := e.srv.ClientWithKey(nk.GetAccessKeyId(), nk.GetSecretKey())
	_, resp, err = nc.VmApi.ReadVms(nctx).ReadVmsRequest(osc.ReadVmsRequest{}).Execute()
	wantErr(t, "ReadVms with no policy", resp, err, 401, "AccessDenied")

	// Changing the default version changes what the key may do.
	_, _, err = e.c.PolicyApi.CreatePolicyVersion(e.ctx).CreatePolicyVersionRequest(osc.CreatePolicyVersionRequest{
		PolicyOrn: orn, Document: monitoringDoc, SetAsDefault: osc.PtrBool(true),
	}).Execute()
	must(t, "CreatePolicyVersion", err)
	_, resp, err = oc.UserApi.CreateUser(octx).CreateUserRequest(osc.CreateUserRequest{UserName: "temp2"}).Execute()
	wantErr(t, "CreateUser under the read-only version", resp, err, 401, "AccessDenied")
	_, _, err = oc.UserApi.ReadUsers(octx).ReadUsersRequest(osc.ReadUsersRequest{}).Execute()
	must(t, "ReadUsers under the read-only version", err)
}

func TestFailNextAndDryRun(t *testing.T) {
	e := newEnv(t, oscfake.Options{})
	e.srv.FailNext("CreateUser", "Throttled")
	_, resp, err := e.c.UserApi.CreateUser(e.ctx).CreateUserRequest(osc.CreateUserRequest{UserName: "u"}).Execute()
	wantErr(t, "CreateUser after FailNext", resp, err, 429, "AccessDenied")
	e.srv.FailNextWith("CreateUser", 503, "6", "AccessDenied")
	_, resp, err = e.c.UserApi.CreateUser(e.ctx).CreateUserRequest(osc.CreateUserRequest{UserName: "u"}).Execute()
	wantErr(t, "CreateUser after FailNextWith", resp, err, 503, "AccessDenied")
	e.createUser("u") // the injected failures changed nothing
	if n := e.srv.Calls("CreateUser"); n != 3 {
		t.Errorf("Calls(CreateUser) = %d, want 3", n)
	}

	_, _, err = e.c.UserApi.CreateUser(e.ctx).CreateUserRequest(osc.CreateUserRequest{UserName: "dry", DryRun: osc.PtrBool(true)}).Execute()
	must(t, "CreateUser DryRun", err)
	r, _, err := e.c.UserApi.ReadUsers(e.ctx).ReadUsersRequest(osc.ReadUsersRequest{}).Execute()
	must(t, "ReadUsers", err)
	if len(r.GetUsers()) != 1 {
		t.Errorf("DryRun created a user: %d users", len(r.GetUsers()))
	}
}

func TestReads(t *testing.T) {
	e := newEnv(t, oscfake.Options{TLS: true})
	e.createUser("u")
	e.createGroup("g")
	e.addToGroup("u", "g")
	orn := e.createPolicy("p", monitoringDoc)
	_, _, err := e.c.PolicyApi.LinkPolicy(e.ctx).LinkPolicyRequest(osc.LinkPolicyRequest{UserName: "u", PolicyOrn: orn}).Execute()
	must(t, "LinkPolicy", err)
	_, _, err = e.c.PolicyApi.PutUserGroupPolicy(e.ctx).PutUserGroupPolicyRequest(osc.PutUserGroupPolicyRequest{UserGroupName: "g", PolicyName: "ro", PolicyDocument: monitoringDoc}).Execute()
	must(t, "PutUserGroupPolicy", err)

	gp, _, err := e.c.UserGroupApi.ReadUserGroupsPerUser(e.ctx).ReadUserGroupsPerUserRequest(osc.ReadUserGroupsPerUserRequest{UserName: "u"}).Execute()
	must(t, "ReadUserGroupsPerUser", err)
	if gs := gp.GetUserGroups(); len(gs) != 1 || gs[0].GetName() != "g" {
		t.Errorf("ReadUserGroupsPerUser = %+v", gs)
	}
	rg, _, err := e.c.UserGroupApi.ReadUserGroup(e.ctx).ReadUserGroupRequest(osc.ReadUserGroupRequest{UserGroupName: "g"}).Execute()
	must(t, "ReadUserGroup", err)
	if us := rg.GetUsers(); len(us) != 1 || us[0].GetUserName() != "u" {
		t.Errorf("ReadUserGroup users = %+v", us)
	}
	lp, _, err := e.c.PolicyApi.ReadLinkedPolicies(e.ctx).ReadLinkedPoliciesRequest(osc.ReadLinkedPoliciesRequest{UserName: "u"}).Execute()
	must(t, "ReadLinkedPolicies", err)
	if ps := lp.GetPolicies(); len(ps) != 1 || ps[0].GetOrn() != orn {
		t.Errorf("ReadLinkedPolicies = %+v", ps)
	}
	ip, _, err := e.c.PolicyApi.ReadUserGroupPolicy(e.ctx).ReadUserGroupPolicyRequest(osc.ReadUserGroupPolicyRequest{UserGroupName: "g", PolicyName: "ro"}).Execute()
	must(t, "ReadUserGroupPolicy", err)
	if ip.Policy.GetBody() != monitoringDoc {
		t.Errorf("inline body = %q", ip.Policy.GetBody())
	}
	ips, _, err := e.c.PolicyApi.ReadUserGroupPolicies(e.ctx).ReadUserGroupPoliciesRequest(osc.ReadUserGroupPoliciesRequest{UserGroupName: "g"}).Execute()
	must(t, "ReadUserGroupPolicies", err)
	if len(ips.GetPolicies()) != 1 {
		t.Errorf("ReadUserGroupPolicies = %+v", ips.GetPolicies())
	}
	ents, _, err := e.c.PolicyApi.ReadEntitiesLinkedToPolicy(e.ctx).ReadEntitiesLinkedToPolicyRequest(osc.ReadEntitiesLinkedToPolicyRequest{PolicyOrn: orn}).Execute()
	must(t, "ReadEntitiesLinkedToPolicy", err)
	if pe := ents.GetPolicyEntities(); len(pe.GetUsers()) != 1 || pe.GetItemsCount() != 1 {
		t.Errorf("ReadEntitiesLinkedToPolicy = %+v", pe)
	}
	vs, _, err := e.c.PolicyApi.ReadPolicyVersions(e.ctx).ReadPolicyVersionsRequest(osc.ReadPolicyVersionsRequest{PolicyOrn: orn}).Execute()
	must(t, "ReadPolicyVersions", err)
	if v := vs.GetPolicyVersions(); len(v) != 1 || v[0].GetVersionId() != "v1" || !v[0].GetDefaultVersion() || v[0].GetBody() != monitoringDoc {
		t.Errorf("ReadPolicyVersions = %+v", v)
	}
	acc, _, err := e.c.AccountApi.ReadAccounts(e.ctx).ReadAccountsRequest(osc.ReadAccountsRequest{}).Execute()
	must(t, "ReadAccounts", err)
	if a := acc.GetAccounts(); len(a) != 1 || a[0].GetAccountId() != e.srv.AccountID() {
		t.Errorf("ReadAccounts = %+v", a)
	}
	up, _, err := e.c.UserApi.UpdateUser(e.ctx).UpdateUserRequest(osc.UpdateUserRequest{UserName: "u", NewUserName: osc.PtrString("u2"), NewPath: osc.PtrString("/ops/")}).Execute()
	must(t, "UpdateUser", err)
	if up.User.GetUserName() != "u2" || up.User.GetPath() != "/ops/" {
		t.Errorf("UpdateUser = %+v", up.User)
	}
	// The membership follows the renamed user; calls naming the user's path
	// must now give /ops/.
	gp, _, err = e.c.UserGroupApi.ReadUserGroupsPerUser(e.ctx).ReadUserGroupsPerUserRequest(osc.ReadUserGroupsPerUserRequest{UserName: "u2", UserPath: osc.PtrString("/ops/")}).Execute()
	must(t, "ReadUserGroupsPerUser after rename", err)
	if len(gp.GetUserGroups()) != 1 {
		t.Errorf("renamed user lost its group")
	}

	// The remaining calls, once each through the SDK.
	_, resp, err := e.c.UserGroupApi.AddUserToUserGroup(e.ctx).AddUserToUserGroupRequest(osc.AddUserToUserGroupRequest{UserName: "u2", UserPath: osc.PtrString("/ops/"), UserGroupName: "g"}).Execute()
	wantErr(t, "AddUserToUserGroup of a member", resp, err, 409, "ResourceConflict")
	_, _, err = e.c.PolicyApi.LinkManagedPolicyToUserGroup(e.ctx).LinkManagedPolicyToUserGroupRequest(osc.LinkManagedPolicyToUserGroupRequest{UserGroupName: "g", PolicyOrn: orn}).Execute()
	must(t, "LinkManagedPolicyToUserGroup", err)
	mp, _, err := e.c.PolicyApi.ReadManagedPoliciesLinkedToUserGroup(e.ctx).ReadManagedPoliciesLinkedToUserGroupRequest(osc.ReadManagedPoliciesLinkedToUserGroupRequest{UserGroupName: "g"}).Execute()
	must(t, "ReadManagedPoliciesLinkedToUserGroup", err)
	if len(mp.GetPolicies()) != 1 {
		t.Errorf("ReadManagedPoliciesLinkedToUserGroup = %+v", mp.GetPolicies())
	}
	rps, _, err := e.c.PolicyApi.ReadPolicies(e.ctx).ReadPoliciesRequest(osc.ReadPoliciesRequest{Filters: &osc.ReadPoliciesFilters{OnlyLinked: osc.PtrBool(true), PathPrefix: osc.PtrString("/"), Scope: osc.PtrString("LOCAL")}}).Execute()
	must(t, "ReadPolicies", err)
	if len(rps.GetPolicies()) != 1 || rps.GetPolicies()[0].GetResourcesCount() != 2 {
		t.Errorf("ReadPolicies = %+v", rps.GetPolicies())
	}
	_, _, err = e.c.PolicyApi.UnlinkManagedPolicyFromUserGroup(e.ctx).UnlinkManagedPolicyFromUserGroupRequest(osc.UnlinkManagedPolicyFromUserGroupRequest{UserGroupName: "g", PolicyOrn: orn}).Execute()
	must(t, "UnlinkManagedPolicyFromUserGroup", err)
	_, _, err = e.c.PolicyApi.CreatePolicyVersion(e.ctx).CreatePolicyVersionRequest(osc.CreatePolicyVersionRequest{PolicyOrn: orn, Document: monitoringDoc}).Execute()
	must(t, "CreatePolicyVersion", err)
	_, _, err = e.c.PolicyApi.SetDefaultPolicyVersion(e.ctx).SetDefaultPolicyVersionRequest(osc.SetDefaultPolicyVersionRequest{PolicyOrn: orn, VersionId: "v2"}).Execute()
	must(t, "SetDefaultPolicyVersion", err)
	pv, _, err := e.c.PolicyApi.ReadPolicyVersion(e.ctx).ReadPolicyVersionRequest(osc.ReadPolicyVersionRequest{PolicyOrn: orn, VersionId: "v2"}).Execute()
	must(t, "ReadPolicyVersion", err)
	if !pv.PolicyVersion.GetDefaultVersion() {
		t.Errorf("v2 is not the default after SetDefaultPolicyVersion")
	}
	_, _, err = e.c.PolicyApi.PutUserPolicy(e.ctx).PutUserPolicyRequest(osc.PutUserPolicyRequest{UserName: "u2", PolicyName: "a", PolicyDocument: monitoringDoc}).Execute()
	must(t, "PutUserPolicy", err)
	ups, _, err := e.c.PolicyApi.ReadUserPolicies(e.ctx).ReadUserPoliciesRequest(osc.ReadUserPoliciesRequest{UserName: "u2"}).Execute()
	must(t, "ReadUserPolicies", err)
	if fmt.Sprint(ups.GetPolicyNames()) != "[a]" {
		t.Errorf("ReadUserPolicies = %v", ups.GetPolicyNames())
	}
	_, _, err = e.c.PolicyApi.DeleteUserGroupPolicy(e.ctx).DeleteUserGroupPolicyRequest(osc.DeleteUserGroupPolicyRequest{UserGroupName: "g", PolicyName: "ro"}).Execute()
	must(t, "DeleteUserGroupPolicy", err)
	ug, _, err := e.c.UserGroupApi.UpdateUserGroup(e.ctx).UpdateUserGroupRequest(osc.UpdateUserGroupRequest{UserGroupName: "g", NewUserGroupName: osc.PtrString("g2"), NewPath: osc.PtrString("/x/")}).Execute()
	must(t, "UpdateUserGroup", err)
	if ug.UserGroup.GetName() != "g2" || ug.UserGroup.GetPath() != "/x/" || len(ug.GetUsers()) != 1 {
		t.Errorf("UpdateUserGroup = %+v %+v", ug.UserGroup, ug.GetUsers())
	}
	_, _, err = e.c.UserGroupApi.RemoveUserFromUserGroup(e.ctx).RemoveUserFromUserGroupRequest(osc.RemoveUserFromUserGroupRequest{UserName: "u2", UserPath: osc.PtrString("/ops/"), UserGroupName: "g2", UserGroupPath: osc.PtrString("/x/")}).Execute()
	must(t, "RemoveUserFromUserGroup", err)
	rgs, _, err := e.c.UserGroupApi.ReadUserGroups(e.ctx).ReadUserGroupsRequest(osc.ReadUserGroupsRequest{Filters: &osc.FiltersUserGroup{PathPrefix: osc.PtrString("/x")}}).Execute()
	must(t, "ReadUserGroups", err)
	if len(rgs.GetUserGroups()) != 1 {
		t.Errorf("ReadUserGroups /x = %+v", rgs.GetUserGroups())
	}
	_, _, err = e.c.UserGroupApi.DeleteUserGroup(e.ctx).DeleteUserGroupRequest(osc.DeleteUserGroupRequest{UserGroupName: "g2", Path: osc.PtrString("/x/")}).Execute()
	must(t, "DeleteUserGroup", err)
}
