package iam_test

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/iamkit/iamkit/iam"
	"github.com/iamkit/iamkit/provider/memory"
	"github.com/iamkit/iamkit/provider/providertest"
)

// rotUser is the user the rotation tests rotate.
const rotUser = "watcher_1"

// rotClock is a fake clock that moves one second at each reading, so that
// keys made one after the other have distinct creation times.
type rotClock struct {
	mu sync.Mutex
	t  time.Time
}

func newRotClock() *rotClock {
	return &rotClock{t: time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC)}
}

func (c *rotClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t = c.t.Add(time.Second)
	return c.t
}

func (c *rotClock) Advance(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t = c.t.Add(d)
}

// rotSpy wraps the memory provider to log the key operations in order,
// keep every secret it hands out (to check that none leaks into an error),
// and hook into calls.
type rotSpy struct {
	*memory.Provider

	noKeyStatus bool // report Capabilities.KeyStatus false
	// afterStatus runs after each successful SetAccessKeyStatus.
	afterStatus func()
	// loseCreate makes the next CreateAccessKey create the key but return
	// this error, as when a cloud's answer is lost.
	loseCreate error

	mu      sync.Mutex
	events  []string
	at      map[string]time.Time
	secrets []string
}

func (s *rotSpy) event(e string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.events = append(s.events, e)
	if s.at == nil {
		s.at = map[string]time.Time{}
	}
	s.at[e] = time.Now()
}

func (s *rotSpy) log() []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return slices.Clone(s.events)
}

func (s *rotSpy) Capabilities() iam.Capabilities {
	c := s.Provider.Capabilities()
	if s.noKeyStatus {
		c.KeyStatus = false
	}
	return c
}

func (s *rotSpy) CreateAccessKey(ctx context.Context, user string, opts *iam.KeyOptions) (*iam.AccessKey, error) {
	k, err := s.Provider.CreateAccessKey(ctx, user, opts)
	if err != nil {
		return nil, err
	}
	s.mu.Lock()
	s.secrets = append(s.secrets, k.Secret.Reveal())
	lost := s.loseCreate
	s.loseCreate = nil
	s.mu.Unlock()
	s.event("create " + k.ID)
	if lost != nil {
		return nil, lost
	}
	return k, nil
}

func (s *rotSpy) SetAccessKeyStatus(ctx context.Context, user, id string, st iam.KeyStatus) error {
	if s.noKeyStatus {
		return iam.NewError("memory", "SetAccessKeyStatus", "user/"+user, iam.ErrUnsupported, "no key status", nil)
	}
	if err := s.Provider.SetAccessKeyStatus(ctx, user, id, st); err != nil {
		return err
	}
	s.event("status " + id + " " + string(st))
	if s.afterStatus != nil {
		s.afterStatus()
	}
	return nil
}

func (s *rotSpy) DeleteAccessKey(ctx context.Context, user, id string) error {
	if err := s.Provider.DeleteAccessKey(ctx, user, id); err != nil {
		return err
	}
	s.event("delete " + id)
	return nil
}

// assertNoSecret fails the test if err shows any secret the spy handed out.
func (s *rotSpy) assertNoSecret(t *testing.T, err error) {
	t.Helper()
	if err == nil {
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, sec := range s.secrets {
		for _, msg := range []string{err.Error(), fmt.Sprintf("%+v", err), fmt.Sprintf("%#v", err)} {
			if providertest.ContainsSecret(msg, sec) {
				t.Errorf("error shows a secret: %s", strings.ReplaceAll(msg, sec, "<SECRET>"))
			}
		}
	}
}

// rotSink records the keys delivered to it. err, if set, fails the next
// delivery.
type rotSink struct {
	spy *rotSpy

	mu    sync.Mutex
	err   error
	keys  []*iam.AccessKey
	sets  []map[string]string
	users []string
}

func (s *rotSink) Deliver(ctx context.Context, d iam.Delivery) error {
	s.mu.Lock()
	err := s.err
	s.err = nil
	s.mu.Unlock()
	if err != nil {
		return err
	}
	if d.Key == nil || d.Key.Secret.IsZero() {
		return errors.New("delivery without a secret")
	}
	s.mu.Lock()
	s.keys = append(s.keys, d.Key)
	s.sets = append(s.sets, d.Settings)
	s.users = append(s.users, d.User)
	s.mu.Unlock()
	if s.spy != nil {
		s.spy.event("deliver " + d.Key.ID)
	}
	return nil
}

func (s *rotSink) ids() []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	var out []string
	for _, k := range s.keys {
		out = append(out, k.ID)
	}
	return out
}

