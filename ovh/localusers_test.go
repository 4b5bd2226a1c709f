package ovh_test

import (
	"context"
	"errors"
	"os"
	"os/exec"
	"slices"
	"strings"
	"sync"
	"testing"

	"github.com/iamkit/iamkit/iam"
	"github.com/iamkit/iamkit/internal/ovhfake"
	"github.com/iamkit/iamkit/ovh"
	"github.com/iamkit/iamkit/policy"
	"github.com/iamkit/iamkit/provider/providertest"
)

func newLocal(t *testing.T, srv *ovhfake.Server) *ovh.Provider {
	t.Helper()
	p, err := ovh.New(t.Context(), ovh.Options{Client: srv.Client(), PageSize: 2, LocalUsers: true})
	if err != nil {
		t.Fatalf("ovh.New: %v", err)
	}
	return p
}

// keyClauses are the suite's clauses that need an access key to run (they
// create one with CreateAccessKey and stop when it fails). Local users
// have none, and Capabilities cannot say so (MaxKeysPerUser 0 means "no
// documented cap"), so TestConformanceLocalUsers skips them by name.
var keyClauses = []string{
	"Users/DeleteWithKey",
	"AccessKeys/CreateListDelete", "AccessKeys/Missing",
	"InvalidInput/KeyIDs",
	"Cancellation/EveryMethod", "Cancellation/Workflows",
	"Errors/Shape",
	"Secrets",
	"Unsupported/KeyStatus",
	// iam.Provision always makes a key.
	"Workflows/Provision", "Workflows/ProvisionAgain", "Workflows/ProvisionWithoutGroup", "Workflows/Deprovision",
}

const localSuiteEnv = "IAMKIT_OVH_LOCAL_SUITE"

// TestConformanceLocalUsers runs the suite with Options.LocalUsers, in a
// child process of the test binary so that the clauses needing an access
// key (keyClauses) are skipped with -test.skip.
func TestConformanceLocalUsers(t *testing.T) {
	if os.Getenv(localSuiteEnv) == "1" {
		srv := ovhfake.New(t, ovhfake.Options{})
		providertest.Run(t, providertest.Harness{
			NewProvider: func(t *testing.T) iam.Provider { return newLocal(t, srv) },
			Calls:       func(p iam.Provider) int { return p.(*ovh.Provider).Requests() },
			Translate:   policy.TranslateOptions{AllowWidening: true},
			Unpaged:     []string{"ListUsers", "ListGroups", "ListGroupMembers", "ListGroupsForUser", "ListAccessKeys"},
			Consistency: 1,
		})
		return
	}
	skip := make([]string, len(keyClauses))
	for i, c := range keyClauses {
		skip[i] = "^TestConformanceLocalUsers$/^" + strings.ReplaceAll(c, "/", "$/^") + "$"
	}
	cmd := exec.CommandContext(t.Context(), os.Args[0], "-test.run=^TestConformanceLocalUsers$",
		"-test.skip="+strings.Join(skip, "|"), "-test.v", "-test.count=1")
	cmd.Env = append(os.Environ(), localSuiteEnv+"=1")
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("suite with LocalUsers: %v\n%s", err, out)
	}
	ran := strings.Count(string(out), "--- PASS: TestConformanceLocalUsers/")
	if ran < 30 {
		t.Fatalf("suite with LocalUsers: only %d clauses passed\n%s", ran, out)
	}
	t.Logf("suite with LocalUsers: %d clauses and groups passed; skipped (need an access key): %s", ran, strings.Join(keyClauses, ", "))
}

