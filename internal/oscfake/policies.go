package oscfake

import (
	"fmt"
	"slices"
	"strings"

	osc "github.com/outscale/osc-sdk-go/v2"
)

func init() {
	handlers["CreatePolicy"] = decoded(createPolicy)
	handlers["ReadPolicy"] = decoded(readPolicy)
	handlers["ReadPolicies"] = decoded(readPolicies)
	handlers["DeletePolicy"] = decoded(deletePolicy)
	handlers["CreatePolicyVersion"] = decoded(createPolicyVersion)
	handlers["ReadPolicyVersion"] = decoded(readPolicyVersion)
	handlers["ReadPolicyVersions"] = decoded(readPolicyVersions)
	handlers["DeletePolicyVersion"] = decoded(deletePolicyVersion)
	handlers["SetDefaultPolicyVersion"] = decoded(setDefaultPolicyVersion)
	handlers["LinkPolicy"] = decoded(linkPolicy)
	handlers["UnlinkPolicy"] = decoded(unlinkPolicy)
	handlers["LinkManagedPolicyToUserGroup"] = decoded(linkManagedPolicyToUserGroup)
	handlers["UnlinkManagedPolicyFromUserGroup"] = decoded(unlinkManagedPolicyFromUserGroup)
	handlers["ReadLinkedPolicies"] = decoded(readLinkedPolicies)
	handlers["ReadManagedPoliciesLinkedToUserGroup"] = decoded(readManagedPoliciesLinkedToUserGroup)
	handlers["ReadEntitiesLinkedToPolicy"] = decoded(readEntitiesLinkedToPolicy)
	handlers["PutUserPolicy"] = decoded(putUserPolicy)
	handlers["ReadUserPolicy"] = decoded(readUserPolicy)
	handlers["ReadUserPolicies"] = decoded(readUserPolicies)
	handlers["DeleteUserPolicy"] = decoded(deleteUserPolicy)
	handlers["PutUserGroupPolicy"] = decoded(putUserGroupPolicy)
	handlers["ReadUserGroupPolicy"] = decoded(readUserGroupPolicy)
	handlers["ReadUserGroupPolicies"] = decoded(readUserGroupPolicies)
	handlers["DeleteUserGroupPolicy"] = decoded(deleteUserGroupPolicy)
}

func (st *state) policyModel(p *policy) osc.Policy {
	m := osc.Policy{
		PolicyId:               osc.PtrString(p.id),
		PolicyName:             osc.PtrString(p.name),
		Path:                   osc.PtrString(p.path),
		Orn:                    osc.PtrString(st.policyORN(p)),
		PolicyDefaultVersionId: osc.PtrString(p.defaultVersion.id),
		ResourcesCount:         osc.PtrInt32(int32(p.links)),
		IsLinkable:             osc.PtrBool(true),
		CreationDate:           fmtTime(p.created),
		LastModificationDate:   fmtTime(p.modified),
	}
	if p.description != "" {
		m.Description = osc.PtrString(p.description)
	}
	return m
}

func (st *state) linkedModel(p *policy) osc.LinkedPolicy {
	return osc.LinkedPolicy{
		PolicyId:             osc.PtrString(p.id),
		PolicyName:           osc.PtrString(p.name),
		Orn:                  osc.PtrString(st.policyORN(p)),
		CreationDate:         fmtTime(p.created),
		LastModificationDate: fmtTime(p.modified),
	}
}

func versionModel(p *policy, v *policyVersion) osc.PolicyVersion {
	return osc.PolicyVersion{
		VersionId:      osc.PtrString(v.id),
		Body:           osc.PtrString(v.body),
		DefaultVersion: osc.PtrBool(v == p.defaultVersion),
		CreationDate:   fmtTime(v.created),
	}
}

