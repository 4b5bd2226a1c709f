package ovhfake

import (
	"crypto/sha1"
	"crypto/subtle"
	"encoding/hex"
	"net/http"
	"sort"
	"strconv"
	"strings"
	"time"
)

// authenticate checks the request's credentials: a bearer token (an
// OAuth2 access token or a personal access token the fake issued), or
// go-ovh's signature scheme:
//
//	X-Ovh-Signature: "$1$" + hex(sha1(AS+"+"+CK+"+"+METHOD+"+"+URL+"+"+BODY+"+"+TS))
//
// where URL is the full URL the client targeted (query included) and TS
// the X-Ovh-Timestamp header. A refusal is a broken contract (the client
// sent credentials it should know are wrong) unless runtime says it is
// one the API makes to a well-behaved client: a personal access token
// that expired or was deleted (revoking a PAT is how its owner stops it).
func (s *Server) authenticate(r *http.Request, body []byte) (who caller, refusal *apiError, runtime bool) {
	if a := r.Header.Get("Authorization"); a != "" {
		tok, ok := strings.CutPrefix(a, "Bearer ")
		if !ok {
			return caller{}, errInvalidToken.with("Authorization must be a Bearer token"), false
		}
		now := s.opts.Now()
		s.mu.Lock()
		defer s.mu.Unlock()
		if ti, found := s.st.tokens[tok]; found {
			if !now.Before(ti.expires) {
				return caller{}, errInvalidToken.with("This access token has expired"), false
			}
			return ti.who, nil, false
		}
		if t, found := s.st.patIx[tok]; found {
			if t.ExpiresAt != nil && !now.Before(*t.ExpiresAt) {
				return caller{}, errInvalidToken.with("This personal access token has expired"), true
			}
			used := s.now()
			t.LastUsed = &used
			return caller{user: t.user}, nil, false
		}
		if s.st.revoked[tok] {
			return caller{}, errInvalidToken.with("This personal access token has been revoked"), true
		}
		return caller{}, &errInvalidToken, false
	}
	app := r.Header.Get("X-Ovh-Application")
	if app == "" {
		return caller{}, &errNotCredential, false
	}
	if app != s.opts.AppKey {
		return caller{}, &errInvalidKey, false
	}
	ck := r.Header.Get("X-Ovh-Consumer")
	if ck == "" {
		return caller{}, &errNotCredential, false
	}
	if ck != s.opts.ConsumerKey {
		return caller{}, &errInvalidCredential, false
	}
	tsHdr := r.Header.Get("X-Ovh-Timestamp")
	ts, err := strconv.ParseInt(tsHdr, 10, 64)
	if err != nil {
		return caller{}, errQueryTimeDrift.with("Invalid X-Ovh-Timestamp %q", tsHdr), false
	}
	if d := s.opts.Now().Sub(time.Unix(ts, 0)); d > MaxClockSkew || d < -MaxClockSkew {
		return caller{}, &errQueryTimeDrift, false
	}
	full := "http://" + r.Host + r.URL.RequestURI()
	sum := sha1.Sum([]byte(s.opts.AppSecret + "+" + ck + "+" + r.Method + "+" + full + "+" + string(body) + "+" + tsHdr))
	want := "$1$" + hex.EncodeToString(sum[:])
	if subtle.ConstantTimeCompare([]byte(want), []byte(r.Header.Get("X-Ovh-Signature"))) != 1 {
		return caller{}, &errInvalidSignature, false
	}
	return caller{root: true}, nil, false
}