// rotFixture is a user set up for a rotation: its keys, which were all
// delivered at some point, and the current one (the one its consumer holds).
type rotFixture struct {
	spy     *rotSpy
	clock   *rotClock
	initial []string // every key present before the rotation
	current *iam.AccessKey
	base    int // provider calls made by the setup
}

// calls returns the provider calls made since the setup.
func (f *rotFixture) calls() int { return f.spy.Calls("") - f.base }

// rotSetups build the user states the tests rotate from.
var rotSetups = map[string]func(t *testing.T, f *rotFixture){
	// One active key: the common case.
	"one active": func(t *testing.T, f *rotFixture) {},
	// At the cap, an inactive key (a previous KeepInactive rotation) and
	// the active current one.
	"inactive in the way": func(t *testing.T, f *rotFixture) {
		old := f.current
		f.current = f.addKey(t, nil)
		f.must(t, f.spy.Provider.SetAccessKeyStatus(context.Background(), rotUser, old.ID, iam.KeyInactive))
	},
	// At the cap, an active but expired key and the current one.
	"expired in the way": func(t *testing.T, f *rotFixture) {
		cur := f.current
		f.addKey(t, &iam.KeyOptions{ExpiresAt: f.clock.Now().Add(time.Hour)})
		f.clock.Advance(2 * time.Hour)
		f.current = cur
	},
	// At the cap, two active keys: the oldest is no longer used.
	"two active": func(t *testing.T, f *rotFixture) {
		f.current = f.addKey(t, nil)
	},
}

func (f *rotFixture) must(t *testing.T, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}

func (f *rotFixture) addKey(t *testing.T, opts *iam.KeyOptions) *iam.AccessKey {
	t.Helper()
	k, err := f.spy.Provider.CreateAccessKey(context.Background(), rotUser, opts)
	f.must(t, err)
	f.initial = append(f.initial, k.ID)
	return k
}

// newRotFixture provisions rotUser on a fresh memory provider, then shapes
// its keys with the named setup.
func newRotFixture(t *testing.T, setup string, opts ...memory.Option) *rotFixture {
	t.Helper()
	clock := newRotClock()
	mp := memory.New(append([]memory.Option{memory.WithClock(clock.Now)}, opts...)...)
	acct, err := iam.Provision(context.Background(), mp, monitoring)
	if err != nil {
		t.Fatal(err)
	}
	f := &rotFixture{spy: &rotSpy{Provider: mp}, clock: clock, initial: []string{acct.Key.ID}, current: acct.Key}
	rotSetups[setup](t, f)
	f.base = mp.Calls("")
	return f
}

// keys lists rotUser's keys by ID.
func (f *rotFixture) keys(t *testing.T) map[string]iam.KeyStatus {
	t.Helper()
	n := f.spy.Calls("")
	out := map[string]iam.KeyStatus{}
	for _, k := range providertest.Collect(t, f.spy.Provider.ListAccessKeys(context.Background(), rotUser)) {
		out[k.ID] = k.Status
	}
	f.base += f.spy.Calls("") - n // looking is not a call of the code under test
	return out
}

// works reports whether key k may still make a call.
func (f *rotFixture) works(k *iam.AccessKey) error {
	return f.spy.Authorize(context.Background(), k.ID, k.Secret.Reveal(), "compute:Read", "*")
}