func (st *state) findPolicy(orn string) (*policy, *apiError) {
	if p := st.policyByORN(orn); p != nil {
		return p, nil
	}
	if !strings.HasPrefix(orn, "orn:ows:") {
		return nil, errInvalidParameterValue.with("%q is not a policy ORN", orn)
	}
	return nil, errNoSuchPolicy.with("policy %q does not exist", orn)
}

// findVersion returns the policy orn and its version id.
func (st *state) findVersion(orn, id string) (*policy, *policyVersion, *apiError) {
	p, err := st.findPolicy(orn)
	if err != nil {
		return nil, nil, err
	}
	for _, v := range p.versions {
		if v.id == id {
			return p, v, nil
		}
	}
	return nil, nil, errNoSuchPolicyVersion.with("policy %q has no version %q", p.name, id)
}

func (p *policy) addVersion(body string, c *call) (*policyVersion, *apiError) {
	doc, err := parseDocument(body)
	if err != nil {
		return nil, err
	}
	p.nextVersion++
	v := &policyVersion{id: fmt.Sprintf("v%d", p.nextVersion), body: body, doc: doc, created: c.now()}
	p.versions = append(p.versions, v)
	return v, nil
}

// createPolicy: "This action creates a policy version and sets v1 as the default one."
func createPolicy(c *call, in *osc.CreatePolicyRequest) (any, *apiError) {
	if err := checkName(policyNameRE, "policy name", in.PolicyName); err != nil {
		return nil, err
	}
	path, err := optPath(in.Path)
	if err != nil {
		return nil, err
	}
	if in.Description != nil && len(*in.Description) > 1000 {
		return nil, errInvalidParameterValue.with("description longer than 1000 characters")
	}
	st := c.st()
	for _, p := range st.policies {
		if p.name == in.PolicyName {
			return nil, errAlreadyExists.with("policy %q already exists", in.PolicyName)
		}
	}
	now := c.now()
	p := &policy{id: randomID(31, upperAlnum), name: in.PolicyName, path: path, created: now, modified: now}
	if in.Description != nil {
		p.description = *in.Description
	}
	v, err := p.addVersion(in.Document, c)
	if err != nil {
		return nil, err
	}
	p.defaultVersion = v
	st.policies = append(st.policies, p)
	m := st.policyModel(p)
	return osc.CreatePolicyResponse{Policy: &m}, nil
}

func readPolicy(c *call, in *osc.ReadPolicyRequest) (any, *apiError) {
	st := c.st()
	p, err := st.findPolicy(in.PolicyOrn)
	if err != nil {
		return nil, err
	}
	m := st.policyModel(p)
	return osc.ReadPolicyResponse{Policy: &m}, nil
}

func readPolicies(c *call, in *osc.ReadPoliciesRequest) (any, *apiError) {
	st := c.st()
	var match []*policy
	for _, p := range st.policies {
		if f := in.Filters; f != nil {
			// The account's policies are LOCAL; OWS (Outscale-managed)
			// policies are not modelled.
			if f.Scope != nil && *f.Scope == "OWS" {
				continue
			}
			if !hasPrefix(f.PathPrefix, p.path) || (f.OnlyLinked != nil && *f.OnlyLinked && p.links == 0) {
				continue
			}
		}
		match = append(match, p)
	}
	out, info, err := modelPage(c, match, in.FirstItem, in.ResultsPerPage, st.policyModel)
	if err != nil {
		return nil, err
	}
	return osc.ReadPoliciesResponse{
		Policies: &out, HasMoreItems: &info.HasMoreItems,
		MaxResultsLimit: &info.MaxResultsLimit, MaxResultsTruncated: &info.MaxResultsTruncated,
	}, nil
}

