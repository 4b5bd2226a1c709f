package ovhfake

import (
	"fmt"
	"sort"
	"time"
)

// handler returns the implementation of rt, or nil.
func (s *Server) handler(rt *route) handler {
	switch rt.key() {
	case "GET /1.0/me":
		return s.getMe
	case "GET /1.0/me/api/oauth2/client":
		return s.listClients
	case "POST /1.0/me/api/oauth2/client":
		return s.createClient
	case "GET /1.0/me/api/oauth2/client/{clientId}":
		return s.getClient
	case "PUT /1.0/me/api/oauth2/client/{clientId}":
		return s.updateClient
	case "DELETE /1.0/me/api/oauth2/client/{clientId}":
		return s.deleteClient
	case "GET /1.0/me/identity/user":
		return s.listUsers
	case "POST /1.0/me/identity/user":
		return s.createUser
	case "GET /1.0/me/identity/user/{user}":
		return s.getUser
	case "PUT /1.0/me/identity/user/{user}":
		return s.updateUser
	case "DELETE /1.0/me/identity/user/{user}":
		return s.deleteUser
	case "GET /1.0/me/identity/user/{user}/token":
		return s.listTokens
	case "POST /1.0/me/identity/user/{user}/token":
		return s.createToken
	case "GET /1.0/me/identity/user/{user}/token/{name}":
		return s.getToken
	case "PUT /1.0/me/identity/user/{user}/token/{name}":
		return s.updateToken
	case "DELETE /1.0/me/identity/user/{user}/token/{name}":
		return s.deleteToken
	case "GET /1.0/me/identity/group":
		return s.listGroups
	case "POST /1.0/me/identity/group":
		return s.createGroup
	case "GET /1.0/me/identity/group/{group}":
		return s.getGroup
	case "PUT /1.0/me/identity/group/{group}":
		return s.updateGroup
	case "DELETE /1.0/me/identity/group/{group}":
		return s.deleteGroup
	case "GET /v2/iam/policy":
		return s.listPolicies
	case "POST /v2/iam/policy":
		return s.createPolicy
	case "GET /v2/iam/policy/{policyId}":
		return s.getPolicy
	case "PUT /v2/iam/policy/{policyId}":
		return s.updatePolicy
	case "DELETE /v2/iam/policy/{policyId}":
		return s.deletePolicy
	case "POST /v2/iam/resource/{resourceURN}/authorization/check":
		return s.checkAuthorization
	case "GET /v2/iam/reference/action":
		return s.listActions
	}
	return nil
}

func (s *Server) now() time.Time { return s.opts.Now().UTC().Truncate(time.Millisecond) }

func (s *Server) getMe(q *request) (int, any, *apiError) {
	return 0, map[string]any{
		"nichandle":     s.opts.NIC,
		"email":         "owner@example.com",
		"ovhSubsidiary": map[string]string{"eu": "FR", "ca": "CA", "us": "US"}[s.opts.Region],
		"ovhCompany":    map[string]string{"eu": "ovh", "ca": "ovh", "us": "ovh"}[s.opts.Region],
		"country":       map[string]string{"eu": "FR", "ca": "CA", "us": "US"}[s.opts.Region],
		"currency":      map[string]string{"code": "EUR", "symbol": "EURO"},
		"state":         "complete",
		"legalform":     "corporation",
		"kycValidated":  true,
		"customerCode":  "1234-5678-90",
	}, nil
}

// --- service accounts (OAuth2 clients) ---

func (s *Server) listClients(q *request) (int, any, *apiError) {
	ids := append([]string{}, s.st.clientIx...)
	return 0, ids, nil
}

func (s *Server) createClient(q *request) (int, any, *apiError) {
	var in struct {
		Name         string   `json:"name"`
		Description  string   `json:"description"`
		Flow         string   `json:"flow"`
		CallbackURLs []string `json:"callbackUrls"`
	}
	if e := q.decode(&in); e != nil {
		return 0, nil, e
	}
	switch {
	case in.Name == "":
		return 0, nil, errBadRequest.with("name must not be empty")
	case in.Flow == "CLIENT_CREDENTIALS" && len(in.CallbackURLs) > 0:
		return 0, nil, errBadRequest.with("callbackUrls are not allowed with flow CLIENT_CREDENTIALS")
	case in.Flow == "AUTHORIZATION_CODE" && len(in.CallbackURLs) == 0:
		return 0, nil, errBadRequest.with("callbackUrls are required with flow AUTHORIZATION_CODE")
	}
	id := randHex(8)
	c := &oauthClient{
		ClientID: id, Name: in.Name, Description: in.Description, Flow: in.Flow,
		CallbackURLs: append([]string{}, in.CallbackURLs...), CreatedAt: s.now(),
		Identity: s.CredentialURN(id), secret: randHex(16),
	}
	s.st.clients[id] = c
	s.st.clientIx = append(s.st.clientIx, id)
	return 0, map[string]string{"clientId": id, "clientSecret": c.secret}, nil
}

