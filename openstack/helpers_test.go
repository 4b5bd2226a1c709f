package openstack_test

import (
	"crypto/rand"
	"encoding/hex"
	"io"
	"net/http"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/gophercloud/gophercloud/v2"
	gos "github.com/gophercloud/gophercloud/v2/openstack"

	"github.com/iamkit/iamkit/iam"
	"github.com/iamkit/iamkit/internal/keystone"
	"github.com/iamkit/iamkit/openstack"
)

// requestTimeout bounds each request to the test Keystone, so that one that
// never returns fails its test, and TestMain prints what the server was
// doing, instead of the whole package timing out. Keystone answers in
// milliseconds; its reaper ends a stuck transaction within about 20 s.
const requestTimeout = 2 * time.Minute

// counting counts the requests it sends.
type counting struct {
	base http.RoundTripper
	n    atomic.Int64
}

func (c *counting) RoundTrip(r *http.Request) (*http.Response, error) {
	c.n.Add(1)
	return c.base.RoundTrip(r)
}

// adminClient authenticates as the server's admin through a counting
// transport.
func adminClient(t testing.TB, srv *keystone.Server) (*gophercloud.ProviderClient, *counting) {
	t.Helper()
	pc, err := gos.NewClient(srv.AuthURL)
	if err != nil {
		t.Fatal(err)
	}
	c := &counting{base: http.DefaultTransport}
	pc.HTTPClient = http.Client{Transport: c, Timeout: requestTimeout}
	opts := srv.AuthOptions()
	opts.AllowReauth = true
	if err := gos.Authenticate(t.Context(), pc, opts); err != nil {
		t.Fatalf("authenticate as admin at %s: %v", srv.AuthURL, err)
	}
	return pc, c
}

// providerVia returns a provider on the server's admin project whose
// requests, authentication included, go through rt.
func providerVia(t testing.TB, srv *keystone.Server, rt http.RoundTripper) *openstack.Provider {
	t.Helper()
	pc, err := gos.NewClient(srv.AuthURL)
	if err != nil {
		t.Fatal(err)
	}
	pc.HTTPClient = http.Client{Transport: rt, Timeout: requestTimeout}
	if err := gos.Authenticate(t.Context(), pc, srv.AuthOptions()); err != nil {
		t.Fatalf("authenticate as admin at %s: %v", srv.AuthURL, err)
	}
	p, err := openstack.New(t.Context(), openstack.Options{Client: pc, Region: srv.Region})
	if err != nil {
		t.Fatalf("openstack.New: %v", err)
	}
	return p
}

// unavailable is Keystone's 503 answer to r, for injected failures.
func unavailable(r *http.Request) *http.Response {
	body := `{"error":{"code":503,"message":"injected failure","title":"Service Unavailable"}}`
	return &http.Response{StatusCode: http.StatusServiceUnavailable, Status: "503 Service Unavailable", Request: r,
		Header: http.Header{"Content-Type": {"application/json"}}, Body: io.NopCloser(strings.NewReader(body))}
}

// newProvider returns a provider on the server's admin project.
func newProvider(t testing.TB, srv *keystone.Server) (*openstack.Provider, *counting) {
	t.Helper()
	return keysProvider(t, srv, openstack.ApplicationCredentials, false)
}

// keysProvider returns a provider on the server's admin project making
// keys of kind, allowed wider than their policies when wide.
func keysProvider(t testing.TB, srv *keystone.Server, kind iam.KeyKind, wide bool) (*openstack.Provider, *counting) {
	t.Helper()
	pc, c := adminClient(t, srv)
	p, err := openstack.New(t.Context(), openstack.Options{Client: pc, Region: srv.Region, Keys: kind, AllowWideKeys: wide})
	if err != nil {
		t.Fatalf("openstack.New: %v", err)
	}
	return p, c
}

// randomName returns 8 random lower-case hex digits.
func randomName() string {
	b := make([]byte, 4)
	rand.Read(b)
	return hex.EncodeToString(b)
}
