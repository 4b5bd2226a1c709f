package ovh

import (
	"context"
	"fmt"
	"net/url"
	"sort"
	"strings"

	goovh "github.com/ovh/go-ovh/ovh"

	"github.com/iamkit/iamkit/iam"
)

// openURL opens "ovh://ENDPOINT" ("ovh-eu", "ovh-ca", "ovh-us") or
// "ovh://?endpoint=URL".
func openURL(ctx context.Context, u *url.URL) (iam.Provider, error) {
	opts, err := optionsFromURL(u)
	if err != nil {
		return nil, err
	}
	return New(ctx, opts)
}

func optionsFromURL(u *url.URL) (Options, error) {
	bad := func(msg string) error { return fail("Open", "ovh://", iam.ErrInvalid, msg) }
	var opts Options
	if u.Opaque != "" || (u.Path != "" && u.Path != "/") || u.Port() != "" || u.User != nil {
		return opts, bad("ovh://ENDPOINT takes no path, port or user; use ?endpoint= for a URL")
	}
	if h := u.Hostname(); h != "" {
		if _, ok := goovh.Endpoints[h]; !ok || !strings.HasPrefix(h, "ovh-") {
			return opts, bad(fmt.Sprintf("unknown endpoint %q: want ovh-eu, ovh-ca or ovh-us, or ?endpoint=URL", h))
		}
		opts.Endpoint = h
	}
	var unknown []string
	for k, vs := range u.Query() {
		v := vs[len(vs)-1]
		if len(vs) > 1 && (k == "endpoint" || k == "region") {
			return opts, bad("setting " + k + " is repeated")
		}
		switch k {
		case "endpoint":
			if opts.Endpoint != "" {
				return opts, bad("give the endpoint either as the host or as ?endpoint=, not both")
			}
			if pu, err := url.Parse(v); err != nil || (pu.Scheme != "https" && pu.Scheme != "http") || pu.Host == "" {
				return opts, bad(fmt.Sprintf("endpoint %q is not an http(s) URL", v))
			}
			opts.Endpoint = strings.TrimSuffix(v, "/")
		case "region":
			opts.Region = v
		default:
			unknown = append(unknown, k)
		}
	}
	if len(unknown) > 0 {
		sort.Strings(unknown)
		return opts, bad(fmt.Sprintf("unknown setting(s) %s; known: endpoint, region (credentials come from ovh.conf or OVH_* variables)", strings.Join(unknown, ", ")))
	}
	return opts, nil
}
