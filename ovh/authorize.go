package ovh

import (
	"context"
	"encoding/json"
	"net/http"
	"slices"
	"strings"

	goovh "github.com/ovh/go-ovh/ovh"
	"golang.org/x/oauth2"
	"golang.org/x/oauth2/clientcredentials"

	"github.com/iamkit/iamkit/iam"
	"github.com/iamkit/iamkit/policy"
)

// tokenURLs are the OAuth2 token endpoints of OVHcloud's APIs (as go-ovh
// has them).
var tokenURLs = map[string]string{
	goovh.OvhEU: "https://www.ovh.com/auth/oauth2/token",
	goovh.OvhCA: "https://ca.ovh.com/auth/oauth2/token",
	goovh.OvhUS: "https://us.ovhcloud.com/auth/oauth2/token",
}

// Authorize answers what OVHcloud IAM answers a call made with an access
// key (keyID and secret, as CreateAccessKey returned them): nil when its
// identity may do action on resource, else an error of kind ErrDenied
// (also for a key that was deleted or has expired). It asks
// /v2/iam/resource/{urn}/authorization/check as that identity: with an
// OAuth2 token obtained with a service account's client id and secret, or,
// with Options.LocalUsers, with the personal access token itself as the
// bearer (its name, keyID, is not needed to authenticate). action is a
// native "ovh:" action, such as
// "ovh:publicCloudProject:openstack:infrastructureSupervisor"; resource is
// "project/<id>" or a resource URN.
func (p *Provider) Authorize(ctx context.Context, keyID string, secret iam.Secret, action, resource string) error {
	const op = "Authorize"
	cloud, name, ok := policy.Action(action).Native()
	if !ok || cloud != policy.CloudOVH || strings.ContainsAny(name, "*?") {
		return fail(op, action, iam.ErrInvalid, `action must be one native OVHcloud action, such as "ovh:publicCloudProject:openstack:infrastructureSupervisor"`)
	}
	urn := resource
	if id, ok := policy.Resource(resource).Project(); ok {
		urn = ProjectURN(p.region, id)
	} else if !strings.HasPrefix(resource, "urn:") {
		return fail(op, resource, iam.ErrInvalid, `resource must be "project/<id>" or a resource URN`)
	}
	if keyID == "" || secret.IsZero() {
		return fail(op, "", iam.ErrInvalid, "the key ID and secret are required")
	}
	if p.local {
		return p.check(ctx, op, urn, name, secret.Reveal(), "this local user")
	}
	tokenURL := p.tokenURL
	if tokenURL == "" {
		tokenURL = tokenURLs[p.c.Endpoint()]
	}
	if tokenURL == "" {
		return fail(op, "", iam.ErrUnsupported, "no OAuth2 token endpoint is known for "+p.c.Endpoint()+"; set Options.TokenURL")
	}
	cc := clientcredentials.Config{ClientID: keyID, ClientSecret: secret.Reveal(), TokenURL: tokenURL, Scopes: []string{"all"}}
	p.sent.Add(1)
	tok, err := cc.Token(context.WithValue(ctx, oauth2.HTTPClient, p.hc))
	if err != nil {
		return wrap(op, "", err)
	}
	return p.check(ctx, op, urn, name, tok.AccessToken, "this service account")
}

// check asks IAM, with bearer as the credential, whether its identity
// (who, for the message) may do action on resource urn.
func (p *Provider) check(ctx context.Context, op, urn, action, bearer, who string) error {
	base := p.c.Endpoint()
	path := "/v2/iam/resource/" + esc(urn) + "/authorization/check"
	target := base + path
	if strings.HasSuffix(base, "/1.0") {
		target = strings.TrimSuffix(base, "/1.0") + path
	}
	body, _ := json.Marshal(map[string][]string{"actions": {action}})
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, target, strings.NewReader(string(body)))
	if err != nil {
		return wrap(op, urn, err)
	}
	req.Header.Set("Content-Type", "application/json;charset=utf-8")
	req.Header.Set("Accept", "application/json")
	req.Header.Set("Authorization", "Bearer "+bearer)
	p.sent.Add(1)
	resp, err := p.hc.Do(req)
	if err != nil {
		return wrap(op, urn, err)
	}
	var out struct {
		Authorized []string `json:"authorizedActions"`
	}
	if err := p.c.UnmarshalResponse(resp, &out); err != nil {
		return wrap(op, urn, err)
	}
	if !slices.Contains(out.Authorized, action) {
		return fail(op, urn, iam.ErrDenied, "OVHcloud IAM does not allow "+action+" to "+who)
	}
	return nil
}