func TestLocalUsersModel(t *testing.T) {
	srv := ovhfake.New(t, ovhfake.Options{})
	p := newLocal(t, srv)
	ctx := t.Context()

	caps := p.Capabilities()
	if !caps.GroupsForServiceAccounts || caps.MaxKeysPerUser != 0 {
		t.Errorf("Capabilities: GroupsForServiceAccounts %v MaxKeysPerUser %d, want true and 0", caps.GroupsForServiceAccounts, caps.MaxKeysPerUser)
	}
	u, err := p.CreateUser(ctx, "watcher_1", nil)
	if err != nil {
		t.Fatal(err)
	}
	if want := "urn:v1:eu:identity:user:" + srv.NIC() + "/watcher_1"; u.ID != want {
		t.Errorf("user ID %q, want %q", u.ID, want)
	}
	if _, err := p.CreateUser(ctx, "watcher_1", nil); !errors.Is(err, iam.ErrAlreadyExists) {
		t.Errorf("CreateUser again: %v, want ErrAlreadyExists", err)
	}
	if _, err := p.CreateUser(ctx, "a+b", nil); !errors.Is(err, iam.ErrInvalid) {
		t.Errorf("CreateUser with a login OVHcloud refuses: %v, want ErrInvalid", err)
	}
	g1, err := p.CreateGroup(ctx, "monitoring")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := p.CreateGroup(ctx, "other"); err != nil {
		t.Fatal(err)
	}
	if groups, err := iam.Collect(p.ListGroupsForUser(ctx, "watcher_1")); err != nil || len(groups) != 0 {
		t.Errorf("ListGroupsForUser before joining (DEFAULT group): %v %v, want none", groups, err)
	}
	if err := p.AddUserToGroup(ctx, "monitoring", "watcher_1"); err != nil {
		t.Fatal(err)
	}
	if err := p.AddUserToGroup(ctx, "other", "watcher_1"); !errors.Is(err, iam.ErrConflict) {
		t.Errorf("AddUserToGroup to a second group: %v, want ErrConflict (one group per user)", err)
	}
	groups, err := iam.Collect(p.ListGroupsForUser(ctx, "watcher_1"))
	if err != nil || len(groups) != 1 || groups[0].ID != g1.ID {
		t.Errorf("ListGroupsForUser: %v %v, want [monitoring]", groups, err)
	}
	if want := "urn:v1:eu:identity:group:" + srv.NIC() + "/monitoring"; g1.ID != want {
		t.Errorf("group ID %q, want %q", g1.ID, want)
	}
	var raw struct {
		Group string `json:"group"`
	}
	if err := srv.Client().Get("/me/identity/user/watcher_1", &raw); err != nil || raw.Group != "monitoring" {
		t.Errorf("stored user's group %q (%v), want monitoring", raw.Group, err)
	}
	if err := p.DeleteUser(ctx, "watcher_1"); !errors.Is(err, iam.ErrConflict) {
		t.Errorf("DeleteUser of a group member: %v, want ErrConflict", err)
	}
	_, err = p.CreateAccessKey(ctx, "watcher_1", nil)
	if !errors.Is(err, iam.ErrUnsupported) || !strings.Contains(err.Error(), "password") {
		t.Errorf("CreateAccessKey: %v, want ErrUnsupported explaining local users use passwords", err)
	}
	if keys, err := iam.Collect(p.ListAccessKeys(ctx, "watcher_1")); err != nil || len(keys) != 0 {
		t.Errorf("ListAccessKeys: %v %v, want none", keys, err)
	}
	if err := p.RemoveUserFromGroup(ctx, "monitoring", "watcher_1"); err != nil {
		t.Fatal(err)
	}
	if err := srv.Client().Get("/me/identity/user/watcher_1", &raw); err != nil || raw.Group != "DEFAULT" {
		t.Errorf("stored user's group after RemoveUserFromGroup %q (%v), want DEFAULT", raw.Group, err)
	}
	// A local user iamkit did not make is not one of its users.
	if err := srv.Client().Post("/me/identity/user", map[string]any{"login": "human", "email": "h@example.com"}, nil); err != nil {
		t.Fatal(err)
	}
	if _, err := p.GetUser(ctx, "human"); !errors.Is(err, iam.ErrNotFound) {
		t.Errorf("GetUser of a local user iamkit did not make: %v, want ErrNotFound", err)
	}
	users, err := iam.Collect(p.ListUsers(ctx))
	if err != nil || len(users) != 1 || users[0].Name != "watcher_1" {
		t.Errorf("ListUsers: %v %v, want [watcher_1]", users, err)
	}
	if err := p.DeleteUser(ctx, "watcher_1"); err != nil {
		t.Errorf("DeleteUser: %v", err)
	}
}

