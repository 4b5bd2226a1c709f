package oscfake

import (
	"regexp"
	"slices"

	osc "github.com/outscale/osc-sdk-go/v2"
)

func init() {
	handlers["CreateUser"] = decoded(createUser)
	handlers["ReadUsers"] = decoded(readUsers)
	handlers["UpdateUser"] = decoded(updateUser)
	handlers["DeleteUser"] = decoded(deleteUser)
	handlers["CreateUserGroup"] = decoded(createUserGroup)
	handlers["ReadUserGroups"] = decoded(readUserGroups)
	handlers["ReadUserGroup"] = decoded(readUserGroup)
	handlers["UpdateUserGroup"] = decoded(updateUserGroup)
	handlers["DeleteUserGroup"] = decoded(deleteUserGroup)
	handlers["AddUserToUserGroup"] = decoded(addUserToUserGroup)
	handlers["RemoveUserFromUserGroup"] = decoded(removeUserFromUserGroup)
	handlers["ReadUserGroupsPerUser"] = decoded(readUserGroupsPerUser)
}

func (st *state) userModel(u *user) osc.User {
	m := osc.User{
		UserId:               osc.PtrString(u.id),
		UserName:             osc.PtrString(u.name),
		Path:                 osc.PtrString(u.path),
		CreationDate:         fmtTime(u.created),
		LastModificationDate: fmtTime(u.modified),
	}
	if u.email != "" {
		m.UserEmail = osc.PtrString(u.email)
	}
	return m
}

func (st *state) groupModel(g *group) osc.UserGroup {
	return osc.UserGroup{
		UserGroupId:          osc.PtrString(g.id),
		Name:                 osc.PtrString(g.name),
		Path:                 osc.PtrString(g.path),
		Orn:                  osc.PtrString(st.orn("usergroup", g.path, g.name)),
		CreationDate:         fmtGroupTime(g.created),
		LastModificationDate: fmtGroupTime(g.modified),
	}
}

// findUser returns the user named name. Calls that take a user path pass
// it through slash (the spec: "If not specified, it is set to a slash");
// others pass nil and find the user by name alone.
func (st *state) findUser(name string, path *string) (*user, *apiError) {
	u := st.user(name)
	if u == nil || (path != nil && *path != u.path) {
		return nil, errNoSuchUser.with("user %q does not exist", name)
	}
	return u, nil
}

// findGroup returns the group named name. Calls that take a group path
// pass it through slash, as for findUser: a group created under /x/ is
// then found only when the call names that path.
func (st *state) findGroup(name string, path *string) (*group, *apiError) {
	g := st.group(name)
	if g == nil || (path != nil && *path != g.path) {
		return nil, errNoSuchUserGroup.with("user group %q does not exist", name)
	}
	return g, nil
}

// A nameKind is what the checks of a new user or user group name need:
// the two are named alike and refused alike.
type nameKind struct {
	what  string // "user" or "user group", as the messages name it
	re    *regexp.Regexp
	taken func(st *state, name string) bool
}

var (
	userNames  = nameKind{"user", userNameRE, func(st *state, name string) bool { return st.user(name) != nil }}
	groupNames = nameKind{"user group", groupNameRE, func(st *state, name string) bool { return st.group(name) != nil }}
)

// checkNew checks the name and optional path of an object to create and
// returns the path; a malformed name or path is reported before a name in
// use.
func (k nameKind) checkNew(st *state, name string, path *string) (string, *apiError) {
	if err := checkName(k.re, k.what+" name", name); err != nil {
		return "", err
	}
	p, err := optPath(path)
	if err != nil {
		return "", err
	}
	if k.taken(st, name) {
		return "", errAlreadyExists.with("%s %q already exists", k.what, name)
	}
	return p, nil
}

// checkRename checks newName, when given and not the current name, as a
// new name of an object named current.
func (k nameKind) checkRename(st *state, current string, newName *string) *apiError {
	if newName == nil || *newName == current {
		return nil
	}
	if err := checkName(k.re, k.what+" name", *newName); err != nil {
		return err
	}
	if k.taken(st, *newName) {
		return errAlreadyExists.with("%s %q already exists", k.what, *newName)
	}
	return nil
}

// groupAndUser finds the group and the user of a membership call, the
// group first: a call naming neither reports the missing group.
func (st *state) groupAndUser(groupName string, groupPath *string, userName string, userPath *string) (*group, *user, *apiError) {
	g, err := st.findGroup(groupName, slash(groupPath))
	if err != nil {
		return nil, nil, err
	}
	u, err := st.findUser(userName, slash(userPath))
	if err != nil {
		return nil, nil, err
	}
	return g, u, nil
}