func (s *Server) client(q *request) (*oauthClient, *apiError) {
	id := q.params["clientId"]
	c, ok := s.st.clients[id]
	if !ok {
		return nil, errNotFound.with("The requested object (clientId = %s) does not exist", id)
	}
	return c, nil
}

func (s *Server) getClient(q *request) (int, any, *apiError) {
	c, e := s.client(q)
	if e != nil {
		return 0, nil, e
	}
	return 0, c, nil
}

func (s *Server) updateClient(q *request) (int, any, *apiError) {
	c, e := s.client(q)
	if e != nil {
		return 0, nil, e
	}
	var in struct {
		Name         *string  `json:"name"`
		Description  *string  `json:"description"`
		CallbackURLs []string `json:"callbackUrls"`
	}
	if e := q.decode(&in); e != nil {
		return 0, nil, e
	}
	if in.Name != nil {
		if *in.Name == "" {
			return 0, nil, errBadRequest.with("name must not be empty")
		}
		c.Name = *in.Name
	}
	if in.Description != nil {
		c.Description = *in.Description
	}
	if in.CallbackURLs != nil {
		if c.Flow == "CLIENT_CREDENTIALS" && len(in.CallbackURLs) > 0 {
			return 0, nil, errBadRequest.with("callbackUrls are not allowed with flow CLIENT_CREDENTIALS")
		}
		c.CallbackURLs = append([]string{}, in.CallbackURLs...)
	}
	return 0, nil, nil
}

// deleteClient deletes the client and revokes its tokens. Policies naming
// its identity keep the URN (as IAM does with any dangling identity).
func (s *Server) deleteClient(q *request) (int, any, *apiError) {
	c, e := s.client(q)
	if e != nil {
		return 0, nil, e
	}
	delete(s.st.clients, c.ClientID)
	s.st.clientIx = without(s.st.clientIx, c.ClientID)
	for k, t := range s.st.tokens {
		if t.who.clientID == c.ClientID {
			delete(s.st.tokens, k)
		}
	}
	return 0, nil, nil
}

func without(xs []string, x string) []string {
	out := xs[:0:0]
	for _, v := range xs {
		if v != x {
			out = append(out, v)
		}
	}
	return out
}

// --- local users ---

func (s *Server) userURN(login string) string {
	return fmt.Sprintf("urn:v1:%s:identity:user:%s/%s", s.opts.Region, s.opts.NIC, login)
}

func (s *Server) groupURN(name string) string {
	return fmt.Sprintf("urn:v1:%s:identity:group:%s/%s", s.opts.Region, s.opts.NIC, name)
}

func sortedKeys[V any](m map[string]V) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

func (s *Server) listUsers(q *request) (int, any, *apiError) {
	return 0, sortedKeys(s.st.users), nil
}

// validName is the fake's reading of login and group names: 1 to 32
// letters, digits and ._- (the API's exact rule is not published).
func validName(n string) bool {
	if n == "" || len(n) > 32 {
		return false
	}
	for _, c := range n {
		if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '.' || c == '_' || c == '-') {
			return false
		}
	}
	return true
}

func (s *Server) group(name string) (*localGroup, bool) {
	if g, ok := s.st.groups[name]; ok {
		return g, true
	}
	for _, d := range defaultGroups {
		if d.name == name {
			return &localGroup{Name: d.name, Role: s.st.roles[d.name], DefaultGroup: true, Creation: s.st.created, LastUpdate: s.st.created, URN: s.groupURN(d.name)}, true
		}
	}
	return nil, false
}

func (s *Server) createUser(q *request) (int, any, *apiError) {
	var in struct {
		Login, Description, Email, Group, Password, Type string
	}
	if e := q.decode(&in); e != nil {
		return 0, nil, e
	}
	if !validName(in.Login) {
		return 0, nil, errBadRequest.with("Invalid login %q", in.Login)
	}
	if _, dup := s.st.users[in.Login]; dup {
		return 0, nil, errExists.with("User %s already exists", in.Login)
	}
	if in.Group == "" {
		in.Group = "DEFAULT"
	}
	if _, ok := s.group(in.Group); !ok {
		return 0, nil, errBadRequest.with("Group %s does not exist", in.Group)
	}
	if in.Type == "" {
		in.Type = "USER"
	}
	if in.Type == "ROOT" {
		return 0, nil, errBadRequest.with("Cannot create a user of type ROOT")
	}
	now := s.now()
	u := &localUser{Login: in.Login, Description: in.Description, Group: in.Group, Status: "OK", Type: in.Type, Creation: now, LastUpdate: now, URN: s.userURN(in.Login)}
	if in.Email != "" {
		u.Email = &in.Email
	}
	s.st.users[in.Login] = u
	return 0, nil, nil
}