// checkInvariant checks what must hold after any rotation, complete or
// not: every key present was delivered (it is an initial key or one the
// sink accepted); the current key (the last one the sink accepted, else
// the initial current one) is active and works; and every other active
// key is one of otherActive.
func (f *rotFixture) checkInvariant(t *testing.T, sink *rotSink, otherActive []string) {
	t.Helper()
	delivered := append(slices.Clone(f.initial), sink.ids()...)
	current := f.current
	if ids := sink.ids(); len(ids) > 0 {
		current = sink.keys[len(ids)-1]
	}
	keys := f.keys(t)
	for id, st := range keys {
		switch {
		case !slices.Contains(delivered, id):
			t.Errorf("undelivered key %s (%s) left behind", id, st)
		case id == current.ID:
		case st == iam.KeyActive && !slices.Contains(otherActive, id):
			t.Errorf("key %s is active besides the current key %s (allowed: %v)", id, current.ID, otherActive)
		}
	}
	if st, ok := keys[current.ID]; !ok || st != iam.KeyActive {
		t.Fatalf("current key %s is %q, want Active; keys: %v", current.ID, st, keys)
	}
	if err := f.works(current); err != nil {
		t.Errorf("current key does not work: %v", err)
	}
}

func TestRotate(t *testing.T) {
	tests := []struct {
		name         string
		keepInactive bool
		noKeyStatus  bool
		grace        time.Duration
		// want after the rotation: is the old key still there (inactive)?
		oldKept bool
	}{
		{name: "default"},
		{name: "keep inactive", keepInactive: true, oldKept: true},
		{name: "grace", grace: 30 * time.Millisecond},
		{name: "no key status", noKeyStatus: true, grace: 10 * time.Millisecond},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ctx := context.Background()
			f := newRotFixture(t, "one active")
			f.spy.noKeyStatus = tt.noKeyStatus
			old := f.current
			sink := &rotSink{spy: f.spy}
			var waited *iam.AccessKey
			opts := iam.RotateOptions{
				Sink:         sink,
				Settings:     map[string]string{iam.SettingRegion: "eu-west-3"},
				KeepInactive: tt.keepInactive,
				Grace:        tt.grace,
				Wait: func(ctx context.Context, k *iam.AccessKey) error {
					waited = k
					f.spy.event("wait " + k.ID)
					return f.works(k)
				},
			}
			r, err := iam.Rotate(ctx, f.spy, rotUser, opts)
			if err != nil {
				t.Fatal(err)
			}
			nk := r.New
			if nk == nil || nk.Secret.IsZero() || nk.Status != iam.KeyActive || nk.User != rotUser || r.User != rotUser {
				t.Fatalf("Rotated = %+v, want the new active key of %s with its secret", r, rotUser)
			}
			if waited != nk {
				t.Errorf("Wait got %v, want the new key %s", waited, nk.ID)
			}
			if ids := sink.ids(); !slices.Equal(ids, []string{nk.ID}) {
				t.Errorf("delivered %v, want [%s]", ids, nk.ID)
			}
			if sink.users[0] != rotUser || sink.sets[0][iam.SettingRegion] != "eu-west-3" {
				t.Errorf("delivery user %q settings %v", sink.users[0], sink.sets[0])
			}

			want := []string{"create " + nk.ID, "deliver " + nk.ID, "wait " + nk.ID}
			if !tt.noKeyStatus {
				want = append(want, "status "+old.ID+" Inactive")
			}
			if !tt.oldKept {
				want = append(want, "delete "+old.ID)
			}
			if got := f.spy.log(); !slices.Equal(got, want) {
				t.Errorf("steps:\n got %q\nwant %q", got, want)
			}
			if tt.noKeyStatus != (len(r.Deactivated) == 0) {
				t.Errorf("Deactivated = %v", r.Deactivated)
			}
			if tt.oldKept != (len(r.Deleted) == 0) || len(r.Pending) > 0 {
				t.Errorf("Deleted = %v, Pending = %v", r.Deleted, r.Pending)
			}
			if tt.grace > 0 {
				from := f.spy.at["wait "+nk.ID]
				if !tt.noKeyStatus {
					from = f.spy.at["status "+old.ID+" Inactive"]
				}
				if waitedFor := f.spy.at["delete "+old.ID].Sub(from); waitedFor < tt.grace {
					t.Errorf("deleted the old key %v after the last step, want at least the grace %v", waitedFor, tt.grace)
				}
			}

			wantKeys := map[string]iam.KeyStatus{nk.ID: iam.KeyActive}
			if tt.oldKept {
				wantKeys[old.ID] = iam.KeyInactive
			}
			if got := f.keys(t); fmt.Sprint(got) != fmt.Sprint(wantKeys) {
				t.Errorf("keys = %v, want %v", got, wantKeys)
			}
			if err := f.works(nk); err != nil {
				t.Errorf("new key: %v", err)
			}
			providertest.AssertKind(t, f.works(old), iam.ErrDenied)
			providertest.AssertRedacted(t, nk.Secret.Reveal(), r, *r)
		})
	}
}

