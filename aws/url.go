package aws

import (
	"context"
	"net/url"
	"slices"
	"strings"

	"github.com/iamkit/iamkit/iam"
	"github.com/iamkit/iamkit/provider"
)

func init() { provider.Register("aws", openURL) }

// urlKeys are the settings an aws:// URL may carry.
var urlKeys = []string{"endpoint", "path", "profile", "region"}

// openURL opens "aws://?region=R&profile=P&endpoint=E&path=/iamkit/".
// Every setting is optional; credentials come from the AWS default chain
// (environment, shared files, SSO, instance roles), never from the URL.
func openURL(ctx context.Context, u *url.URL) (iam.Provider, error) {
	opts, err := ParseURL(u)
	if err != nil {
		return nil, err
	}
	return New(ctx, opts)
}

// ParseURL reads the Options an aws:// URL describes: region, profile,
// endpoint and path in the query, nothing in the host or path. An unknown
// setting, a repeated one, or credentials in the URL are ErrInvalid.
func ParseURL(u *url.URL) (Options, error) {
	bad := func(msg string) error { return fail("Open", "aws://", iam.ErrInvalid, msg, nil) }
	if u.Scheme != "aws" {
		return Options{}, bad("scheme is not aws")
	}
	if u.User != nil {
		return Options{}, bad("provider URLs carry no credentials; use the AWS default credential chain (environment, ~/.aws, SSO)")
	}
	if u.Host != "" || (u.Path != "" && u.Path != "/") || u.Opaque != "" || u.Fragment != "" {
		return Options{}, bad("aws:// takes no host or path; settings go in the query: aws://?region=R&profile=P&endpoint=E")
	}
	q, err := url.ParseQuery(u.RawQuery)
	if err != nil {
		return Options{}, bad("malformed query")
	}
	var o Options
	for k, vs := range q {
		if !slices.Contains(urlKeys, k) {
			return Options{}, bad("unknown setting " + strings.ToValidUTF8(k, "?") + "; known: " + strings.Join(urlKeys, ", "))
		}
		if len(vs) != 1 {
			return Options{}, bad("setting " + k + " is repeated")
		}
		switch v := vs[0]; k {
		case "region":
			o.Region = v
		case "profile":
			o.Profile = v
		case "endpoint":
			if msg := checkEndpoint(v); msg != "" {
				return Options{}, bad("endpoint: " + msg)
			}
			o.Endpoint = v
		case "path":
			if msg := checkPath(v); msg != "" {
				return Options{}, bad("path: " + msg)
			}
			o.Path = v
		}
	}
	return o, nil
}

// checkEndpoint returns why s is not a usable endpoint URL, or "".
func checkEndpoint(s string) string {
	e, err := url.Parse(s)
	switch {
	case err != nil:
		return "not a URL"
	case e.Scheme != "http" && e.Scheme != "https":
		return "must be an http or https URL"
	case e.Host == "":
		return "has no host"
	case e.User != nil:
		return "must carry no credentials"
	}
	return ""
}
