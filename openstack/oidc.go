package openstack

import (
	"context"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"net/url"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/gophercloud/gophercloud/v2"
	gcopenstack "github.com/gophercloud/gophercloud/v2/openstack"

	"github.com/iamkit/iamkit/iam"
)

// The OIDC client-credentials flow (v3oidcclientcredentials), which
// gophercloud lacks. It follows keystoneauth1's OidcClientCredentials:
//
//  1. the token endpoint is AccessTokenEndpoint, or the discovery
//     document's token_endpoint;
//  2. POST grant_type=client_credentials&scope=… to it, the client
//     authenticated with HTTP Basic (id, secret), and take the answer's
//     access_token or id_token (AccessTokenType);
//  3. POST {AuthURL}/OS-FEDERATION/identity_providers/{idp}/protocols/{protocol}/auth
//     with "Authorization: Bearer <that token>": Keystone maps the token's
//     claims to a federated user and answers with an unscoped token in
//     X-Subject-Token;
//  4. exchange the unscoped token for a scoped one (token method of
//     POST /v3/auth/tokens), which carries the catalog.
//
// Renewal redoes all four steps: neither the IdP token nor the unscoped
// Keystone token outlives the scoped one.

// oidcOp is the Op of the OIDC flow's errors.
const oidcOp = "Authenticate"

// maxBody bounds what is read of an identity provider's or Keystone's
// answer.
const maxBody = 1 << 20

// authenticateOIDC runs the flow and returns the authenticated client, its
// ReauthFunc redoing the flow on a throwaway client and taking its token.
func (a Auth) authenticateOIDC(ctx context.Context) (*gophercloud.ProviderClient, error) {
	pc, err := a.newClient()
	if err != nil {
		return nil, authError(oidcOp, "", iam.ErrInvalid, "bad auth_url", err)
	}
	if err := a.oidcLogin(ctx, pc); err != nil {
		return nil, err
	}
	pc.ReauthFunc = func(ctx context.Context) error {
		fresh, err := a.newClient()
		if err != nil {
			return err
		}
		if err := a.oidcLogin(ctx, fresh); err != nil {
			return err
		}
		pc.CopyTokenFrom(fresh)
		return nil
	}
	return pc, nil
}

// oidcLogin runs the four steps, leaving pc holding a scoped token and its
// catalog.
func (a Auth) oidcLogin(ctx context.Context, pc *gophercloud.ProviderClient) error {
	endpoint := a.AccessTokenEndpoint
	if endpoint == "" {
		var err error
		if endpoint, err = a.discoverTokenEndpoint(ctx); err != nil {
			return err
		}
	}
	idpToken, err := a.clientCredentialsGrant(ctx, endpoint)
	if err != nil {
		return err
	}
	unscoped, err := a.federatedToken(ctx, idpToken)
	if err != nil {
		return err
	}
	opts := gophercloud.AuthOptions{IdentityEndpoint: a.AuthURL, TokenID: unscoped, Scope: a.scope()}
	if err := gcopenstack.Authenticate(ctx, pc, opts); err != nil {
		step := "exchanging the federated token for one scoped to " + a.scopeName()
		if gophercloud.ResponseCodeIs(err, http.StatusUnauthorized) || gophercloud.ResponseCodeIs(err, http.StatusForbidden) {
			step += " (the federated user has no role there, or it does not exist)"
		}
		return a.keystoneError(oidcOp, step, true, err, idpToken, unscoped)
	}
	return nil
}

// scopeName names the scope a asks for, for messages.
func (a Auth) scopeName() string {
	switch s := a.scope(); {
	case s == nil:
		return "nothing"
	case s.ProjectID != "":
		return "project " + s.ProjectID
	case s.ProjectName != "":
		return "project " + quote(s.ProjectName)
	case s.DomainID != "":
		return "domain " + s.DomainID
	default:
		return "domain " + quote(s.DomainName)
	}
}

// with returns a's secrets plus the given tokens, for the flow's errors.
func (a Auth) with(tokens ...string) oidcSecrets {
	return oidcSecrets{a: a, extra: tokens}
}

// oidcSecrets is an Auth plus the tokens obtained so far, all scrubbed
// from error messages.
type oidcSecrets struct {
	a     Auth
	extra []string
}

func (s oidcSecrets) all() []string { return append(s.a.secrets(), s.extra...) }

// fail returns an error of the flow, its cause scrubbed of every secret.
func (s oidcSecrets) fail(kind error, msg string, cause error) error {
	if errors.Is(cause, context.Canceled) || errors.Is(cause, context.DeadlineExceeded) {
		kind = nil
	}
	if se, ok := cause.(*httpStatusError); ok {
		// Scrub before Error clips the description, which could cut a
		// secret in two and show its first part.
		c := *se
		c.Code, c.Description = scrubString(c.Code, s.all()), scrubString(c.Description, s.all())
		cause = &c
	}
	return authError(oidcOp, "", kind, scrubString(msg, s.all()), scrub(cause, s.all()))
}

