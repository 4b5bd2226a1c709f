package aws_test

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"os/exec"
	"strconv"
	"syscall"
	"testing"
	"time"

	awssdk "github.com/aws/aws-sdk-go-v2/aws"
	iamsdk "github.com/aws/aws-sdk-go-v2/service/iam"

	"github.com/iamkit/iamkit/aws"
	"github.com/iamkit/iamkit/iam"
	"github.com/iamkit/iamkit/internal/latproxy"
	"github.com/iamkit/iamkit/internal/moto"
	"github.com/iamkit/iamkit/policy"
)

// The fleet of the benchmarks: 200 service accounts (user, membership,
// key) sharing 4 groups, each group with its own read-only policy.
const (
	fleetUsers  = 200
	fleetGroups = 4
	benchRTT    = 50 * time.Millisecond
)

func benchFleet(n int) []iam.ServiceAccount {
	svcs := []policy.Service{policy.Compute, policy.BlockStorage, policy.ObjectStorage, policy.Network}
	out := make([]iam.ServiceAccount, n)
	for i := range out {
		g := i % fleetGroups
		out[i] = iam.ServiceAccount{User: fmt.Sprintf("bot_%03d", i), Group: "team_" + strconv.Itoa(g), Policy: policy.ReadOnly(svcs[g])}
	}
	return out
}

// benchProvider returns an AWS provider whose requests go to endpoint.
// The SDK's own retries are off (SDKAttempts 1), so that every throttle
// reaches iamkit's limiter and retries; with them on, the SDK would
// absorb most throttles before Apply could adapt its pace.
func benchProvider(b *testing.B, srv *moto.Server, endpoint string) *aws.Provider {
	b.Helper()
	cfg := srv.Config(moto.AdminKeyID, moto.AdminSecret, nil)
	cfg.BaseEndpoint = awssdk.String(endpoint)
	// A client that keeps as many idle connections as Apply has requests
	// in flight, as a program provisioning fleets would configure.
	cfg.HTTPClient = &http.Client{Timeout: time.Minute, Transport: &http.Transport{MaxIdleConnsPerHost: 2 * iam.DefaultConcurrency}}
	p, err := aws.New(b.Context(), aws.Options{Config: &cfg, Endpoint: endpoint,
		Retry: aws.RetryOptions{SDKAttempts: 1, Attempts: 3, BaseDelay: time.Millisecond, MaxDelay: 5 * time.Millisecond}})
	if err != nil {
		b.Fatal(err)
	}
	return p
}

func resetMoto(b *testing.B, srv *moto.Server) {
	b.Helper()
	resp, err := http.Post(srv.Endpoint+"/moto-api/reset", "application/json", nil)
	if err != nil {
		b.Fatal(err)
	}
	resp.Body.Close()
}

// duplicates counts what should not be there after provisioning the
// fleet, read straight from moto: users beyond the fleet, keys beyond one
// per user, memberships beyond one per user, groups and policies beyond
// the 4, and policy versions beyond the first.
func duplicates(b *testing.B, srv *moto.Server, want int) int {
	b.Helper()
	ctx := context.Background()
	cfg := srv.Config(moto.AdminKeyID, moto.AdminSecret, nil)
	c := iamsdk.NewFromConfig(cfg)
	dup := 0
	users, err := c.ListUsers(ctx, &iamsdk.ListUsersInput{})
	if err != nil {
		b.Fatal(err)
	}
	dup += max(len(users.Users)-want, 0)
	for _, u := range users.Users {
		keys, err := c.ListAccessKeys(ctx, &iamsdk.ListAccessKeysInput{UserName: u.UserName})
		if err != nil {
			b.Fatal(err)
		}
		dup += max(len(keys.AccessKeyMetadata)-1, 0)
		gs, err := c.ListGroupsForUser(ctx, &iamsdk.ListGroupsForUserInput{UserName: u.UserName})
		if err != nil {
			b.Fatal(err)
		}
		dup += max(len(gs.Groups)-1, 0)
	}
	groups, err := c.ListGroups(ctx, &iamsdk.ListGroupsInput{})
	if err != nil {
		b.Fatal(err)
	}
	dup += max(len(groups.Groups)-fleetGroups, 0)
	pols, err := c.ListPolicies(ctx, &iamsdk.ListPoliciesInput{Scope: "Local"})
	if err != nil {
		b.Fatal(err)
	}
	dup += max(len(pols.Policies)-fleetGroups, 0)
	for _, pol := range pols.Policies {
		vs, err := c.ListPolicyVersions(ctx, &iamsdk.ListPolicyVersionsInput{PolicyArn: pol.Arn})
		if err != nil {
			b.Fatal(err)
		}
		dup += max(len(vs.Versions)-1, 0)
	}
	return dup
}