// snapJournal is a memory journal that, when iam.Provision announces the
// access key, records what the run has put in place by then.
type snapJournal struct {
	*iam.MemoryJournal
	p     *ovh.Provider
	group string
	user  string

	mu       sync.Mutex
	members  []string
	attached []string
	direct   int
}

func (j *snapJournal) Append(ctx context.Context, e iam.JournalEntry) error {
	if e.Event == iam.EventIntent && e.Step != nil && e.Step.Action == iam.StepCreateKey {
		members, _ := iam.Collect(j.p.ListGroupMembers(ctx, j.group))
		pols, _ := iam.Collect(j.p.ListAttachedPolicies(ctx, iam.GroupPrincipal(j.group)))
		direct, _ := iam.Collect(j.p.ListAttachedPolicies(ctx, iam.UserPrincipal(j.user)))
		j.mu.Lock()
		for _, u := range members {
			j.members = append(j.members, u.Name)
		}
		for _, pol := range pols {
			j.attached = append(j.attached, pol.Name)
		}
		j.direct = len(direct)
		j.mu.Unlock()
	}
	return j.MemoryJournal.Append(ctx, e)
}

// TestProvisionLocalUser: with local users, iam.Provision puts the user in
// the group and names the group's URN in the group's policy; it then stops
// at the access key (local users have none) and rolls everything back.
func TestProvisionLocalUser(t *testing.T) {
	srv := ovhfake.New(t, ovhfake.Options{})
	p := newLocal(t, srv)
	ctx := t.Context()
	const project = "0123456789abcdef0123456789abcdef"
	j := &snapJournal{MemoryJournal: iam.NewMemoryJournal(), p: p, group: "supervisors", user: "watcher_1"}
	_, err := iam.Provision(ctx, p, iam.ServiceAccount{
		User: "watcher_1", Group: "supervisors",
		Policy:  policy.OVHInfrastructureSupervisor(project),
		Journal: j,
	})
	var we *iam.WorkflowError
	if !errors.As(err, &we) || !errors.Is(err, iam.ErrUnsupported) || !strings.Contains(we.Step, "access key") {
		t.Fatalf("Provision: %v, want a WorkflowError at the access key, ErrUnsupported", err)
	}
	if !slices.Equal(j.members, []string{"watcher_1"}) {
		t.Errorf("members of supervisors before the key: %v, want [watcher_1]", j.members)
	}
	if !slices.Equal(j.attached, []string{"supervisors"}) || j.direct != 0 {
		t.Errorf("policies naming the group URN: %v, naming the user: %d; want [supervisors] and 0", j.attached, j.direct)
	}
	for _, step := range []string{"add user/watcher_1 to group/supervisors", "attach policy/supervisors to group/supervisors"} {
		if !slices.Contains(we.Undone, step) {
			t.Errorf("Undone %v lacks %q", we.Undone, step)
		}
	}
	if len(we.Left) != 0 {
		t.Errorf("left after rollback: %v (%v)", we.Left, we.UndoErr)
	}
	if _, err := p.GetUser(ctx, "watcher_1"); !errors.Is(err, iam.ErrNotFound) {
		t.Errorf("user after rollback: %v, want ErrNotFound", err)
	}
}

// TestServiceAccountsUnchanged: without LocalUsers, the capabilities are
// those of service accounts.
func TestServiceAccountsUnchanged(t *testing.T) {
	_, p := newFake(t)
	caps := p.Capabilities()
	if caps.GroupsForServiceAccounts || caps.MaxKeysPerUser != 1 {
		t.Errorf("Capabilities: GroupsForServiceAccounts %v MaxKeysPerUser %d, want false and 1", caps.GroupsForServiceAccounts, caps.MaxKeysPerUser)
	}
	if err := p.AddUserToGroup(t.Context(), "g", "u"); !errors.Is(err, iam.ErrUnsupported) {
		t.Errorf("AddUserToGroup: %v, want ErrUnsupported", err)
	}
}
