package openstack

import (
	"context"
	"errors"
	"maps"
	"net"
	"net/http"
	"slices"
	"strings"

	"github.com/gophercloud/gophercloud/v2"
	gcopenstack "github.com/gophercloud/gophercloud/v2/openstack"

	"github.com/iamkit/iamkit/iam"
)

// The auth types Auth understands, spelt as keystoneauth, the OpenStack CLI
// and clouds.yaml spell them.
const (
	// AuthTypePassword authenticates with a user's password.
	AuthTypePassword = "password"
	// AuthTypeV3Password is the identity-v3-only name of AuthTypePassword.
	AuthTypeV3Password = "v3password"
	// AuthTypeApplicationCredential authenticates with an application
	// credential (id, or name and user, plus secret).
	AuthTypeApplicationCredential = "v3applicationcredential"
	// AuthTypeToken authenticates with an existing Keystone token.
	AuthTypeToken = "token"
	// AuthTypeV3Token is the identity-v3-only name of AuthTypeToken.
	AuthTypeV3Token = "v3token"
	// AuthTypeOIDCClientCredentials authenticates an OAuth2 client (such as
	// an OVHcloud service account) through Keystone federation: OpenID
	// Connect client-credentials grant, then a federated Keystone token.
	AuthTypeOIDCClientCredentials = "v3oidcclientcredentials"
)

// The OIDC token types Keystone may be handed (Auth.AccessTokenType).
const (
	// AccessTokenTypeAccess hands Keystone the OAuth2 access token.
	AccessTokenTypeAccess = "access_token"
	// AccessTokenTypeID hands Keystone the OpenID Connect ID token, as the
	// OVHcloud guide configures it.
	AccessTokenTypeID = "id_token"
)

// DefaultOpenIDScope is the OpenID Connect scope requested when Auth.Scope is
// empty; it is keystoneauth's default.
const DefaultOpenIDScope = "openid profile"

// authProviderName is the Provider of the errors this file returns.
const authProviderName = "openstack"

