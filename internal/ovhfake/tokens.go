package ovhfake

import (
	"time"

	"github.com/ovh/go-ovh/ovh"
)

// Personal access tokens (PATs) of local users: me-v1.json's
// /me/identity/user/{user}/token and /me/identity/user/{user}/token/{name}
// (auth.PersonalAccessTokenRequest, auth.PersonalAccessTokenResponse,
// auth.PersonalAccessToken, auth.PersonalAccessTokenModifyRequest).
//
// OVHcloud's guide "How to configure a Personal Access Token (PAT)" says a
// PAT authenticates API calls as its local user with the Bearer scheme,
// with the rights the IAM policies give that user; it does not expire
// unless created with an expiry; deleting it revokes it at once; its value
// is shown once, at creation. The guide documents no cap on tokens per
// user and no rule for token names: the fake has no cap, and reads names
// as tokenName does.

// pat is a stored personal access token. The JSON form is
// auth.PersonalAccessToken (no token value).
type pat struct {
	Name        string     `json:"name"`
	Description string     `json:"description"`
	Creation    time.Time  `json:"creation"`
	ExpiresAt   *time.Time `json:"expiresAt"`
	LastUsed    *time.Time `json:"lastUsed"`
	user        string
	value       string
}

// patCreated is auth.PersonalAccessTokenResponse: the token and its value,
// answered once.
type patCreated struct {
	pat
	Token string `json:"token"`
}

// tokenName is the fake's reading of PAT names (the API's rule is not
// published; OVHcloud's examples use names of up to about 60 letters,
// digits and -): 1 to 128 letters, digits and ._-.
func tokenName(n string) bool {
	if n == "" || len(n) > 128 {
		return false
	}
	for _, c := range n {
		if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '.' || c == '_' || c == '-') {
			return false
		}
	}
	return true
}

// patExpiry reads expiresAt and expiresIn (exclusive; the fake's reading)
// into an expiry date, nil for none.
func (s *Server) patExpiry(at *time.Time, in *int64) (*time.Time, *apiError) {
	switch {
	case at != nil && in != nil:
		return nil, errBadRequest.with("expiresAt and expiresIn are mutually exclusive")
	case in != nil:
		if *in <= 0 {
			return nil, errBadRequest.with("expiresIn must be a positive number of seconds")
		}
		t := s.now().Add(time.Duration(*in) * time.Second)
		return &t, nil
	case at != nil:
		if !at.After(s.opts.Now()) {
			return nil, errBadRequest.with("expiresAt must be in the future")
		}
		t := at.UTC()
		return &t, nil
	}
	return nil, nil
}

func (s *Server) listTokens(q *request) (int, any, *apiError) {
	u, e := s.user(q)
	if e != nil {
		return 0, nil, e
	}
	return 0, sortedKeys(s.st.pats[u.Login]), nil
}

func (s *Server) createToken(q *request) (int, any, *apiError) {
	u, e := s.user(q)
	if e != nil {
		return 0, nil, e
	}
	var in struct {
		Name        string     `json:"name"`
		Description string     `json:"description"`
		ExpiresAt   *time.Time `json:"expiresAt"`
		ExpiresIn   *int64     `json:"expiresIn"`
	}
	if e := q.decode(&in); e != nil {
		return 0, nil, e
	}
	if !tokenName(in.Name) {
		return 0, nil, errBadRequest.with("Invalid token name %q", in.Name)
	}
	if _, dup := s.st.pats[u.Login][in.Name]; dup {
		return 0, nil, errExists.with("Token %s already exists for user %s", in.Name, u.Login)
	}
	exp, e := s.patExpiry(in.ExpiresAt, in.ExpiresIn)
	if e != nil {
		return 0, nil, e
	}
	t := &pat{Name: in.Name, Description: in.Description, Creation: s.now(), ExpiresAt: exp, user: u.Login, value: "ovhpat-" + randHex(32)}
	if s.st.pats[u.Login] == nil {
		s.st.pats[u.Login] = map[string]*pat{}
	}
	s.st.pats[u.Login][t.Name] = t
	s.st.patIx[t.value] = t
	return 0, patCreated{pat: *t, Token: t.value}, nil
}

func (s *Server) token1(q *request) (*pat, *apiError) {
	u, e := s.user(q)
	if e != nil {
		return nil, e
	}
	t, ok := s.st.pats[u.Login][q.params["name"]]
	if !ok {
		return nil, errNotFound.with("Token %s does not exist for user %s", q.params["name"], u.Login)
	}
	return t, nil
}

func (s *Server) getToken(q *request) (int, any, *apiError) {
	t, e := s.token1(q)
	if e != nil {
		return 0, nil, e
	}
	return 0, t, nil
}

func (s *Server) updateToken(q *request) (int, any, *apiError) {
	t, e := s.token1(q)
	if e != nil {
		return 0, nil, e
	}
	var in struct {
		Description *string    `json:"description"`
		ExpiresAt   *time.Time `json:"expiresAt"`
		ExpiresIn   *int64     `json:"expiresIn"`
	}
	if e := q.decode(&in); e != nil {
		return 0, nil, e
	}
	if in.ExpiresAt != nil || in.ExpiresIn != nil {
		exp, e := s.patExpiry(in.ExpiresAt, in.ExpiresIn)
		if e != nil {
			return 0, nil, e
		}
		t.ExpiresAt = exp
	}
	if in.Description != nil {
		t.Description = *in.Description
	}
	return 0, t, nil
}

func (s *Server) deleteToken(q *request) (int, any, *apiError) {
	t, e := s.token1(q)
	if e != nil {
		return 0, nil, e
	}
	s.revoke(t)
	return 0, nil, nil
}

// revoke deletes a PAT; its value is remembered as revoked, so that a call
// made with it is refused as the API refuses it rather than as a bearer
// the fake never issued. Under s.mu.
func (s *Server) revoke(t *pat) {
	delete(s.st.pats[t.user], t.Name)
	if len(s.st.pats[t.user]) == 0 {
		delete(s.st.pats, t.user)
	}
	delete(s.st.patIx, t.value)
	s.st.revoked[t.value] = true
}

// PersonalAccessToken returns a go-ovh client that authenticates with a
// personal access token (Authorization: Bearer <token>), as a program
// given a local user's PAT does.
func (s *Server) PersonalAccessToken(token string) (*ovh.Client, error) {
	return ovh.NewAccessTokenClient(s.Endpoint(), token)
}