// deletePolicy: "Before deleting a managed policy, you must unlink all users
// linked to it and delete all the versions of the policy, except the
// default one." Groups linked to it block the deletion too.
func deletePolicy(c *call, in *osc.DeletePolicyRequest) (any, *apiError) {
	st := c.st()
	p, err := st.findPolicy(in.PolicyOrn)
	if err != nil {
		return nil, err
	}
	if p.links > 0 {
		return nil, errHasDependencies.with("policy %q is linked to %d user(s) or group(s)", p.name, p.links)
	}
	if len(p.versions) > 1 {
		return nil, errHasDependencies.with("policy %q has %d versions besides the default one; delete them first", p.name, len(p.versions)-1)
	}
	st.policies = slices.DeleteFunc(st.policies, func(x *policy) bool { return x == p })
	return osc.DeletePolicyResponse{}, nil
}

// createPolicyVersion: "A managed policy can have up to five versions."
func createPolicyVersion(c *call, in *osc.CreatePolicyVersionRequest) (any, *apiError) {
	st := c.st()
	p, err := st.findPolicy(in.PolicyOrn)
	if err != nil {
		return nil, err
	}
	if len(p.versions) >= c.s.opts.PolicyVersionLimit {
		return nil, errTooManyResources.with("policy %q already has %d versions, the maximum; delete one first", p.name, len(p.versions))
	}
	v, err := p.addVersion(in.Document, c)
	if err != nil {
		return nil, err
	}
	if in.SetAsDefault != nil && *in.SetAsDefault {
		p.defaultVersion = v
	}
	p.modified = c.now()
	m := versionModel(p, v)
	return osc.CreatePolicyVersionResponse{PolicyVersion: &m}, nil
}

func readPolicyVersion(c *call, in *osc.ReadPolicyVersionRequest) (any, *apiError) {
	p, v, err := c.st().findVersion(in.PolicyOrn, in.VersionId)
	if err != nil {
		return nil, err
	}
	m := versionModel(p, v)
	return osc.ReadPolicyVersionResponse{PolicyVersion: &m}, nil
}

func readPolicyVersions(c *call, in *osc.ReadPolicyVersionsRequest) (any, *apiError) {
	p, err := c.st().findPolicy(in.PolicyOrn)
	if err != nil {
		return nil, err
	}
	out, info, err := modelPage(c, p.versions, in.FirstItem, in.ResultsPerPage, func(v *policyVersion) osc.PolicyVersion {
		return versionModel(p, v)
	})
	if err != nil {
		return nil, err
	}
	// ReadPolicyVersionsResponse has no MaxResultsTruncated.
	return osc.ReadPolicyVersionsResponse{PolicyVersions: &out, HasMoreItems: &info.HasMoreItems, MaxResultsLimit: &info.MaxResultsLimit}, nil
}

// deletePolicyVersion: "Deletes a specified version of a managed policy, if
// it is not set as the default one."
func deletePolicyVersion(c *call, in *osc.DeletePolicyVersionRequest) (any, *apiError) {
	p, v, err := c.st().findVersion(in.PolicyOrn, in.VersionId)
	if err != nil {
		return nil, err
	}
	if v == p.defaultVersion {
		return nil, errInUse.with("version %s is the default version of policy %q", v.id, p.name)
	}
	p.versions = slices.DeleteFunc(p.versions, func(x *policyVersion) bool { return x == v })
	p.modified = c.now()
	return osc.DeletePolicyVersionResponse{}, nil
}

func setDefaultPolicyVersion(c *call, in *osc.SetDefaultPolicyVersionRequest) (any, *apiError) {
	p, v, err := c.st().findVersion(in.PolicyOrn, in.VersionId)
	if err != nil {
		return nil, err
	}
	p.defaultVersion = v
	p.modified = c.now()
	return osc.SetDefaultPolicyVersionResponse{}, nil
}

// link adds the policy orn to *linked, the policies linked to the user or
// group to. Linking twice is refused (the spec is silent; refusing keeps an
// adapter from relying on idempotence the API may not have).
func (st *state) link(linked *[]*policy, orn, to string) *apiError {
	p, err := st.findPolicy(orn)
	if err != nil {
		return err
	}
	if slices.Contains(*linked, p) {
		return errAlreadyExists.with("policy %q is already linked to %s", p.name, to)
	}
	*linked = append(*linked, p)
	p.links++
	return nil
}