// Auth holds everything needed to reach and authenticate to Keystone v3,
// with the settings and meanings of the OpenStack CLI (clouds.yaml keys and
// OS_* variables, named in each field's json tag). LoadAuth fills one from
// clouds.yaml or the environment; Authenticate turns it into an
// authenticated gophercloud client.
//
// The secret fields are iam.Secret: printing an Auth with any fmt verb, or
// marshalling it to JSON, never shows them.
type Auth struct {
	// AuthURL is Keystone's identity endpoint, such as
	// "https://auth.cloud.ovh.net/v3".
	AuthURL string `json:"auth_url,omitempty"`
	// AuthType is one of the AuthType… constants. Empty means inferred as
	// openstacksdk does: an application credential secret means
	// v3applicationcredential, a token means token, anything else password.
	AuthType string `json:"auth_type,omitempty"`

	// The user, for password auth and application credentials given by
	// name. A username needs the user's domain.
	Username       string `json:"username,omitempty"`
	UserID         string `json:"user_id,omitempty"`
	UserDomainName string `json:"user_domain_name,omitempty"`
	UserDomainID   string `json:"user_domain_id,omitempty"`
	// Password is the user's password (password auth).
	Password iam.Secret `json:"password,omitzero"`

	// The project the token is scoped to. A project name needs the
	// project's domain.
	ProjectName       string `json:"project_name,omitempty"`
	ProjectID         string `json:"project_id,omitempty"`
	ProjectDomainName string `json:"project_domain_name,omitempty"`
	ProjectDomainID   string `json:"project_domain_id,omitempty"`
	// The domain the token is scoped to when no project is given. With a
	// project, they are the default of the user's and the project's
	// domains instead, as in openstacksdk.
	DomainName string `json:"domain_name,omitempty"`
	DomainID   string `json:"domain_id,omitempty"`

	// The application credential (v3applicationcredential): its id, or its
	// name with the user owning it, and its secret.
	ApplicationCredentialID     string     `json:"application_credential_id,omitempty"`
	ApplicationCredentialName   string     `json:"application_credential_name,omitempty"`
	ApplicationCredentialSecret iam.Secret `json:"application_credential_secret,omitzero"`

	// Token is an existing Keystone token (token auth).
	Token iam.Secret `json:"token,omitzero"`

	// IdentityProvider and Protocol name Keystone's federation identity
	// provider and protocol (v3oidcclientcredentials), such as
	// "ovhcloud-emea" and "openid".
	IdentityProvider string `json:"identity_provider,omitempty"`
	Protocol         string `json:"protocol,omitempty"`
	// ClientID and ClientSecret are the OAuth2 client's credentials (an
	// OVHcloud service account's id and secret).
	ClientID     string     `json:"client_id,omitempty"`
	ClientSecret iam.Secret `json:"client_secret,omitzero"`
	// DiscoveryEndpoint is the OpenID Connect discovery document's URL
	// (".../.well-known/openid-configuration").
	DiscoveryEndpoint string `json:"discovery_endpoint,omitempty"`
	// AccessTokenEndpoint is the OAuth2 token endpoint; when set it
	// overrides the discovery document's.
	AccessTokenEndpoint string `json:"access_token_endpoint,omitempty"`
	// AccessTokenType says which token of the grant's answer Keystone gets:
	// AccessTokenTypeAccess (the default) or AccessTokenTypeID.
	AccessTokenType string `json:"access_token_type,omitempty"`
	// Scope is the OpenID Connect scope requested (clouds.yaml
	// "openid_scope", OS_OPENID_SCOPE); DefaultOpenIDScope when empty.
	Scope string `json:"openid_scope,omitempty"`

	// RegionName and Interface select the service endpoints of the
	// catalog (see EndpointOpts). Interface is "public" (the default),
	// "internal" or "admin".
	RegionName string `json:"region_name,omitempty"`
	Interface  string `json:"interface,omitempty"`

	// HTTPClient carries every request; nil means http.DefaultClient.
	HTTPClient *http.Client `json:"-"`
}

// authTypes maps every accepted auth type name to its canonical one.
var authTypes = map[string]string{
	AuthTypePassword:              AuthTypePassword,
	AuthTypeV3Password:            AuthTypePassword,
	AuthTypeApplicationCredential: AuthTypeApplicationCredential,
	AuthTypeToken:                 AuthTypeToken,
	AuthTypeV3Token:               AuthTypeToken,
	AuthTypeOIDCClientCredentials: AuthTypeOIDCClientCredentials,
}

// kind returns a's canonical auth type (password, v3applicationcredential,
// token or v3oidcclientcredentials), inferring it when AuthType is empty, or
// "" when AuthType is unknown.
func (a Auth) kind() string {
	switch t := strings.TrimSpace(a.AuthType); {
	case t != "":
		return authTypes[t]
	case !a.ApplicationCredentialSecret.IsZero() || a.ApplicationCredentialID != "":
		return AuthTypeApplicationCredential
	case !a.Token.IsZero():
		return AuthTypeToken
	}
	return AuthTypePassword
}

// projectScoped reports whether a names a project.
func (a Auth) projectScoped() bool { return a.ProjectID != "" || a.ProjectName != "" }

// resolved returns a with its defaults applied the way openstacksdk applies
// them: AuthType inferred when empty; with a project, DomainID/DomainName
// become the default user and project domains and no longer a scope.
func (a Auth) resolved() Auth {
	if a.AuthType == "" {
		a.AuthType = a.kind()
	}
	if a.projectScoped() {
		if a.UserDomainID == "" && a.UserDomainName == "" {
			a.UserDomainID, a.UserDomainName = a.DomainID, a.DomainName
		}
		if a.ProjectDomainID == "" && a.ProjectDomainName == "" {
			a.ProjectDomainID, a.ProjectDomainName = a.DomainID, a.DomainName
		}
		a.DomainID, a.DomainName = "", ""
	}
	return a
}

