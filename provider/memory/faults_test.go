package memory_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/iamkit/iamkit/iam"
	"github.com/iamkit/iamkit/provider/memory"
)

func TestFaultFiresOnceWithoutEffect(t *testing.T) {
	ctx := context.Background()
	p := memory.New()
	p.InjectFault(memory.Fault{Op: "CreateUser", Nth: 2, Kind: iam.ErrThrottled, Msg: "slow down"})
	_, err := p.CreateUser(ctx, "u1", nil) // 1st: fine
	must(t, err)
	_, err = p.CreateUser(ctx, "u2", nil) // 2nd: faulted
	ie := wantErr(t, err, "CreateUser", iam.ErrThrottled)
	if ie.Resource != "user/u2" || ie.Msg != "slow down" {
		t.Errorf("fault error = %#v", ie)
	}
	if _, err := p.GetUser(ctx, "u2"); !errors.Is(err, iam.ErrNotFound) {
		t.Errorf("the faulted call had an effect: GetUser = %v", err)
	}
	_, err = p.CreateUser(ctx, "u2", nil) // the fault fired once
	must(t, err)
	if got := p.Calls("CreateUser"); got != 3 {
		t.Errorf("Calls(CreateUser) = %d, want 3 (a faulted call reaches the provider)", got)
	}
}

func TestFaults(t *testing.T) {
	cases := []struct {
		name  string
		fault memory.Fault
		// calls are made in order; fails is the index of the one that
		// must fail (-1: none).
		calls []string
		fails int
	}{
		{name: "next call of op", fault: memory.Fault{Op: "GetUser", Nth: 1, Kind: iam.ErrNotFound},
			calls: []string{"GetGroup", "GetUser", "GetUser"}, fails: 1},
		{name: "Nth 0 means next", fault: memory.Fault{Op: "GetUser", Kind: iam.ErrThrottled},
			calls: []string{"GetUser", "GetUser"}, fails: 0},
		{name: "any op", fault: memory.Fault{Nth: 3, Kind: iam.ErrDenied},
			calls: []string{"GetUser", "GetGroup", "GetPolicy", "GetUser"}, fails: 2},
		{name: "other ops do not count", fault: memory.Fault{Op: "GetPolicy", Nth: 2, Kind: iam.ErrLimit},
			calls: []string{"GetPolicy", "GetUser", "GetUser", "GetPolicy", "GetPolicy"}, fails: 3},
		{name: "listing page", fault: memory.Fault{Op: "ListUsers", Nth: 2, Kind: iam.ErrThrottled},
			calls: []string{"ListUsers", "ListUsers"}, fails: 1},
		{name: "never reached", fault: memory.Fault{Op: "DeleteUser", Kind: iam.ErrConflict},
			calls: []string{"GetUser", "GetUser"}, fails: -1},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			f := newFixture(t)
			f.p.InjectFault(c.fault)
			for i, op := range c.calls {
				err := call(f, op)
				if i == c.fails {
					wantErr(t, err, op, c.fault.Kind)
				} else if err != nil {
					t.Errorf("call %d (%s): %v", i, op, err)
				}
			}
		})
	}
}

// call makes one successful-by-default call of op on the fixture.
func call(f *fixture, op string) error {
	ctx := context.Background()
	var err error
	switch op {
	case "GetUser":
		_, err = f.p.GetUser(ctx, "alice")
	case "GetGroup":
		_, err = f.p.GetGroup(ctx, "ops")
	case "GetPolicy":
		_, err = f.p.GetPolicy(ctx, "ops")
	case "ListUsers":
		_, err = iam.Collect(f.p.ListUsers(ctx))
	default:
		panic(op)
	}
	return err
}

func TestFaultOnSecondPage(t *testing.T) {
	f := newFixture(t, memory.WithPageSize(1))
	f.p.InjectFault(memory.Fault{Op: "ListUsers", Nth: 2, Kind: iam.ErrThrottled})
	users, err := iam.Collect(f.p.ListUsers(context.Background()))
	wantErr(t, err, "ListUsers", iam.ErrThrottled)
	if len(users) != 1 || users[0].Name != "alice" {
		t.Errorf("before the fault: %v", users)
	}
}

func TestInvalidNamesAreNotCounted(t *testing.T) {
	p := memory.New()
	p.InjectFault(memory.Fault{Kind: iam.ErrThrottled})
	_, err := p.CreateUser(context.Background(), "bad name", nil)
	wantErr(t, err, "CreateUser", iam.ErrInvalid)
	if n := p.Calls(""); n != 0 {
		t.Errorf("Calls = %d after a bad name, want 0", n)
	}
	_, err = p.CreateUser(context.Background(), "good", nil)
	wantErr(t, err, "CreateUser", iam.ErrThrottled) // the fault is still pending
}

func TestResetFaults(t *testing.T) {
	ctx := context.Background()
	p := memory.New()
	p.InjectFault(memory.Fault{Op: "CreateGroup", Kind: iam.ErrThrottled})
	p.SetLatency(time.Hour)
	p.ResetFaults()
	_, err := p.CreateGroup(ctx, "g") // neither faulted nor delayed
	must(t, err)
	if p.Calls("CreateGroup") != 1 || p.Calls("") != 1 {
		t.Errorf("Calls = %d, %d", p.Calls("CreateGroup"), p.Calls(""))
	}
}

func TestInjectFaultPanics(t *testing.T) {
	for _, f := range []memory.Fault{
		{Op: "CreateAccesKey", Kind: iam.ErrThrottled}, // typo
		{Op: "CreateUser"},                           // no kind
		{Op: "CreateUser", Kind: errors.New("boom")}, // not a kind
		{Op: "Authorize", Kind: iam.ErrDenied},       // not a provider call
	} {
		func() {
			defer func() {
				if recover() == nil {
					t.Errorf("InjectFault(%+v) did not panic", f)
				}
			}()
			memory.New().InjectFault(f)
		}()
	}
}

func TestLatency(t *testing.T) {
	p := memory.New()
	p.SetLatency(20 * time.Millisecond)
	start := time.Now()
	_, err := p.CreateUser(context.Background(), "u", nil)
	must(t, err)
	if d := time.Since(start); d < 20*time.Millisecond {
		t.Errorf("call took %v, want at least the latency", d)
	}

	p.SetLatency(time.Hour)
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Millisecond)
	defer cancel()
	start = time.Now()
	_, err = p.GetUser(ctx, "u")
	if time.Since(start) > 10*time.Second {
		t.Fatal("latency ignored the context")
	}
	var ie *iam.Error
	if !errors.As(err, &ie) || ie.Kind != nil || !errors.Is(err, context.DeadlineExceeded) || ie.Op != "GetUser" {
		t.Errorf("GetUser with an expiring context = %#v", err)
	}
	if p.Calls("GetUser") != 0 {
		t.Error("a call abandoned during the latency reached the provider")
	}
}