// unlink removes the policy orn from *linked, the policies linked to the
// user or group from.
func (st *state) unlink(linked *[]*policy, orn, from string) *apiError {
	p, err := st.findPolicy(orn)
	if err != nil {
		return err
	}
	if !slices.Contains(*linked, p) {
		return errNotLinked.with("policy %q is not linked to %s", p.name, from)
	}
	*linked = slices.DeleteFunc(*linked, func(x *policy) bool { return x == p })
	p.links--
	return nil
}

func linkPolicy(c *call, in *osc.LinkPolicyRequest) (any, *apiError) {
	st := c.st()
	u, err := st.findUser(in.UserName, nil)
	if err != nil {
		return nil, err
	}
	if err := st.link(&u.linked, in.PolicyOrn, "user "+u.name); err != nil {
		return nil, err
	}
	return osc.LinkPolicyResponse{}, nil
}

func unlinkPolicy(c *call, in *osc.UnlinkPolicyRequest) (any, *apiError) {
	st := c.st()
	u, err := st.findUser(in.UserName, nil)
	if err != nil {
		return nil, err
	}
	if err := st.unlink(&u.linked, in.PolicyOrn, "user "+u.name); err != nil {
		return nil, err
	}
	return osc.UnlinkPolicyResponse{}, nil
}

func linkManagedPolicyToUserGroup(c *call, in *osc.LinkManagedPolicyToUserGroupRequest) (any, *apiError) {
	st := c.st()
	g, err := st.findGroup(in.UserGroupName, nil)
	if err != nil {
		return nil, err
	}
	if err := st.link(&g.linked, in.PolicyOrn, "user group "+g.name); err != nil {
		return nil, err
	}
	return osc.LinkManagedPolicyToUserGroupResponse{}, nil
}

func unlinkManagedPolicyFromUserGroup(c *call, in *osc.UnlinkManagedPolicyFromUserGroupRequest) (any, *apiError) {
	st := c.st()
	g, err := st.findGroup(in.UserGroupName, nil)
	if err != nil {
		return nil, err
	}
	if err := st.unlink(&g.linked, in.PolicyOrn, "user group "+g.name); err != nil {
		return nil, err
	}
	return osc.UnlinkManagedPolicyFromUserGroupResponse{}, nil
}

func readLinkedPolicies(c *call, in *osc.ReadLinkedPoliciesRequest) (any, *apiError) {
	st := c.st()
	u, err := st.findUser(in.UserName, nil)
	if err != nil {
		return nil, err
	}
	out, info, err := st.linkedPage(c, u.linked, in.GetFilters().PathPrefix, in.FirstItem, in.ResultsPerPage)
	if err != nil {
		return nil, err
	}
	return osc.ReadLinkedPoliciesResponse{
		Policies: &out, HasMoreItems: &info.HasMoreItems,
		MaxResultsLimit: &info.MaxResultsLimit, MaxResultsTruncated: &info.MaxResultsTruncated,
	}, nil
}

func readManagedPoliciesLinkedToUserGroup(c *call, in *osc.ReadManagedPoliciesLinkedToUserGroupRequest) (any, *apiError) {
	st := c.st()
	g, err := st.findGroup(in.UserGroupName, nil)
	if err != nil {
		return nil, err
	}
	out, info, err := st.linkedPage(c, g.linked, in.GetFilters().PathPrefix, in.FirstItem, in.ResultsPerPage)
	if err != nil {
		return nil, err
	}
	return osc.ReadManagedPoliciesLinkedToUserGroupResponse{
		Policies: &out, HasMoreItems: &info.HasMoreItems,
		MaxResultsLimit: &info.MaxResultsLimit, MaxResultsTruncated: &info.MaxResultsTruncated,
	}, nil
}