// Validate reports, as an error of kind iam.ErrInvalid naming what is
// missing or wrong, whether a is complete enough for its auth type.
func (a Auth) Validate() error {
	if msg := a.resolved().problem(settingKey); msg != "" {
		return authError("Authenticate", "", iam.ErrInvalid, msg, nil)
	}
	return nil
}

// settingKey names a setting by its clouds.yaml key.
func settingKey(key string) string { return key }

// problem says what is missing or wrong in a (already resolved) for its
// auth type, naming each setting with name(clouds.yaml key); "" when a is
// complete. It never quotes a secret.
func (a Auth) problem(name func(string) string) string {
	var missing []string
	need := func(ok bool, what string) {
		if !ok {
			missing = append(missing, what)
		}
	}
	either := func(a, b string) string { return name(a) + " or " + name(b) }
	need(a.AuthURL != "", name("auth_url"))
	userDomain := a.UserDomainID != "" || a.UserDomainName != ""
	projectDomain := a.ProjectDomainID != "" || a.ProjectDomainName != ""
	if a.ProjectName != "" && a.ProjectID == "" && !projectDomain {
		missing = append(missing, either("project_domain_name", "project_domain_id")+" (with "+name("project_name")+")")
	}
	kind := a.kind()
	switch kind {
	case "":
		supported := slices.Sorted(maps.Keys(authTypes))
		return "unknown auth type " + quote(a.AuthType) + " (" + name("auth_type") + "); supported: " + strings.Join(supported, ", ")
	case AuthTypePassword:
		need(a.UserID != "" || a.Username != "", either("username", "user_id"))
		if a.UserID == "" && a.Username != "" && !userDomain {
			missing = append(missing, either("user_domain_name", "user_domain_id")+" (with "+name("username")+")")
		}
		need(!a.Password.IsZero(), name("password"))
	case AuthTypeApplicationCredential:
		need(a.ApplicationCredentialID != "" || a.ApplicationCredentialName != "", either("application_credential_id", "application_credential_name"))
		if a.ApplicationCredentialID == "" && a.ApplicationCredentialName != "" {
			need(a.UserID != "" || a.Username != "", either("username", "user_id")+" (with "+name("application_credential_name")+")")
			if a.UserID == "" && a.Username != "" && !userDomain {
				missing = append(missing, either("user_domain_name", "user_domain_id")+" (with "+name("username")+")")
			}
		}
		need(!a.ApplicationCredentialSecret.IsZero(), name("application_credential_secret"))
	case AuthTypeToken:
		need(!a.Token.IsZero(), name("token"))
	case AuthTypeOIDCClientCredentials:
		need(a.IdentityProvider != "", name("identity_provider"))
		need(a.Protocol != "", name("protocol"))
		need(a.ClientID != "", name("client_id"))
		need(!a.ClientSecret.IsZero(), name("client_secret"))
		need(a.DiscoveryEndpoint != "" || a.AccessTokenEndpoint != "", either("discovery_endpoint", "access_token_endpoint"))
		// Keystone's federation answer is an unscoped token, which has no
		// catalog and may do nothing: a scope is required.
		need(a.projectScoped() || a.DomainID != "" || a.DomainName != "",
			"a scope: "+either("project_id", "project_name")+" (or "+either("domain_id", "domain_name")+")")
	}
	if msg := strings.Join(missing, ", "); msg != "" {
		return kind + " auth needs " + msg
	}
	if kind == AuthTypeOIDCClientCredentials {
		switch a.AccessTokenType {
		case "", AccessTokenTypeAccess, AccessTokenTypeID:
		default:
			return name("access_token_type") + " must be " + AccessTokenTypeAccess + " or " + AccessTokenTypeID + ", not " + quote(a.AccessTokenType)
		}
	}
	switch a.Interface {
	case "", "public", "publicURL", "internal", "internalURL", "admin", "adminURL":
	default:
		return name("interface") + " must be public, internal or admin, not " + quote(a.Interface)
	}
	return ""
}