func (s *Server) user(q *request) (*localUser, *apiError) {
	u, ok := s.st.users[q.params["user"]]
	if !ok {
		return nil, errNotFound.with("User %s does not exist", q.params["user"])
	}
	return u, nil
}

func (s *Server) getUser(q *request) (int, any, *apiError) {
	u, e := s.user(q)
	if e != nil {
		return 0, nil, e
	}
	return 0, u, nil
}

func (s *Server) updateUser(q *request) (int, any, *apiError) {
	u, e := s.user(q)
	if e != nil {
		return 0, nil, e
	}
	var in struct {
		Description *string `json:"description"`
		Email       *string `json:"email"`
		Group       *string `json:"group"`
	}
	if e := q.decode(&in); e != nil {
		return 0, nil, e
	}
	if in.Group != nil {
		if _, ok := s.group(*in.Group); !ok {
			return 0, nil, errBadRequest.with("Group %s does not exist", *in.Group)
		}
		u.Group = *in.Group
	}
	if in.Description != nil {
		u.Description = *in.Description
	}
	if in.Email != nil {
		u.Email = in.Email
	}
	u.LastUpdate = s.now()
	return 0, nil, nil
}

// deleteUser deletes the user and revokes its personal access tokens.
func (s *Server) deleteUser(q *request) (int, any, *apiError) {
	u, e := s.user(q)
	if e != nil {
		return 0, nil, e
	}
	for _, name := range sortedKeys(s.st.pats[u.Login]) {
		s.revoke(s.st.pats[u.Login][name])
	}
	delete(s.st.users, u.Login)
	return 0, nil, nil
}

// --- groups ---

func (s *Server) listGroups(q *request) (int, any, *apiError) {
	names := sortedKeys(s.st.groups)
	for _, d := range defaultGroups {
		names = append(names, d.name)
	}
	sort.Strings(names)
	return 0, names, nil
}

func (s *Server) createGroup(q *request) (int, any, *apiError) {
	var in struct {
		Name        string  `json:"name"`
		Description *string `json:"description"`
		Role        string  `json:"role"`
	}
	if e := q.decode(&in); e != nil {
		return 0, nil, e
	}
	if !validName(in.Name) {
		return 0, nil, errBadRequest.with("Invalid group name %q", in.Name)
	}
	if _, dup := s.group(in.Name); dup {
		return 0, nil, errExists.with("Group %s already exists", in.Name)
	}
	if in.Role == "" {
		in.Role = "NONE"
	}
	now := s.now()
	g := &localGroup{Name: in.Name, Description: in.Description, Role: in.Role, Creation: now, LastUpdate: now, URN: s.groupURN(in.Name)}
	s.st.groups[in.Name] = g
	return 0, g, nil
}

func (s *Server) getGroup(q *request) (int, any, *apiError) {
	g, ok := s.group(q.params["group"])
	if !ok {
		return 0, nil, errNotFound.with("Group %s does not exist", q.params["group"])
	}
	return 0, g, nil
}

func (s *Server) updateGroup(q *request) (int, any, *apiError) {
	g, ok := s.group(q.params["group"])
	if !ok {
		return 0, nil, errNotFound.with("Group %s does not exist", q.params["group"])
	}
	if g.DefaultGroup {
		return 0, nil, errForbidden.with("Group %s is a default group and cannot be edited", g.Name)
	}
	var in struct {
		Description *string `json:"description"`
		Role        *string `json:"role"`
	}
	if e := q.decode(&in); e != nil {
		return 0, nil, e
	}
	if in.Description != nil {
		g.Description = in.Description
	}
	if in.Role != nil {
		g.Role = *in.Role
	}
	g.LastUpdate = s.now()
	return 0, nil, nil
}

func (s *Server) deleteGroup(q *request) (int, any, *apiError) {
	g, ok := s.group(q.params["group"])
	if !ok {
		return 0, nil, errNotFound.with("Group %s does not exist", q.params["group"])
	}
	if g.DefaultGroup {
		return 0, nil, errForbidden.with("Group %s is a default group and cannot be deleted", g.Name)
	}
	for _, login := range sortedKeys(s.st.users) {
		if s.st.users[login].Group == g.Name {
			return 0, nil, errConflict.with("Group %s still has users (%s)", g.Name, login)
		}
	}
	delete(s.st.groups, g.Name)
	return 0, nil, nil
}