func createUser(c *call, in *osc.CreateUserRequest) (any, *apiError) {
	st := c.st()
	path, err := userNames.checkNew(st, in.UserName, in.Path)
	if err != nil {
		return nil, err
	}
	now := c.now()
	u := &user{id: randomID(31, upperAlnum), name: in.UserName, path: path, created: now, modified: now}
	if in.UserEmail != nil {
		u.email = *in.UserEmail
	}
	st.users = append(st.users, u)
	m := st.userModel(u)
	return osc.CreateUserResponse{User: &m}, nil
}

func readUsers(c *call, in *osc.ReadUsersRequest) (any, *apiError) {
	st := c.st()
	var match []*user
	for _, u := range st.users {
		if in.Filters != nil && in.Filters.UserIds != nil && !slices.Contains(*in.Filters.UserIds, u.id) {
			continue
		}
		match = append(match, u)
	}
	users, info, err := modelPage(c, match, in.FirstItem, in.ResultsPerPage, st.userModel)
	if err != nil {
		return nil, err
	}
	return osc.ReadUsersResponse{
		Users: &users, HasMoreItems: &info.HasMoreItems,
		MaxResultsLimit: &info.MaxResultsLimit, MaxResultsTruncated: &info.MaxResultsTruncated,
	}, nil
}

func updateUser(c *call, in *osc.UpdateUserRequest) (any, *apiError) {
	st := c.st()
	u, err := st.findUser(in.UserName, nil)
	if err != nil {
		return nil, err
	}
	if err := userNames.checkRename(st, u.name, in.NewUserName); err != nil {
		return nil, err
	}
	var path string
	if in.NewPath != nil {
		if path, err = optPath(in.NewPath); err != nil {
			return nil, err
		}
	}
	if in.NewUserName != nil {
		u.name = *in.NewUserName
	}
	if in.NewPath != nil {
		u.path = path
	}
	if in.NewUserEmail != nil {
		u.email = *in.NewUserEmail
	}
	u.modified = c.now()
	m := st.userModel(u)
	return osc.UpdateUserResponse{User: &m}, nil
}

// deleteUser follows the spec: "The EIM user must not belong to any group,
// nor have any key or linked policy." The fake also refuses a user with
// inline policies (IAM's rule; the spec is silent).
func deleteUser(c *call, in *osc.DeleteUserRequest) (any, *apiError) {
	st := c.st()
	u, err := st.findUser(in.UserName, nil)
	if err != nil {
		return nil, err
	}
	switch {
	case len(st.groupsOf(u)) > 0:
		return nil, errHasDependencies.with("user %q belongs to %d group(s)", u.name, len(st.groupsOf(u)))
	case len(st.keysOf(u)) > 0:
		return nil, errHasDependencies.with("user %q has %d access key(s)", u.name, len(st.keysOf(u)))
	case len(u.linked) > 0:
		return nil, errHasDependencies.with("user %q has %d linked policy(ies)", u.name, len(u.linked))
	case len(u.inline) > 0:
		return nil, errHasDependencies.with("user %q has %d inline policy(ies)", u.name, len(u.inline))
	}
	st.users = slices.DeleteFunc(st.users, func(x *user) bool { return x == u })
	return osc.DeleteUserResponse{}, nil
}

func createUserGroup(c *call, in *osc.CreateUserGroupRequest) (any, *apiError) {
	st := c.st()
	path, err := groupNames.checkNew(st, in.UserGroupName, in.Path)
	if err != nil {
		return nil, err
	}
	now := c.now()
	g := &group{id: "ug-" + randomID(8, hexDigits), name: in.UserGroupName, path: path, created: now, modified: now}
	st.groups = append(st.groups, g)
	m := st.groupModel(g)
	return osc.CreateUserGroupResponse{UserGroup: &m}, nil
}

func readUserGroups(c *call, in *osc.ReadUserGroupsRequest) (any, *apiError) {
	st := c.st()
	var match []*group
	for _, g := range st.groups {
		if f := in.Filters; f != nil {
			if !hasPrefix(f.PathPrefix, g.path) || (f.UserGroupIds != nil && !slices.Contains(*f.UserGroupIds, g.id)) {
				continue
			}
		}
		match = append(match, g)
	}
	groups, info, err := modelPage(c, match, in.FirstItem, in.ResultsPerPage, st.groupModel)
	if err != nil {
		return nil, err
	}
	return osc.ReadUserGroupsResponse{
		UserGroups: &groups, HasMoreItems: &info.HasMoreItems,
		MaxResultsLimit: &info.MaxResultsLimit, MaxResultsTruncated: &info.MaxResultsTruncated,
	}, nil
}

