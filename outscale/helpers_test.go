package outscale_test

import (
	"context"
	"testing"
	"time"

	"github.com/iamkit/iamkit/iam"
	"github.com/iamkit/iamkit/internal/oscfake"
	"github.com/iamkit/iamkit/outscale"
)

// noSleep makes retries immediate: the tests never sleep.
func noSleep(ctx context.Context, _ time.Duration) error { return ctx.Err() }

// newFake starts a fake in region and returns a provider on it with the
// root credentials.
func newFake(t *testing.T, opts oscfake.Options) (*oscfake.Server, *outscale.Provider) {
	t.Helper()
	srv := oscfake.New(t, opts)
	return srv, providerFor(t, srv, 2)
}

func providerFor(t *testing.T, srv *oscfake.Server, pageSize int) *outscale.Provider {
	t.Helper()
	ak, sk := srv.RootCredentials()
	p, err := outscale.New(t.Context(), outscale.Options{
		Region: srv.Region(), Endpoint: srv.Endpoint(), AccessKey: ak, SecretKey: iam.NewSecret(sk),
		HTTPClient: srv.HTTPClient(), PageSize: pageSize,
		Retry: outscale.RetryOptions{Sleep: noSleep},
	})
	if err != nil {
		t.Fatal(err)
	}
	return p
}