// quote quotes a non-secret setting for a message, shortened.
func quote(s string) string {
	if len(s) > 64 {
		s = s[:64] + "…"
	}
	return `"` + s + `"`
}

// EndpointOpts returns the catalog selection (region and interface) for
// the service clients made from Authenticate's provider client.
func (a Auth) EndpointOpts() gophercloud.EndpointOpts {
	eo := gophercloud.EndpointOpts{Region: a.RegionName, Availability: gophercloud.AvailabilityPublic}
	switch a.Interface {
	case "internal", "internalURL":
		eo.Availability = gophercloud.AvailabilityInternal
	case "admin", "adminURL":
		eo.Availability = gophercloud.AvailabilityAdmin
	}
	return eo
}

// scope returns the token scope a asks for, or nil for none. a is resolved.
func (a Auth) scope() *gophercloud.AuthScope {
	switch {
	case a.ProjectID != "":
		return &gophercloud.AuthScope{ProjectID: a.ProjectID}
	case a.ProjectName != "":
		return &gophercloud.AuthScope{ProjectName: a.ProjectName, DomainID: a.ProjectDomainID, DomainName: a.ProjectDomainName}
	case a.DomainID != "":
		return &gophercloud.AuthScope{DomainID: a.DomainID}
	case a.DomainName != "":
		return &gophercloud.AuthScope{DomainName: a.DomainName}
	}
	return nil
}

// authOptions returns gophercloud's options for the password, application
// credential and token auth types. a is resolved and valid.
func (a Auth) authOptions() gophercloud.AuthOptions {
	o := gophercloud.AuthOptions{IdentityEndpoint: a.AuthURL, AllowReauth: true}
	switch a.kind() {
	case AuthTypePassword:
		o.Username, o.UserID, o.Password = a.Username, a.UserID, a.Password.Reveal()
		o.DomainID, o.DomainName = a.UserDomainID, a.UserDomainName
		o.Scope = a.scope()
	case AuthTypeApplicationCredential:
		// Keystone refuses a scope next to an application credential: the
		// credential carries its project.
		o.ApplicationCredentialID = a.ApplicationCredentialID
		o.ApplicationCredentialName = a.ApplicationCredentialName
		o.ApplicationCredentialSecret = a.ApplicationCredentialSecret.Reveal()
		if a.ApplicationCredentialID == "" {
			o.Username, o.UserID = a.Username, a.UserID
			o.DomainID, o.DomainName = a.UserDomainID, a.UserDomainName
		}
	case AuthTypeToken:
		o.TokenID = a.Token.Reveal()
		o.Scope = a.scope()
		// A token cannot be renewed by itself; gophercloud refuses reauth
		// for an unscoped pass-through token, and rescoping it again only
		// works while it is valid.
		o.AllowReauth = o.Scope != nil
	}
	return o
}

// secrets returns a's secret values, to be scrubbed from any message.
func (a Auth) secrets() []string {
	var out []string
	for _, s := range []iam.Secret{a.Password, a.ApplicationCredentialSecret, a.Token, a.ClientSecret} {
		if !s.IsZero() {
			out = append(out, s.Reveal())
		}
	}
	return out
}

// newClient returns an unauthenticated gophercloud provider client for
// AuthURL that sends its requests through a's HTTP client.
func (a Auth) newClient() (*gophercloud.ProviderClient, error) {
	pc, err := gcopenstack.NewClient(a.AuthURL)
	if err != nil {
		return nil, err
	}
	if a.HTTPClient != nil {
		pc.HTTPClient = *a.HTTPClient
	}
	pc.UserAgent.Prepend("iamkit")
	return pc, nil
}