// scrubString replaces every secret in msg.
func scrubString(msg string, secrets []string) string {
	for _, v := range secrets {
		if v != "" {
			msg = strings.ReplaceAll(msg, v, "[REDACTED]")
		}
	}
	return msg
}

// httpStatusError is an unexpected HTTP answer of the identity provider or
// of Keystone's federation endpoint.
type httpStatusError struct {
	// Status is the HTTP status code.
	Status int
	// Code and Description are the OAuth2 error fields ("invalid_client"),
	// or Keystone's error title and message.
	Code, Description string
}

func (e *httpStatusError) Error() string {
	msg := "HTTP " + strconv.Itoa(e.Status)
	if e.Code != "" {
		msg += ": " + clip(e.Code, 64)
	}
	if e.Description != "" {
		msg += ": " + clip(e.Description, 200)
	}
	return msg
}

// clip returns the server's text s for a message: on one line, valid
// UTF-8, at most n bytes (cut between characters) plus "…".
func clip(s string, n int) string {
	s = strings.Map(func(r rune) rune {
		if unicode.IsControl(r) {
			return ' '
		}
		return r
	}, strings.ToValidUTF8(s, "\uFFFD"))
	if len(s) > n {
		for n > 0 && !utf8.RuneStart(s[n]) {
			n--
		}
		s = s[:n] + "…"
	}
	return s
}

// GetStatusCode returns the HTTP status, as gophercloud's errors do.
func (e *httpStatusError) GetStatusCode() int { return e.Status }

// newStatusError reads an error answer: OAuth2's {"error",
// "error_description"} or Keystone's {"error": {"title", "message"}}.
func newStatusError(status int, body []byte) *httpStatusError {
	e := &httpStatusError{Status: status}
	var oauth struct {
		Error       json.RawMessage `json:"error"`
		Description string          `json:"error_description"`
	}
	if json.Unmarshal(body, &oauth) != nil || len(oauth.Error) == 0 {
		return e
	}
	var code string
	if json.Unmarshal(oauth.Error, &code) == nil {
		e.Code, e.Description = code, oauth.Description
		return e
	}
	var ks struct {
		Title   string `json:"title"`
		Message string `json:"message"`
	}
	if json.Unmarshal(oauth.Error, &ks) == nil {
		e.Code, e.Description = ks.Title, ks.Message
	}
	return e
}

// send does req through a's HTTP client and returns the answer's status,
// headers and (bounded) body.
func (a Auth) send(req *http.Request) (*http.Response, []byte, error) {
	hc := a.HTTPClient
	if hc == nil {
		hc = http.DefaultClient
	}
	req.Header.Set("Accept", "application/json")
	resp, err := hc.Do(req)
	if err != nil {
		return nil, nil, err
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(io.LimitReader(resp.Body, maxBody))
	if err != nil {
		return nil, nil, err
	}
	return resp, body, nil
}

// transportFailure classifies an error of send at step.
func (s oidcSecrets) transportFailure(step string, err error) error {
	if isNetError(err) {
		return s.fail(iam.ErrThrottled, step+": cannot reach the server (retryable)", err)
	}
	return s.fail(iam.ErrInvalid, step+" failed", err)
}

// discoverTokenEndpoint reads token_endpoint from the discovery document.
func (a Auth) discoverTokenEndpoint(ctx context.Context) (string, error) {
	s := a.with()
	const step = discoveryStep
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, a.DiscoveryEndpoint, nil)
	if err != nil {
		return "", s.fail(iam.ErrInvalid, step+": bad URL", err)
	}
	resp, body, err := a.send(req)
	if err != nil {
		return "", s.transportFailure(step, err)
	}
	return s.tokenEndpointFrom(resp.StatusCode, body)
}

// discoveryStep names the discovery in messages.
const discoveryStep = "reading the OpenID Connect discovery document (discovery_endpoint)"

// tokenEndpointFrom reads token_endpoint from the identity provider's
// answer to the discovery request (status and body).
func (s oidcSecrets) tokenEndpointFrom(status int, body []byte) (string, error) {
	const step = discoveryStep
	if status != http.StatusOK {
		kind, why := authStatusKind(status)
		if kind == iam.ErrDenied {
			// The document is public: a refusal means a wrong URL.
			kind = iam.ErrInvalid
		}
		return "", s.fail(kind, step+": "+why, newStatusError(status, body))
	}
	var doc struct {
		TokenEndpoint       string   `json:"token_endpoint"`
		GrantTypesSupported []string `json:"grant_types_supported"`
	}
	if err := json.Unmarshal(body, &doc); err != nil {
		return "", s.fail(iam.ErrInvalid, step+": the answer is not a JSON discovery document", err)
	}
	if doc.TokenEndpoint == "" {
		return "", s.fail(iam.ErrInvalid, step+": the document has no token_endpoint (set access_token_endpoint)", nil)
	}
	// keystoneauth checks the grant too, when the provider lists them.
	if len(doc.GrantTypesSupported) > 0 && !slices.Contains(doc.GrantTypesSupported, "client_credentials") {
		return "", s.fail(iam.ErrInvalid, step+": the identity provider does not support the client_credentials grant", nil)
	}
	return doc.TokenEndpoint, nil
}