// boto3 runs testdata/fleet_boto3.py through the proxy.
func boto3(b *testing.B, endpoint string, users int) (seconds float64, failures int) {
	b.Helper()
	out, err := exec.Command("python3", "testdata/fleet_boto3.py", "--endpoint", endpoint,
		"--users", strconv.Itoa(users), "--groups", strconv.Itoa(fleetGroups)).Output()
	if err != nil {
		b.Fatalf("fleet_boto3.py: %v: %s", err, out)
	}
	var r struct {
		Seconds  float64
		Failures int
	}
	if err := json.Unmarshal(out, &r); err != nil {
		b.Fatalf("fleet_boto3.py printed %q: %v", out, err)
	}
	return r.Seconds, r.Failures
}

// BenchmarkFleet provisions 200 service accounts (user + membership +
// key, over 4 shared groups and policies) through a proxy that adds 50 ms
// to every request, in front of moto, with iam.Plan + iam.Apply, then the
// same with a sequential boto3 script, in the same run:
//
//	go test ./aws -run '^$' -bench BenchmarkFleet -benchtime 1x
//
// Metrics: wall time of each (iamkit-s, boto3-s), their ratio (speedup),
// iamkit's wall time over the ideal (requests × 50 ms ÷ concurrency:
// x-ideal), requests per account of each, requests throttled, failures
// and duplicate resources (both must be 0). Without python3 and boto3
// only the iamkit half runs.
//
// moto is one Python process, and on a small machine it, not the 50 ms,
// can be what bounds the pace. So each iteration first measures moto's
// own ceiling (moto-req/s: the fleet's requests sent with the bare SDK
// by DefaultConcurrency workers straight to moto, as in
// BenchmarkMotoCeiling), and x-ideal-moto compares iamkit's wall time with
// the ideal that ceiling allows: max(requests × 50 ms ÷ concurrency,
// requests ÷ ceiling). The proxy's own figures say whether the
// concurrency was reached (inflight-mean, inflight-peak) and how long
// moto took per forwarded request (moto-ms). The three halves run one
// after the other, never at once, so they do not compete for the CPU.
func BenchmarkFleet(b *testing.B) {
	srv := moto.Start(b, moto.Options{})
	haveBoto := exec.Command("python3", "-c", "import boto3").Run() == nil
	for _, throttle := range []float64{0, 0.1} {
		b.Run(fmt.Sprintf("rtt=50ms/throttle=%g", throttle), func(b *testing.B) {
			px := latproxy.Start(b, srv.Endpoint, latproxy.Options{Latency: benchRTT, Throttle: throttle, Seed: 1})
			desired := benchFleet(fleetUsers)
			for b.Loop() {
				ceiling := motoCeiling(b, srv, iam.DefaultConcurrency, fleetUsers)
				resetMoto(b, srv)
				px.Reset()
				p := benchProvider(b, srv, px.URL)
				ctx := context.Background()
				lim := iam.NewLimiter(iam.LimiterOptions{})
				cpu0 := cpuTime()
				start := time.Now()
				cs, err := iam.Plan(ctx, p, desired, iam.WithPlanLimiter(lim))
				if err != nil {
					b.Fatal(err)
				}
				res, err := iam.Apply(ctx, p, cs, iam.ApplyOptions{Limiter: lim})
				wall := time.Since(start)
				goCPU := cpuTime() - cpu0
				failures := len(res.Failed)
				if err != nil && failures == 0 {
					b.Fatal(err)
				}
				calls, throttled, st := px.Calls(""), px.Throttled(""), px.Stats()
				dups := duplicates(b, srv, fleetUsers)
				ideal := time.Duration(calls) * benchRTT / iam.DefaultConcurrency
				idealMoto := max(ideal, time.Duration(float64(calls)/ceiling*float64(time.Second)))
				b.ReportMetric(wall.Seconds(), "iamkit-s")
				b.ReportMetric(wall.Seconds()/ideal.Seconds(), "x-ideal")
				b.ReportMetric(ceiling, "moto-req/s")
				b.ReportMetric(wall.Seconds()/idealMoto.Seconds(), "x-ideal-moto")
				b.ReportMetric(st.MeanInFlight, "inflight-mean")
				b.ReportMetric(float64(st.PeakInFlight), "inflight-peak")
				b.ReportMetric(float64(st.Upstream)/float64(time.Millisecond), "moto-ms")
				b.ReportMetric(goCPU.Seconds(), "go-cpu-s")
				b.ReportMetric(float64(calls)/fleetUsers, "iamkit-calls/account")
				b.ReportMetric(float64(px.Calls("CreateUser")+px.Calls("AddUserToGroup")+px.Calls("CreateAccessKey"))/fleetUsers, "iamkit-account-calls/account")
				b.ReportMetric(float64(throttled), "iamkit-throttled")
				b.ReportMetric(float64(failures), "iamkit-failures")
				b.ReportMetric(float64(dups), "iamkit-duplicates")
				b.Logf("iamkit: %v for %d accounts, %d requests (%d throttled), ideal %v (%v at moto's %.0f req/s), limiter cuts %d, rate %.0f/s; in flight mean %.1f peak %d, moto %v per request; this process used %v of CPU",
					wall.Round(time.Millisecond), len(res.Accounts), calls, throttled, ideal.Round(time.Millisecond), idealMoto.Round(time.Millisecond),
					ceiling, lim.Cuts(), lim.Rate(), st.MeanInFlight, st.PeakInFlight, st.Upstream.Round(100*time.Microsecond), goCPU.Round(time.Millisecond))
				if !haveBoto {
					b.Log("python3 with boto3 not found: the boto3 half is skipped")
					continue
				}
				resetMoto(b, srv)
				px.Reset()
				secs, bfail := boto3(b, px.URL, fleetUsers)
				bcalls, bst := px.Calls(""), px.Stats()
				b.ReportMetric(secs, "boto3-s")
				b.ReportMetric(secs/wall.Seconds(), "speedup")
				b.ReportMetric(float64(bcalls)/fleetUsers, "boto3-calls/account")
				b.ReportMetric(float64(bfail), "boto3-failures")
				b.ReportMetric(float64(duplicates(b, srv, fleetUsers-bfail)), "boto3-duplicates")
				b.Logf("boto3: %.2fs, %d requests (%d throttled), %d failures; moto %v per request",
					secs, bcalls, px.Throttled(""), bfail, bst.Upstream.Round(100*time.Microsecond))
			}
		})
	}
}