// Authenticate authenticates to Keystone as a says and returns a gophercloud
// provider client holding the token and its service catalog, ready for
// gophercloud's service clients (with a.EndpointOpts()). Its ReauthFunc
// renews the token when Keystone answers 401 (except for token auth
// without a scope, since a token cannot renew itself).
//
// Errors are *iam.Error: iam.ErrInvalid for an incomplete or wrong
// configuration, iam.ErrDenied when Keystone or the identity provider
// refuses the credentials. No error message contains a secret or a token.
func (a Auth) Authenticate(ctx context.Context) (*gophercloud.ProviderClient, error) {
	a = a.resolved()
	if msg := a.problem(settingKey); msg != "" {
		return nil, authError("Authenticate", "", iam.ErrInvalid, msg, nil)
	}
	if a.kind() == AuthTypeOIDCClientCredentials {
		return a.authenticateOIDC(ctx)
	}
	pc, err := a.newClient()
	if err != nil {
		return nil, authError("Authenticate", "", iam.ErrInvalid, "bad auth_url", err)
	}
	if err := gcopenstack.Authenticate(ctx, pc, a.authOptions()); err != nil {
		return nil, a.keystoneError("Authenticate", a.kind()+" auth at Keystone", a.kind() == AuthTypeToken, err)
	}
	return pc, nil
}

// authError returns an *iam.Error of the auth code.
func authError(op, resource string, kind error, msg string, cause error) error {
	return &iam.Error{Provider: authProviderName, Op: op, Resource: resource, Kind: kind, Msg: msg, Err: cause}
}

// keystoneError classifies an error of a Keystone call made by gophercloud
// during step, with its cause scrubbed of a's secrets and of tokens.
// tokenMethod says the call authenticated with a token, which Keystone
// answers with 404 ("Could not recognize Fernet token") when it is expired
// or invalid.
func (a Auth) keystoneError(op, step string, tokenMethod bool, err error, tokens ...string) error {
	secrets := append(a.secrets(), tokens...)
	if errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded) {
		// The caller gave up: no kind, as elsewhere in iamkit.
		return &iam.Error{Provider: authProviderName, Op: op, Msg: step, Err: scrub(err, secrets)}
	}
	kind, why := iam.ErrInvalid, ""
	// gophercloud.ErrUnexpectedResponseCode and the OIDC flow's own
	// httpStatusError both tell their status this way.
	var coder interface{ GetStatusCode() int }
	switch {
	case tokenMethod && gophercloud.ResponseCodeIs(err, http.StatusNotFound):
		kind, why = iam.ErrDenied, "Keystone does not recognize the token (expired, revoked or invalid)"
	case errors.As(err, &coder):
		kind, why = authStatusKind(coder.GetStatusCode())
	case isNetError(err):
		kind, why = iam.ErrThrottled, "network error (retryable)"
	}
	msg := step + " failed"
	if why != "" {
		msg += ": " + why
	}
	return authError(op, "", kind, msg, scrub(err, secrets))
}

// isNetError reports a transport failure: the server could not be reached
// or did not answer.
func isNetError(err error) bool {
	var ne net.Error
	return errors.As(err, &ne)
}

// scrubbed hides secrets from the message of the error it wraps, which
// stays reachable with errors.Is and errors.As.
type scrubbed struct {
	err     error
	secrets []string
}

func (s *scrubbed) Error() string {
	msg := s.err.Error()
	for _, v := range s.secrets {
		if v != "" {
			msg = strings.ReplaceAll(msg, v, "[REDACTED]")
		}
	}
	return msg
}

func (s *scrubbed) Unwrap() error { return s.err }

// scrub wraps err so that its message never shows any of secrets.
func scrub(err error, secrets []string) error {
	if err == nil {
		return nil
	}
	return &scrubbed{err: err, secrets: secrets}
}