// linkedPage returns the page a call asks for of the policies in linked
// whose path begins with prefix (any path when prefix is nil).
func (st *state) linkedPage(c *call, linked []*policy, prefix *string, first, per *int32) ([]osc.LinkedPolicy, pageInfo, *apiError) {
	var match []*policy
	for _, p := range linked {
		if hasPrefix(prefix, p.path) {
			match = append(match, p)
		}
	}
	return modelPage(c, match, first, per, st.linkedModel)
}

func readEntitiesLinkedToPolicy(c *call, in *osc.ReadEntitiesLinkedToPolicyRequest) (any, *apiError) {
	st := c.st()
	p, err := st.findPolicy(in.PolicyOrn)
	if err != nil {
		return nil, err
	}
	want := func(t string) bool { return in.EntitiesType == nil || slices.Contains(*in.EntitiesType, t) }
	type entity struct {
		kind string
		m    osc.MinimalPolicy
	}
	var all []entity
	if want("USER") {
		for _, u := range st.users {
			if slices.Contains(u.linked, p) {
				all = append(all, entity{"USER", osc.MinimalPolicy{Id: osc.PtrString(u.id), Name: osc.PtrString(u.name), Orn: osc.PtrString(st.orn("user", u.path, u.name))}})
			}
		}
	}
	if want("GROUP") {
		for _, g := range st.groups {
			if slices.Contains(g.linked, p) {
				all = append(all, entity{"GROUP", osc.MinimalPolicy{Id: osc.PtrString(g.id), Name: osc.PtrString(g.name), Orn: osc.PtrString(st.orn("usergroup", g.path, g.name))}})
			}
		}
	}
	pg, info, perr := paginate(c, all, in.FirstItem, in.ResultsPerPage)
	if perr != nil {
		return nil, perr
	}
	users, groups, accounts := []osc.MinimalPolicy{}, []osc.MinimalPolicy{}, []osc.MinimalPolicy{}
	for _, e := range pg {
		if e.kind == "USER" {
			users = append(users, e.m)
		} else {
			groups = append(groups, e.m)
		}
	}
	return osc.ReadEntitiesLinkedToPolicyResponse{PolicyEntities: &osc.PolicyEntities{
		Users: &users, Groups: &groups, Accounts: &accounts, ItemsCount: osc.PtrInt32(int32(len(all))),
		HasMoreItems: &info.HasMoreItems, MaxResultsLimit: &info.MaxResultsLimit, MaxResultsTruncated: &info.MaxResultsTruncated,
	}}, nil
}

// Inline policies.

func putInline(list *[]*inlinePolicy, name, body string) *apiError {
	if err := checkName(policyNameRE, "policy name", name); err != nil {
		return err
	}
	doc, err := parseDocument(body)
	if err != nil {
		return err
	}
	for _, ip := range *list {
		if ip.name == name {
			ip.body, ip.doc = body, doc
			return nil
		}
	}
	*list = append(*list, &inlinePolicy{name: name, body: body, doc: doc})
	return nil
}

func inlineModel(ip *inlinePolicy) osc.InlinePolicy {
	return osc.InlinePolicy{Name: osc.PtrString(ip.name), Body: osc.PtrString(ip.body)}
}

func findInline(list []*inlinePolicy, name, owner string) (*inlinePolicy, *apiError) {
	for _, ip := range list {
		if ip.name == name {
			return ip, nil
		}
	}
	return nil, errNoSuchInlinePolicy.with("%s has no inline policy %q", owner, name)
}

// deleteInline deletes the inline policy name from *list, the inline
// policies of owner.
func deleteInline(list *[]*inlinePolicy, name, owner string) *apiError {
	ip, err := findInline(*list, name, owner)
	if err != nil {
		return err
	}
	*list = slices.DeleteFunc(*list, func(x *inlinePolicy) bool { return x == ip })
	return nil
}

