// Package provider opens iamkit providers by URL, the way database/sql
// opens drivers by name and Go CDK opens buckets by URL.
//
// A program imports the adapters it uses for their side effect, then opens
// one by URL:
//
//	import (
//		"github.com/iamkit/iamkit/provider"
//		_ "github.com/iamkit/iamkit/aws"
//	)
//
//	p, err := provider.Open(ctx, "aws://?region=eu-west-3")
//
// The in-memory fake, "memory://", is always registered. Credentials never
// come from the URL: each adapter reads its cloud's usual places.
package provider

import (
	"context"
	"errors"
	"fmt"
	"net/url"
	"slices"
	"strings"
	"sync"

	"github.com/iamkit/iamkit/iam"
)

// Opener opens a provider from its URL. Adapters register one per scheme.
type Opener func(ctx context.Context, u *url.URL) (iam.Provider, error)

var (
	mu      sync.RWMutex
	openers = map[string]Opener{}
)

// Register makes a provider available under scheme, which must be lower
// case, as url.Parse returns schemes. It panics if scheme is empty, not
// lower case or already registered, or if open is nil, as
// database/sql.Register does: these are programming errors found at
// start-up.
func Register(scheme string, open Opener) {
	mu.Lock()
	defer mu.Unlock()
	if scheme == "" || strings.ToLower(scheme) != scheme {
		panic(fmt.Sprintf("provider: Register: scheme %q must be non-empty lower case", scheme))
	}
	if open == nil {
		panic("provider: Register: nil opener for " + scheme)
	}
	if _, dup := openers[scheme]; dup {
		panic("provider: Register called twice for " + scheme)
	}
	openers[scheme] = open
}

// Schemes returns the registered schemes, sorted.
func Schemes() []string {
	mu.RLock()
	defer mu.RUnlock()
	s := make([]string, 0, len(openers))
	for k := range openers {
		s = append(s, k)
	}
	slices.Sort(s)
	return s
}

// Open opens the provider that rawURL names, such as "memory://",
// "aws://?region=eu-west-3" or "openstack://?cloud=ovhcloud". A malformed
// URL or an unknown scheme is an error of kind iam.ErrInvalid whose message
// lists the registered schemes.
func Open(ctx context.Context, rawURL string) (iam.Provider, error) {
	u, err := url.Parse(rawURL)
	if err != nil {
		// url.Parse's error quotes the whole URL, credentials included.
		var ue *url.Error
		if errors.As(err, &ue) {
			err = ue.Err
		}
		return nil, &iam.Error{Op: "Open", Kind: iam.ErrInvalid, Msg: "malformed provider URL", Err: err}
	}
	if u.Scheme == "" {
		return nil, &iam.Error{Op: "Open", Resource: fmt.Sprintf("%q", u.Redacted()), Kind: iam.ErrInvalid,
			Msg: "provider URL has no scheme; registered: " + strings.Join(Schemes(), ", ")}
	}
	if u.User != nil {
		// Refuse rather than echo: credentials in a URL end up in logs.
		return nil, &iam.Error{Op: "Open", Resource: u.Scheme + "://", Kind: iam.ErrInvalid,
			Msg: "provider URLs carry no credentials; use the cloud's usual credential files or variables"}
	}
	mu.RLock()
	open, ok := openers[u.Scheme]
	mu.RUnlock()
	if !ok {
		return nil, &iam.Error{Op: "Open", Resource: u.Scheme + "://", Kind: iam.ErrInvalid,
			Msg: fmt.Sprintf("unknown provider scheme %q; registered: %s (did you import the adapter?)", u.Scheme, strings.Join(Schemes(), ", "))}
	}
	if err := ctx.Err(); err != nil {
		return nil, &iam.Error{Op: "Open", Resource: u.Scheme + "://", Err: err}
	}
	return open(ctx, u)
}
