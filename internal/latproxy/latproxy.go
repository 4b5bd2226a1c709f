// Package latproxy is a loopback HTTP proxy for benchmarks: it forwards
// every request to a target (such as a moto server) after a fixed delay,
// as a distant cloud would answer, and can answer a share of the requests
// itself with AWS's Throttling error, without forwarding them, as IAM
// does when a caller goes too fast. It counts the requests by AWS query
// Action.
//
//	px := latproxy.Start(t, moto.Endpoint, latproxy.Options{Latency: 50 * time.Millisecond, Throttle: 0.1})
//	// point the client at px.URL
package latproxy

import (
	"bytes"
	"io"
	"math/rand/v2"
	"net/http"
	"net/http/httptest"
	"net/http/httputil"
	"net/url"
	"sync"
	"testing"
	"time"
)

// Options configure the proxy.
type Options struct {
	// Latency delays every request before it is forwarded or throttled.
	Latency time.Duration
	// Throttle is the share of requests (0 to 1) answered with a 400
	// Throttling error instead of being forwarded.
	Throttle float64
	// Seed makes the choice of throttled requests repeatable.
	Seed uint64
}

// ThrottlingBody is the error document AWS's query APIs (IAM, STS) send
// with HTTP 400 when they throttle a request.
const ThrottlingBody = `<ErrorResponse xmlns="https://iam.amazonaws.com/doc/2010-05-08/">
  <Error>
    <Type>Sender</Type>
    <Code>Throttling</Code>
    <Message>Rate exceeded</Message>
  </Error>
  <RequestId>00000000-0000-0000-0000-000000000000</RequestId>
</ErrorResponse>
`

// Proxy is a running proxy.
type Proxy struct {
	// URL is the proxy's base URL.
	URL string

	o      Options
	rp     *httputil.ReverseProxy
	srv    *httptest.Server
	mu     sync.Mutex
	rnd    *rand.Rand
	calls  map[string]int
	thrott map[string]int

	// In-flight accounting, since the first request after Reset.
	inFlight, peak int
	first, last    time.Time     // first arrival, latest arrival or departure
	area           time.Duration // ∫ in-flight dt, in request·ns
	upstream       time.Duration // total time spent waiting for the target
	forwarded      int
}

// Stats describe the traffic since the proxy started or was Reset.
type Stats struct {
	// PeakInFlight is the most requests the proxy held at once, and
	// MeanInFlight their mean number from the first request's arrival to
	// the latest request's departure: the concurrency the clients actually
	// achieved.
	PeakInFlight int
	MeanInFlight float64
	// Span is the time from the first arrival to the latest departure.
	Span time.Duration
	// Upstream is the mean time the target took to answer a forwarded
	// request (the latency excluded).
	Upstream time.Duration
}

// New starts a proxy to target; Close stops it.
func New(target string, o Options) (*Proxy, error) {
	u, err := url.Parse(target)
	if err != nil {
		return nil, err
	}
	px := &Proxy{o: o, rnd: rand.New(rand.NewPCG(o.Seed, o.Seed^0x9e3779b97f4a7c15)),
		calls: map[string]int{}, thrott: map[string]int{}}
	px.rp = httputil.NewSingleHostReverseProxy(u)
	px.rp.Transport = &http.Transport{MaxIdleConnsPerHost: 64, IdleConnTimeout: 30 * time.Second}
	px.srv = httptest.NewServer(px)
	px.URL = px.srv.URL
	return px, nil
}

// Start starts a proxy for the duration of t.
func Start(t testing.TB, target string, o Options) *Proxy {
	t.Helper()
	px, err := New(target, o)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(px.Close)
	return px
}

// Close stops the proxy.
func (px *Proxy) Close() { px.srv.Close() }

// SetOptions changes the latency and throttling of later requests.
func (px *Proxy) SetOptions(o Options) {
	px.mu.Lock()
	defer px.mu.Unlock()
	px.o = o
	px.rnd = rand.New(rand.NewPCG(o.Seed, o.Seed^0x9e3779b97f4a7c15))
}

// ServeHTTP delays, then throttles or forwards r.
func (px *Proxy) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	body, err := io.ReadAll(r.Body)
	if err != nil {
		http.Error(w, err.Error(), http.StatusBadRequest)
		return
	}
	r.Body = io.NopCloser(bytes.NewReader(body))
	action := "?"
	if q, err := url.ParseQuery(string(body)); err == nil && q.Get("Action") != "" {
		action = q.Get("Action")
	}
	px.mu.Lock()
	o := px.o
	throttle := o.Throttle > 0 && px.rnd.Float64() < o.Throttle
	px.calls[action]++
	if throttle {
		px.thrott[action]++
	}
	px.enter(time.Now())
	px.mu.Unlock()
	var upstream time.Duration
	defer func() {
		px.mu.Lock()
		px.leave(time.Now(), upstream)
		px.mu.Unlock()
	}()
	if o.Latency > 0 {
		t := time.NewTimer(o.Latency)
		select {
		case <-r.Context().Done():
			t.Stop()
			return
		case <-t.C:
		}
	}
	if throttle {
		w.Header().Set("Content-Type", "text/xml")
		w.WriteHeader(http.StatusBadRequest)
		_, _ = io.WriteString(w, ThrottlingBody)
		return
	}
	start := time.Now()
	px.rp.ServeHTTP(w, r)
	upstream = max(time.Since(start), 1)
}

// Calls returns how many requests of action arrived, throttled ones
// included, or of every action when action is "".
func (px *Proxy) Calls(action string) int {
	px.mu.Lock()
	defer px.mu.Unlock()
	if action != "" {
		return px.calls[action]
	}
	n := 0
	for _, c := range px.calls {
		n += c
	}
	return n
}

// Throttled returns how many requests of action (every action when "")
// were answered with Throttling.
func (px *Proxy) Throttled(action string) int {
	px.mu.Lock()
	defer px.mu.Unlock()
	if action != "" {
		return px.thrott[action]
	}
	n := 0
	for _, c := range px.thrott {
		n += c
	}
	return n
}

// Reset zeroes the counts.
func (px *Proxy) Reset() {
	px.mu.Lock()
	defer px.mu.Unlock()
	px.calls, px.thrott = map[string]int{}, map[string]int{}
	px.peak, px.first, px.last, px.area, px.upstream, px.forwarded = px.inFlight, time.Time{}, time.Time{}, 0, 0, 0
}

// enter and leave keep the in-flight accounting; px.mu is held.
func (px *Proxy) enter(now time.Time) {
	if px.first.IsZero() {
		px.first, px.last = now, now
	}
	px.area += time.Duration(px.inFlight) * now.Sub(px.last)
	px.last = now
	px.inFlight++
	px.peak = max(px.peak, px.inFlight)
}

func (px *Proxy) leave(now time.Time, upstream time.Duration) {
	if !px.last.IsZero() {
		px.area += time.Duration(px.inFlight) * now.Sub(px.last)
		px.last = now
	}
	px.inFlight--
	if upstream > 0 {
		px.upstream += upstream
		px.forwarded++
	}
}

// Stats returns the in-flight and upstream figures since the proxy
// started or was last Reset.
func (px *Proxy) Stats() Stats {
	px.mu.Lock()
	defer px.mu.Unlock()
	var s Stats
	s.PeakInFlight = px.peak
	if !px.first.IsZero() {
		s.Span = px.last.Sub(px.first)
		if s.Span > 0 {
			s.MeanInFlight = float64(px.area) / float64(s.Span)
		}
	}
	if px.forwarded > 0 {
		s.Upstream = px.upstream / time.Duration(px.forwarded)
	}
	return s
}