func putUserPolicy(c *call, in *osc.PutUserPolicyRequest) (any, *apiError) {
	u, err := c.st().findUser(in.UserName, nil)
	if err != nil {
		return nil, err
	}
	if err := putInline(&u.inline, in.PolicyName, in.PolicyDocument); err != nil {
		return nil, err
	}
	return osc.PutUserPolicyResponse{}, nil
}

func readUserPolicy(c *call, in *osc.ReadUserPolicyRequest) (any, *apiError) {
	u, err := c.st().findUser(in.UserName, nil)
	if err != nil {
		return nil, err
	}
	ip, err := findInline(u.inline, in.PolicyName, "user "+u.name)
	if err != nil {
		return nil, err
	}
	return osc.ReadUserPolicyResponse{PolicyName: osc.PtrString(ip.name), PolicyDocument: osc.PtrString(ip.body), UserName: osc.PtrString(u.name)}, nil
}

func readUserPolicies(c *call, in *osc.ReadUserPoliciesRequest) (any, *apiError) {
	u, err := c.st().findUser(in.UserName, nil)
	if err != nil {
		return nil, err
	}
	names := models(u.inline, func(ip *inlinePolicy) string { return ip.name })
	return osc.ReadUserPoliciesResponse{PolicyNames: &names}, nil
}

func deleteUserPolicy(c *call, in *osc.DeleteUserPolicyRequest) (any, *apiError) {
	u, err := c.st().findUser(in.UserName, nil)
	if err != nil {
		return nil, err
	}
	if err := deleteInline(&u.inline, in.PolicyName, "user "+u.name); err != nil {
		return nil, err
	}
	return osc.DeleteUserPolicyResponse{}, nil
}

func putUserGroupPolicy(c *call, in *osc.PutUserGroupPolicyRequest) (any, *apiError) {
	g, err := c.st().findGroup(in.UserGroupName, slash(in.UserGroupPath))
	if err != nil {
		return nil, err
	}
	if err := putInline(&g.inline, in.PolicyName, in.PolicyDocument); err != nil {
		return nil, err
	}
	return osc.PutUserGroupPolicyResponse{}, nil
}

func readUserGroupPolicy(c *call, in *osc.ReadUserGroupPolicyRequest) (any, *apiError) {
	g, err := c.st().findGroup(in.UserGroupName, slash(in.UserGroupPath))
	if err != nil {
		return nil, err
	}
	ip, err := findInline(g.inline, in.PolicyName, "user group "+g.name)
	if err != nil {
		return nil, err
	}
	m := inlineModel(ip)
	return osc.ReadUserGroupPolicyResponse{Policy: &m}, nil
}

func readUserGroupPolicies(c *call, in *osc.ReadUserGroupPoliciesRequest) (any, *apiError) {
	g, err := c.st().findGroup(in.UserGroupName, slash(in.UserGroupPath))
	if err != nil {
		return nil, err
	}
	out, info, err := modelPage(c, g.inline, in.FirstItem, in.ResultsPerPage, inlineModel)
	if err != nil {
		return nil, err
	}
	return osc.ReadUserGroupPoliciesResponse{
		Policies: &out, HasMoreItems: &info.HasMoreItems,
		MaxResultsLimit: &info.MaxResultsLimit, MaxResultsTruncated: &info.MaxResultsTruncated,
	}, nil
}

func deleteUserGroupPolicy(c *call, in *osc.DeleteUserGroupPolicyRequest) (any, *apiError) {
	g, err := c.st().findGroup(in.UserGroupName, slash(in.UserGroupPath))
	if err != nil {
		return nil, err
	}
	if err := deleteInline(&g.inline, in.PolicyName, "user group "+g.name); err != nil {
		return nil, err
	}
	return osc.DeleteUserGroupPolicyResponse{}, nil
}
