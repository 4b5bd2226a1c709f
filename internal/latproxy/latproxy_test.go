package latproxy_test

import (
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/iamkit/iamkit/internal/latproxy"
)

func TestProxy(t *testing.T) {
	backend := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		b, _ := io.ReadAll(r.Body)
		_, _ = w.Write(b)
	}))
	defer backend.Close()
	px := latproxy.Start(t, backend.URL, latproxy.Options{Latency: 20 * time.Millisecond})
	post := func() (int, string) {
		resp, err := http.Post(px.URL, "application/x-www-form-urlencoded", strings.NewReader(url.Values{"Action": {"CreateUser"}}.Encode()))
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		return resp.StatusCode, string(b)
	}
	start := time.Now()
	code, body := post()
	if d := time.Since(start); d < 20*time.Millisecond {
		t.Errorf("answered in %v, before the latency", d)
	}
	if code != 200 || body != "Action=CreateUser" {
		t.Errorf("forwarded: %d %q", code, body)
	}
	px.SetOptions(latproxy.Options{Throttle: 1})
	code, body = post()
	if code != 400 || !strings.Contains(body, "<Code>Throttling</Code>") {
		t.Errorf("throttled: %d %q", code, body)
	}
	if px.Calls("CreateUser") != 2 || px.Calls("") != 2 || px.Throttled("") != 1 {
		t.Errorf("calls %d, throttled %d", px.Calls(""), px.Throttled(""))
	}
	px.SetOptions(latproxy.Options{Throttle: 0.5, Seed: 1})
	for range 200 {
		post()
	}
	if n := px.Throttled(""); n < 60+1 || n > 140+1 {
		t.Errorf("%d of 200 throttled at 50%%", n-1)
	}
	px.Reset()
	if px.Calls("") != 0 {
		t.Error("Reset kept counts")
	}
}

func TestStats(t *testing.T) {
	backend := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		time.Sleep(10 * time.Millisecond)
	}))
	defer backend.Close()
	px := latproxy.Start(t, backend.URL, latproxy.Options{Latency: 40 * time.Millisecond})
	var wg sync.WaitGroup
	for range 8 {
		wg.Go(func() {
			resp, err := http.Post(px.URL, "application/x-www-form-urlencoded", strings.NewReader("Action=GetUser"))
			if err != nil {
				t.Error(err)
				return
			}
			resp.Body.Close()
		})
	}
	wg.Wait()
	s := px.Stats()
	if s.PeakInFlight != 8 {
		t.Errorf("peak in flight %d, want 8", s.PeakInFlight)
	}
	// All 8 overlap for at least the 40ms latency of a ≥50ms span.
	if s.MeanInFlight < 4 || s.MeanInFlight > 8 {
		t.Errorf("mean in flight %.2f over %v", s.MeanInFlight, s.Span)
	}
	if s.Upstream < 10*time.Millisecond || s.Upstream > s.Span {
		t.Errorf("upstream %v", s.Upstream)
	}
	px.Reset()
	if s := px.Stats(); s != (latproxy.Stats{}) {
		t.Errorf("after Reset: %+v", s)
	}
}