// clientCredentialsGrant obtains the identity provider's token for the
// client, of type AccessTokenType.
func (a Auth) clientCredentialsGrant(ctx context.Context, endpoint string) (string, error) {
	s := a.with()
	const step = grantStep
	scope := a.Scope
	if scope == "" {
		scope = DefaultOpenIDScope
	}
	form := url.Values{"grant_type": {"client_credentials"}, "scope": {scope}}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, endpoint, strings.NewReader(form.Encode()))
	if err != nil {
		return "", s.fail(iam.ErrInvalid, step+": bad token endpoint URL", err)
	}
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	// As keystoneauth (requests' HTTPBasicAuth): id and secret as they are.
	req.SetBasicAuth(a.ClientID, a.ClientSecret.Reveal())
	resp, body, err := a.send(req)
	if err != nil {
		return "", s.transportFailure(step, err)
	}
	return s.grantAnswer(resp.StatusCode, body, a.AccessTokenType)
}

// grantStep names the client-credentials grant in messages.
const grantStep = "client-credentials grant at the OIDC token endpoint"

// grantAnswer reads the token of type typ (AccessTokenType) from the token
// endpoint's answer (status and body).
func (s oidcSecrets) grantAnswer(status int, body []byte, typ string) (string, error) {
	const step = grantStep
	if status != http.StatusOK {
		se := newStatusError(status, body)
		kind, why := authStatusKind(status)
		switch se.Code {
		case "invalid_client", "unauthorized_client", "invalid_grant", "access_denied":
			kind, why = iam.ErrDenied, "the identity provider refused the client credentials (client_id, client_secret)"
		case "invalid_scope":
			kind, why = iam.ErrInvalid, "the identity provider refused the scope (openid_scope)"
		case "unsupported_grant_type", "invalid_request":
			kind, why = iam.ErrInvalid, "the identity provider refused the request"
		}
		return "", s.fail(kind, step+": "+why, se)
	}
	var answer map[string]any
	if err := json.Unmarshal(body, &answer); err != nil {
		return "", s.fail(iam.ErrInvalid, step+": the answer is not JSON", err)
	}
	if typ == "" {
		typ = AccessTokenTypeAccess
	}
	tok, _ := answer[typ].(string)
	if tok == "" {
		msg := step + ": the answer has no " + typ + " (access_token_type)"
		if typ == AccessTokenTypeID {
			msg += "; an ID token needs \"openid\" in openid_scope"
		}
		return "", s.fail(iam.ErrInvalid, msg, nil)
	}
	return tok, nil
}

// versionedV3 matches an identity URL that ends with its API version.
var versionedV3 = regexp.MustCompile(`/v3(\.\d+)?$`)

// federatedToken trades the identity provider's token for Keystone's
// unscoped federated token.
func (a Auth) federatedToken(ctx context.Context, idpToken string) (string, error) {
	s := a.with(idpToken)
	step := "federated authentication at Keystone (identity provider " + quote(a.IdentityProvider) + ", protocol " + quote(a.Protocol) + ")"
	base := strings.TrimRight(a.AuthURL, "/")
	if !versionedV3.MatchString(base) {
		base += "/v3"
	}
	u := base + "/OS-FEDERATION/identity_providers/" + url.PathEscape(a.IdentityProvider) +
		"/protocols/" + url.PathEscape(a.Protocol) + "/auth"
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, u, nil)
	if err != nil {
		return "", s.fail(iam.ErrInvalid, step+": bad auth_url", err)
	}
	req.Header.Set("Authorization", "Bearer "+idpToken)
	resp, body, err := a.send(req)
	if err != nil {
		return "", s.transportFailure(step, err)
	}
	if resp.StatusCode != http.StatusCreated && resp.StatusCode != http.StatusOK {
		kind, why := authStatusKind(resp.StatusCode)
		if kind == iam.ErrDenied {
			why = "Keystone refused the identity provider's token (expired or invalid, or not mapped to a user)"
		}
		if resp.StatusCode == http.StatusNotFound {
			why = "Keystone has no such identity provider or protocol (identity_provider, protocol)"
		}
		return "", s.fail(kind, step+": "+why, newStatusError(resp.StatusCode, body))
	}
	tok := resp.Header.Get("X-Subject-Token")
	if tok == "" {
		return "", s.fail(iam.ErrInvalid, step+": Keystone's answer has no X-Subject-Token", nil)
	}
	return tok, nil
}