func (st *state) membersModel(g *group) *[]osc.User {
	users := models(g.members, st.userModel)
	return &users
}

func readUserGroup(c *call, in *osc.ReadUserGroupRequest) (any, *apiError) {
	st := c.st()
	g, err := st.findGroup(in.UserGroupName, slash(in.Path))
	if err != nil {
		return nil, err
	}
	m := st.groupModel(g)
	return osc.ReadUserGroupResponse{UserGroup: &m, Users: st.membersModel(g)}, nil
}

func updateUserGroup(c *call, in *osc.UpdateUserGroupRequest) (any, *apiError) {
	st := c.st()
	g, err := st.findGroup(in.UserGroupName, slash(in.Path))
	if err != nil {
		return nil, err
	}
	if err := groupNames.checkRename(st, g.name, in.NewUserGroupName); err != nil {
		return nil, err
	}
	// "NewPath: A new path for the group. If not specified, it is set to a slash."
	path, err := optPath(in.NewPath)
	if err != nil {
		return nil, err
	}
	if in.NewUserGroupName != nil {
		g.name = *in.NewUserGroupName
	}
	g.path = path
	g.modified = c.now()
	m := st.groupModel(g)
	return osc.UpdateUserGroupResponse{UserGroup: &m, Users: st.membersModel(g)}, nil
}

// deleteUserGroup follows the spec: the group must have no user and no
// linked policy unless Force, which also deletes its inline policies. The
// fake also refuses, without Force, a group that has inline policies.
func deleteUserGroup(c *call, in *osc.DeleteUserGroupRequest) (any, *apiError) {
	st := c.st()
	g, err := st.findGroup(in.UserGroupName, slash(in.Path))
	if err != nil {
		return nil, err
	}
	if in.Force == nil || !*in.Force {
		switch {
		case len(g.members) > 0:
			return nil, errHasDependencies.with("user group %q has %d user(s); empty it or force the deletion", g.name, len(g.members))
		case len(g.linked) > 0:
			return nil, errHasDependencies.with("user group %q has %d linked policy(ies); unlink them or force the deletion", g.name, len(g.linked))
		case len(g.inline) > 0:
			return nil, errHasDependencies.with("user group %q has %d inline policy(ies); delete them or force the deletion", g.name, len(g.inline))
		}
	}
	for _, p := range g.linked {
		p.links--
	}
	st.groups = slices.DeleteFunc(st.groups, func(x *group) bool { return x == g })
	return osc.DeleteUserGroupResponse{}, nil
}

func addUserToUserGroup(c *call, in *osc.AddUserToUserGroupRequest) (any, *apiError) {
	g, u, err := c.st().groupAndUser(in.UserGroupName, in.UserGroupPath, in.UserName, in.UserPath)
	if err != nil {
		return nil, err
	}
	if slices.Contains(g.members, u) {
		return nil, errAlreadyExists.with("user %q is already in user group %q", u.name, g.name)
	}
	g.members = append(g.members, u)
	g.modified = c.now()
	return osc.AddUserToUserGroupResponse{}, nil
}

func removeUserFromUserGroup(c *call, in *osc.RemoveUserFromUserGroupRequest) (any, *apiError) {
	g, u, err := c.st().groupAndUser(in.UserGroupName, in.UserGroupPath, in.UserName, in.UserPath)
	if err != nil {
		return nil, err
	}
	if !slices.Contains(g.members, u) {
		return nil, errNotLinked.with("user %q is not in user group %q", u.name, g.name)
	}
	g.members = slices.DeleteFunc(g.members, func(x *user) bool { return x == u })
	g.modified = c.now()
	return osc.RemoveUserFromUserGroupResponse{}, nil
}

func readUserGroupsPerUser(c *call, in *osc.ReadUserGroupsPerUserRequest) (any, *apiError) {
	st := c.st()
	u, err := st.findUser(in.UserName, slash(in.UserPath))
	if err != nil {
		return nil, err
	}
	groups := models(st.groupsOf(u), st.groupModel)
	return osc.ReadUserGroupsPerUserResponse{UserGroups: &groups}, nil
}

// slash returns p, or a pointer to "/" when p is nil.
func slash(p *string) *string {
	if p == nil {
		root := "/"
		return &root
	}
	return p
}