// token serves the OAuth2 client-credentials grant (RFC 6749 4.4), client
// authenticated by HTTP Basic or by form fields, scope "all" required.
func (s *Server) token(w http.ResponseWriter, r *http.Request) {
	fail := func(e oauthError, contract bool) {
		if contract {
			s.contractf("POST %s: token refused: %s (%s)", TokenPath, e.Error, e.Desc)
		}
		s.writeJSON(w, e.Status, e)
	}
	if r.Method != http.MethodPost {
		fail(oauthError{Status: http.StatusMethodNotAllowed, Error: "invalid_request"}, true)
		return
	}
	if err := r.ParseForm(); err != nil {
		fail(oauthError{Status: http.StatusBadRequest, Error: "invalid_request", Desc: err.Error()}, true)
		return
	}
	if g := r.PostForm.Get("grant_type"); g != "client_credentials" {
		fail(errOAuthUnsupportedGrt, true)
		return
	}
	id, secret, basic := r.BasicAuth()
	if !basic {
		id, secret = r.PostForm.Get("client_id"), r.PostForm.Get("client_secret")
	}
	if !strings.Contains(" "+r.PostForm.Get("scope")+" ", " all ") {
		fail(errOAuthInvalidScope, true)
		return
	}
	var who caller
	s.mu.Lock()
	c, ok := s.st.clients[id]
	s.mu.Unlock()
	switch {
	case id == s.opts.ClientID && secret == s.opts.ClientSecret:
		who = caller{root: true}
	case ok && c.secret == secret && c.Flow == "CLIENT_CREDENTIALS":
		who = caller{clientID: id}
	default:
		// x/oauth2 retries with form fields when Basic fails: not a
		// contract breach on the first try.
		fail(errOAuthInvalidClient, !basic)
		return
	}
	tok := randHex(32)
	s.mu.Lock()
	s.st.tokens[tok] = tokenInfo{who: who, expires: s.opts.Now().Add(TokenLifetime)}
	s.mu.Unlock()
	w.Header().Set("Cache-Control", "no-store")
	s.writeJSON(w, http.StatusOK, map[string]any{
		"access_token": tok, "token_type": "Bearer", "expires_in": int(TokenLifetime.Seconds()), "scope": "all",
	})
}

// authorizeCall enforces the operation's x-iam-actions (from the spec) on
// the account resource for callers other than the account itself.
func (s *Server) authorizeCall(who caller, rt *route) *apiError {
	if who.root {
		return nil
	}
	var needed []string
	if raw, ok := rt.op.Extensions["x-iam-actions"].([]any); ok {
		for _, a := range raw {
			m, _ := a.(map[string]any)
			name, _ := m["name"].(string)
			if req, _ := m["required"].(bool); req && name != "" {
				needed = append(needed, name)
			}
		}
	}
	if len(needed) == 0 {
		return nil
	}
	account := "urn:v1:" + s.opts.Region + ":resource:account:" + s.opts.NIC
	s.mu.Lock()
	all := s.mayAll(who)
	ids := s.identitiesOf(who)
	var missing []string
	for _, a := range needed {
		if !all && !s.st.allowed(ids, account, a, s.opts.Now()) {
			missing = append(missing, a)
		}
	}
	s.mu.Unlock()
	if len(missing) == 0 {
		return nil
	}
	sort.Strings(missing)
	e := errForbidden
	e.Details = map[string]string{"unauthorizedActionsByIAM": strings.Join(missing, ", ")}
	return &e
}

// identitiesOf returns the identity URNs a caller acts as: a local user
// acts as itself and as its group (a policy naming the group applies to
// its members). Under s.mu.
func (s *Server) identitiesOf(who caller) []string {
	switch {
	case who.root:
		return []string{"urn:v1:" + s.opts.Region + ":identity:account:" + s.opts.NIC}
	case who.user != "":
		ids := []string{s.userURN(who.user)}
		if u, ok := s.st.users[who.user]; ok && u.Group != "" {
			ids = append(ids, s.groupURN(u.Group))
		}
		return ids
	}
	return []string{s.CredentialURN(who.clientID)}
}

// mayAll reports whether the caller may do everything: the account
// itself, or a local user of a group whose role is ADMIN. (The rights of
// the REGULAR and UNPRIVILEGED roles are not modelled: they grant nothing
// beyond the policies here, the stricter reading.) Under s.mu.
func (s *Server) mayAll(who caller) bool {
	if who.root {
		return true
	}
	if who.user == "" {
		return false
	}
	u, ok := s.st.users[who.user]
	if !ok {
		return false
	}
	g, ok := s.group(u.Group)
	return ok && g.Role == "ADMIN"
}