func TestRotateGraceCancelled(t *testing.T) {
	f := newRotFixture(t, "one active")
	old := f.current
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	f.spy.afterStatus = cancel // the caller gives up during the grace period
	sink := &rotSink{}
	start := time.Now()
	r, err := iam.Rotate(ctx, f.spy, rotUser, iam.RotateOptions{Sink: sink, Grace: time.Hour})
	if !errors.Is(err, context.Canceled) {
		t.Fatalf("err = %v, want context.Canceled", err)
	}
	if time.Since(start) > time.Minute {
		t.Errorf("Rotate waited out the grace period despite the cancellation")
	}
	var we *iam.WorkflowError
	if !errors.As(err, &we) || we.Op != "Rotate" {
		t.Fatalf("err = %#v, want a *WorkflowError of Rotate", err)
	}
	if r == nil || r.New == nil || !slices.Equal(r.Pending, []string{old.ID}) || !slices.Equal(r.Deactivated, []string{old.ID}) || len(r.Deleted) > 0 {
		t.Fatalf("Rotated = %+v, want the new key, the old one deactivated and pending", r)
	}
	if msg := err.Error(); !strings.Contains(msg, "iam.RetireKeys") || !strings.Contains(msg, r.New.ID) {
		t.Errorf("error does not say how to finish: %s", msg)
	}
	f.spy.assertNoSecret(t, err)
	want := map[string]iam.KeyStatus{old.ID: iam.KeyInactive, r.New.ID: iam.KeyActive}
	if got := f.keys(t); fmt.Sprint(got) != fmt.Sprint(want) {
		t.Errorf("keys = %v, want %v", got, want)
	}
	f.checkInvariant(t, sink, r.Pending)

	// What the error says to do finishes the job.
	fin, err := iam.RetireKeys(context.Background(), f.spy, rotUser, r.New.ID, iam.RotateOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(fin.Deleted, []string{old.ID}) || len(fin.Pending) > 0 || fin.New.ID != r.New.ID {
		t.Errorf("RetireKeys = %+v, want the old key deleted", fin)
	}
	f.checkInvariant(t, sink, nil)
}

func TestRotateWaitFails(t *testing.T) {
	f := newRotFixture(t, "one active")
	old := f.current
	sink := &rotSink{}
	notYet := errors.New("new key not accepted yet")
	r, err := iam.Rotate(context.Background(), f.spy, rotUser, iam.RotateOptions{
		Sink: sink,
		Wait: func(context.Context, *iam.AccessKey) error { return notYet },
	})
	if !errors.Is(err, notYet) {
		t.Fatalf("err = %v, want the Wait error", err)
	}
	if r == nil || r.New == nil || !slices.Equal(sink.ids(), []string{r.New.ID}) || !slices.Equal(r.Pending, []string{old.ID}) {
		t.Fatalf("Rotated = %+v, want the delivered new key and the old one pending", r)
	}
	// Both keys stay active: the consumer holds the new one, which may
	// not work yet; the old one is not cut off.
	want := map[string]iam.KeyStatus{old.ID: iam.KeyActive, r.New.ID: iam.KeyActive}
	if got := f.keys(t); fmt.Sprint(got) != fmt.Sprint(want) {
		t.Errorf("keys = %v, want %v", got, want)
	}
	if msg := err.Error(); !strings.Contains(msg, "iam.RetireKeys") {
		t.Errorf("error does not say how to finish: %s", msg)
	}
	f.spy.assertNoSecret(t, err)
}

func TestRotateCap(t *testing.T) {
	tests := []struct {
		setup string
		force bool
		// the initial keys (by index in fixture.initial) deleted to make
		// room before the new key is created; -1: refused.
		room []int
	}{
		{setup: "one active"},
		{setup: "inactive in the way", room: []int{0}},
		{setup: "expired in the way", room: []int{1}},
		{setup: "two active", room: []int{-1}},
		{setup: "two active", force: true, room: []int{0}},
	}
	for _, tt := range tests {
		t.Run(fmt.Sprintf("%s/force=%v", tt.setup, tt.force), func(t *testing.T) {
			f := newRotFixture(t, tt.setup)
			before := f.keys(t)
			sink := &rotSink{spy: f.spy}
			r, err := iam.Rotate(context.Background(), f.spy, rotUser, iam.RotateOptions{Sink: sink, Force: tt.force, Now: f.clock.Now})
			if slices.Equal(tt.room, []int{-1}) {
				providertest.AssertKind(t, err, iam.ErrLimit)
				var ie *iam.Error
				if !errors.As(err, &ie) {
					t.Fatalf("err = %#v, want an *iam.Error", err)
				}
				for _, s := range []string{"RotateOptions.Force", f.initial[0], "nothing was changed", "deactivate or delete"} {
					if !strings.Contains(err.Error(), s) {
						t.Errorf("error %q does not mention %q", err, s)
					}
				}
				if r != nil || len(f.spy.log()) > 0 || f.calls() != 1 {
					t.Errorf("refusal changed something: %v, %d calls", f.spy.log(), f.calls())
				}
				if got := f.keys(t); fmt.Sprint(got) != fmt.Sprint(before) {
					t.Errorf("keys = %v, want %v", got, before)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			nk := r.New
			var want, wantDeleted []string
			for _, i := range tt.room {
				want = append(want, "delete "+f.initial[i])
				wantDeleted = append(wantDeleted, f.initial[i])
			}
			want = append(want, "create "+nk.ID, "deliver "+nk.ID, "status "+f.current.ID+" Inactive", "delete "+f.current.ID)
			if got := f.spy.log(); !slices.Equal(got, want) {
				t.Errorf("steps:\n got %q\nwant %q", got, want)
			}
			wantDeleted = append(wantDeleted, f.current.ID)
			if !slices.Equal(r.Deleted, wantDeleted) || !slices.Equal(r.Deactivated, []string{f.current.ID}) {
				t.Errorf("Rotated = %+v, want deleted %v", r, wantDeleted)
			}
			f.checkInvariant(t, sink, nil)
			if got := f.keys(t); len(got) != 1 {
				t.Errorf("keys = %v, want the new key only", got)
			}
		})
	}
}

func TestRotateRefusals(t *testing.T) {
	sink := &rotSink{}
	tests := []struct {
		name  string
		user  string
		opts  iam.RotateOptions
		mopts []memory.Option
		noKS  bool
		kind  error
		calls int
	}{
		{name: "no sink", user: rotUser, kind: iam.ErrInvalid},
		{name: "no user", opts: iam.RotateOptions{Sink: sink}, kind: iam.ErrInvalid},
		{name: "missing user", user: "nobody", opts: iam.RotateOptions{Sink: sink}, kind: iam.ErrNotFound, calls: 1},
		{name: "one key per user", user: rotUser, opts: iam.RotateOptions{Sink: sink},
			mopts: []memory.Option{memory.WithLimits(memory.Limits{MaxKeysPerUser: 1})}, kind: iam.ErrUnsupported},
		{name: "keep inactive without key status", user: rotUser, opts: iam.RotateOptions{Sink: sink, KeepInactive: true},
			noKS: true, kind: iam.ErrUnsupported},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := newRotFixture(t, "one active", tt.mopts...)
			f.spy.noKeyStatus = tt.noKS
			before := f.keys(t)
			_, err := iam.Rotate(context.Background(), f.spy, tt.user, tt.opts)
			providertest.AssertKind(t, err, tt.kind)
			if n := f.calls(); n != tt.calls {
				t.Errorf("%d calls, want %d", n, tt.calls)
			}
			if got := f.keys(t); fmt.Sprint(got) != fmt.Sprint(before) {
				t.Errorf("keys = %v, want %v", got, before)
			}
		})
	}
}

// rotDelegate rotates keys itself, as OVHcloud's adapter would.
type rotDelegate struct {
	*memory.Provider
	called string
}

func (d *rotDelegate) RotateAccessKey(ctx context.Context, user string, opts iam.RotateOptions) (*iam.Rotated, error) {
	d.called = user
	return &iam.Rotated{User: user}, nil
}

func TestRotateUsesKeyRotator(t *testing.T) {
	d := &rotDelegate{Provider: memory.New(memory.WithLimits(memory.Limits{MaxKeysPerUser: 1}))}
	var _ iam.KeyRotator = d
	r, err := iam.Rotate(context.Background(), d, "sa", iam.RotateOptions{Sink: &rotSink{}})
	if err != nil || d.called != "sa" || r.User != "sa" {
		t.Fatalf("Rotate = %+v, %v; RotateAccessKey called for %q", r, err, d.called)
	}
	if n := d.Calls(""); n != 0 {
		t.Errorf("Rotate made %d calls of its own", n)
	}
}

// TestRotateFailsAtEveryStep makes each step of a rotation fail in turn
// (every provider call, the sink, Wait) from each starting state, and
// checks that no undelivered key is left, that the current key still
// works, and that what the error says to do finishes the rotation.
func TestRotateFailsAtEveryStep(t *testing.T) {
	variants := []struct {
		name  string
		setup string
		opts  iam.RotateOptions
		noKS  bool
	}{
		{name: "one active", setup: "one active"},
		{name: "inactive in the way", setup: "inactive in the way"},
		{name: "expired in the way", setup: "expired in the way"},
		{name: "force", setup: "two active", opts: iam.RotateOptions{Force: true}},
		{name: "keep inactive", setup: "one active", opts: iam.RotateOptions{KeepInactive: true}},
		{name: "no key status", setup: "one active", noKS: true},
		{name: "grace", setup: "one active", opts: iam.RotateOptions{Grace: time.Millisecond}},
	}
	boom := errors.New("boom")
	for _, v := range variants {
		// A clean run counts the provider calls of this variant.
		dry := newRotFixture(t, v.setup)
		dry.spy.noKeyStatus = v.noKS
		opts := v.opts
		opts.Sink = &rotSink{}
		opts.Wait = func(context.Context, *iam.AccessKey) error { return nil }
		opts.Now = dry.clock.Now
		if _, err := iam.Rotate(context.Background(), dry.spy, rotUser, opts); err != nil {
			t.Fatalf("%s: clean run: %v", v.name, err)
		}
		steps := dry.calls()

		type failure struct {
			name              string
			fault, sink, wait bool
			k                 int
		}
		var failures []failure
		for k := 1; k <= steps; k++ {
			failures = append(failures, failure{name: fmt.Sprintf("call %d of %d", k, steps), fault: true, k: k})
		}
		failures = append(failures, failure{name: "sink", sink: true}, failure{name: "wait", wait: true})

		for _, fl := range failures {
			t.Run(v.name+"/"+fl.name, func(t *testing.T) {
				f := newRotFixture(t, v.setup)
				f.spy.noKeyStatus = v.noKS
				before := f.keys(t)
				sink := &rotSink{}
				opts := v.opts
				opts.Sink = sink
				opts.Wait = func(context.Context, *iam.AccessKey) error { return nil }
				opts.Now = f.clock.Now
				want := iam.ErrThrottled
				switch {
				case fl.fault:
					f.spy.InjectFault(memory.Fault{Nth: fl.k, Kind: iam.ErrThrottled})
				case fl.sink:
					sink.err = boom
				case fl.wait:
					opts.Wait = func(context.Context, *iam.AccessKey) error { return boom }
				}
				r, err := iam.Rotate(context.Background(), f.spy, rotUser, opts)
				if err == nil {
					t.Fatalf("no error; steps %q", f.spy.log())
				}
				if fl.fault {
					providertest.AssertKind(t, err, want)
				} else if !errors.Is(err, boom) {
					t.Errorf("err = %v, want boom", err)
				}
				var we *iam.WorkflowError
				if !errors.As(err, &we) || we.Op != "Rotate" || we.Step == "" || len(we.Left) > 0 {
					t.Errorf("err = %#v, want a *WorkflowError of Rotate that left nothing behind", err)
				}
				f.spy.assertNoSecret(t, err)

				if r == nil {
					// Failed before the delivery: the keys are as they
					// were, but for those deleted to make room.
					if ids := sink.ids(); len(ids) > 0 {
						t.Fatalf("no Rotated returned although key %v was delivered", ids)
					}
					var active []string
					for id, st := range f.keys(t) {
						if st != before[id] {
							t.Errorf("key %s is %s, was %q", id, st, before[id])
						}
						if st == iam.KeyActive {
							active = append(active, id)
						}
					}
					f.checkInvariant(t, sink, active)
					return
				}
				if r.New == nil || !slices.Equal(sink.ids(), []string{r.New.ID}) {
					t.Fatalf("Rotated = %+v returned with an error, but its key is not the delivered one (%v)", r, sink.ids())
				}
				f.checkInvariant(t, sink, r.Pending)
				if len(r.Pending) == 0 {
					return
				}
				if !strings.Contains(err.Error(), "iam.RetireKeys") {
					t.Errorf("error does not say how to finish: %v", err)
				}
				// The remedy the error names finishes the rotation.
				if _, err := iam.RetireKeys(context.Background(), f.spy, rotUser, r.New.ID, opts); err != nil {
					t.Fatalf("RetireKeys: %v", err)
				}
				f.checkInvariant(t, sink, nil)
			})
		}
	}
}

func TestRotateUndoFails(t *testing.T) {
	f := newRotFixture(t, "one active")
	sink := &rotSink{err: errors.New("disk full")}
	f.spy.InjectFault(memory.Fault{Op: "DeleteAccessKey", Kind: iam.ErrThrottled})
	_, err := iam.Rotate(context.Background(), f.spy, rotUser, iam.RotateOptions{Sink: sink})
	var we *iam.WorkflowError
	if !errors.As(err, &we) || len(we.Left) != 1 || !errors.Is(we.UndoErr, iam.ErrThrottled) {
		t.Fatalf("err = %#v, want a WorkflowError that reports the key it could not delete", err)
	}
	keys := f.keys(t)
	for id := range keys {
		if id != f.current.ID && !strings.Contains(err.Error(), id) {
			t.Errorf("error %q does not name the undelivered key %s it left", err, id)
		}
	}
	f.spy.assertNoSecret(t, err)
}

func TestRotateSweepsKeyWhoseCreationAnswerWasLost(t *testing.T) {
	f := newRotFixture(t, "one active")
	f.spy.loseCreate = iam.NewError("memory", "CreateAccessKey", "user/"+rotUser, iam.ErrThrottled, "connection reset", nil)
	sink := &rotSink{}
	_, err := iam.Rotate(context.Background(), f.spy, rotUser, iam.RotateOptions{Sink: sink})
	providertest.AssertKind(t, err, iam.ErrThrottled)
	var we *iam.WorkflowError
	if !errors.As(err, &we) || len(we.Undone) != 1 {
		t.Fatalf("err = %#v, want the lost key undone", err)
	}
	f.checkInvariant(t, sink, nil)
	if n := len(f.keys(t)); n != 1 {
		t.Errorf("%d keys, want 1", n)
	}
}

func TestRetireKeysRefuses(t *testing.T) {
	f := newRotFixture(t, "inactive in the way")
	before := f.keys(t)
	_, err := iam.RetireKeys(context.Background(), f.spy, rotUser, "MKIANOSUCHKEY000000", iam.RotateOptions{})
	providertest.AssertKind(t, err, iam.ErrNotFound)
	_, err = iam.RetireKeys(context.Background(), f.spy, rotUser, f.initial[0], iam.RotateOptions{}) // the inactive one
	providertest.AssertKind(t, err, iam.ErrInvalid)
	if got := f.keys(t); fmt.Sprint(got) != fmt.Sprint(before) {
		t.Errorf("keys = %v, want %v", got, before)
	}
}

func TestRotateOlderThan(t *testing.T) {
	const day = 24 * time.Hour
	type user struct {
		name  string
		setup func(ctx context.Context, p *memory.Provider, c *rotClock) error
	}
	provision := func(name string) func(context.Context, *memory.Provider, *rotClock) error {
		return func(ctx context.Context, p *memory.Provider, _ *rotClock) error {
			sa := monitoring
			sa.User = name
			_, err := iam.Provision(ctx, p, sa)
			return err
		}
	}
	tests := []struct {
		name    string
		fault   *memory.Fault
		want    []string // users rotated
		wantErr []string // users in the error
		kind    error
	}{
		{name: "old keys only", want: []string{"old_a", "old_b"}},
		{name: "one fails", fault: &memory.Fault{Op: "CreateAccessKey", Kind: iam.ErrThrottled},
			want: []string{"old_b"}, wantErr: []string{"user/old_a"}, kind: iam.ErrThrottled},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ctx := context.Background()
			clock := newRotClock()
			p := memory.New(memory.WithClock(clock.Now))
			// At day 0: two users with an old key, one whose key was
			// deactivated, one that later gets a second, fresh key.
			for _, n := range []string{"old_a", "old_b", "idle", "renewed"} {
				if err := provision(n)(ctx, p, clock); err != nil {
					t.Fatal(err)
				}
			}
			idle := providertest.Collect(t, p.ListAccessKeys(ctx, "idle"))[0]
			if err := p.SetAccessKeyStatus(ctx, "idle", idle.ID, iam.KeyInactive); err != nil {
				t.Fatal(err)
			}
			clock.Advance(100 * day)
			if _, err := p.CreateAccessKey(ctx, "renewed", nil); err != nil {
				t.Fatal(err)
			}
			if err := provision("fresh")(ctx, p, clock); err != nil {
				t.Fatal(err)
			}
			if tt.fault != nil {
				p.InjectFault(*tt.fault)
			}

			sink := &rotSink{}
			rs, err := iam.RotateOlderThan(ctx, p, 90*day, iam.RotateOptions{Sink: sink, Now: clock.Now})
			var got []string
			for _, r := range rs {
				got = append(got, r.User)
			}
			if !slices.Equal(got, tt.want) || !slices.Equal(sink.users, tt.want) {
				t.Errorf("rotated %v, delivered to %v; want %v", got, sink.users, tt.want)
			}
			if tt.kind == nil {
				if err != nil {
					t.Fatal(err)
				}
			} else {
				providertest.AssertKind(t, err, tt.kind)
				for _, s := range tt.wantErr {
					if !strings.Contains(fmt.Sprint(err), s) {
						t.Errorf("error %q does not name %s", err, s)
					}
				}
			}
			for _, r := range rs {
				keys := providertest.Collect(t, p.ListAccessKeys(ctx, r.User))
				if len(keys) != 1 || keys[0].ID != r.New.ID || !keys[0].CreatedAt.After(clock.Now().Add(-day)) {
					t.Errorf("%s has keys %+v after rotation, want only the new one", r.User, keys)
				}
			}
			// A second run finds nothing old.
			rs, err = iam.RotateOlderThan(ctx, p, 90*day, iam.RotateOptions{Sink: sink, Now: clock.Now})
			if tt.fault == nil && (len(rs) > 0 || err != nil) {
				t.Errorf("second run rotated %d users, err %v", len(rs), err)
			}
		})
	}
}