// BenchmarkPlanMoto plans over 5,000 existing service accounts on moto
// (no proxy), all in place, so that the plan is empty: the cost of a
// routine "is everything as it should be?".
//
//	go test ./aws -run '^$' -bench BenchmarkPlanMoto -benchtime 1x
//
// Setting up the 5,000 accounts takes a few minutes of moto's time.
func BenchmarkPlanMoto(b *testing.B) {
	srv := moto.Start(b, moto.Options{})
	p := benchProvider(b, srv, srv.Endpoint)
	ctx := context.Background()
	desired := benchFleet(5000)
	cs, err := iam.Plan(ctx, p, desired)
	if err != nil {
		b.Fatal(err)
	}
	if _, err := iam.Apply(ctx, p, cs, iam.ApplyOptions{}); err != nil {
		b.Fatal(err)
	}
	for b.Loop() {
		start := time.Now()
		cs, err := iam.Plan(ctx, p, desired)
		if err != nil {
			b.Fatal(err)
		}
		if cs.HasChanges() {
			b.Fatalf("changes after Apply:\n%s", cs)
		}
		b.ReportMetric(float64(cs.Calls), "calls")
		b.ReportMetric(time.Since(start).Seconds(), "plan-s")
	}
}

// motoCeiling measures how many requests per second moto itself answers,
// with no proxy and no iamkit: accounts accounts made with the bare SDK
// client (CreateUser, AddUserToGroup, CreateAccessKey, the requests a
// fleet is made of) by conc workers, after one group is created. It
// returns requests per second. moto is reset before and after.
func motoCeiling(b *testing.B, srv *moto.Server, conc, accounts int) float64 {
	b.Helper()
	resetMoto(b, srv)
	defer resetMoto(b, srv)
	ctx := context.Background()
	cfg := srv.Config(moto.AdminKeyID, moto.AdminSecret, nil)
	cfg.HTTPClient = &http.Client{Timeout: time.Minute, Transport: &http.Transport{MaxIdleConnsPerHost: 2 * conc}}
	cfg.RetryMaxAttempts = 1
	c := iamsdk.NewFromConfig(cfg)
	if _, err := c.CreateGroup(ctx, &iamsdk.CreateGroupInput{GroupName: awssdk.String("ceiling")}); err != nil {
		b.Fatal(err)
	}
	next := make(chan int)
	errs := make(chan error, conc)
	start := time.Now()
	for range conc {
		go func() {
			for i := range next {
				u := awssdk.String(fmt.Sprintf("ceil_%04d", i))
				if _, err := c.CreateUser(ctx, &iamsdk.CreateUserInput{UserName: u}); err != nil {
					errs <- err
					return
				}
				if _, err := c.AddUserToGroup(ctx, &iamsdk.AddUserToGroupInput{GroupName: awssdk.String("ceiling"), UserName: u}); err != nil {
					errs <- err
					return
				}
				if _, err := c.CreateAccessKey(ctx, &iamsdk.CreateAccessKeyInput{UserName: u}); err != nil {
					errs <- err
					return
				}
			}
			errs <- nil
		}()
	}
	for i := range accounts {
		next <- i
	}
	close(next)
	for range conc {
		if err := <-errs; err != nil {
			b.Fatal(err)
		}
	}
	return float64(3*accounts) / time.Since(start).Seconds()
}

// BenchmarkMotoCeiling measures moto's own throughput from Go, straight
// to moto (no proxy, no iamkit), at several concurrencies: the most any
// client can get from this moto on this machine.
//
//	go test ./aws -run '^$' -bench BenchmarkMotoCeiling -benchtime 1x
func BenchmarkMotoCeiling(b *testing.B) {
	srv := moto.Start(b, moto.Options{})
	for _, conc := range []int{1, 4, 16, 32} {
		b.Run(fmt.Sprintf("conc=%d", conc), func(b *testing.B) {
			for b.Loop() {
				rate := motoCeiling(b, srv, conc, fleetUsers)
				b.ReportMetric(rate, "req/s")
				b.ReportMetric(1000/rate*float64(conc), "ms/req")
			}
		})
	}
}

// cpuTime is the CPU time this process (iamkit, the SDK and the proxy)
// used so far, user and system.
func cpuTime() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}