func TestRotateOlderThanCarriesOnPastARefusal(t *testing.T) {
	ctx := context.Background()
	clock := newRotClock()
	p := memory.New(memory.WithClock(clock.Now))
	for _, n := range []string{"a_full", "b_ok"} {
		sa := monitoring
		sa.User = n
		if _, err := iam.Provision(ctx, p, sa); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := p.CreateAccessKey(ctx, "a_full", nil); err != nil { // two active keys: no room
		t.Fatal(err)
	}
	clock.Advance(365 * 24 * time.Hour)
	rs, err := iam.RotateOlderThan(ctx, p, time.Hour, iam.RotateOptions{Sink: &rotSink{}, Now: clock.Now})
	providertest.AssertKind(t, err, iam.ErrLimit)
	if !strings.Contains(err.Error(), "user/a_full") {
		t.Errorf("error %q does not name user/a_full", err)
	}
	if len(rs) != 1 || rs[0].User != "b_ok" {
		t.Errorf("rotated %+v, want b_ok", rs)
	}
	if _, err := iam.RotateOlderThan(ctx, p, -time.Hour, iam.RotateOptions{Sink: &rotSink{}}); !errors.Is(err, iam.ErrInvalid) {
		t.Errorf("negative age: err = %v, want ErrInvalid", err)
	}
}
