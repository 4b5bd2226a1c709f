package oscfake

import (
	"slices"
	"time"

	osc "github.com/outscale/osc-sdk-go/v2"
)

func init() {
	handlers["CreateAccessKey"] = decoded(createAccessKey)
	handlers["ReadAccessKeys"] = decoded(readAccessKeys)
	handlers["UpdateAccessKey"] = decoded(updateAccessKey)
	handlers["DeleteAccessKey"] = decoded(deleteAccessKey)
	handlers["ReadAccounts"] = readAccounts
	handlers["ReadVms"] = readVms
	handlers["DeleteVms"] = decoded(deleteVms)
}

func keyModel(k *accessKey) osc.AccessKey {
	m := osc.AccessKey{
		AccessKeyId:          osc.PtrString(k.id),
		State:                osc.PtrString(k.state),
		CreationDate:         fmtTime(k.created),
		LastModificationDate: fmtTime(k.modified),
	}
	if k.expires != nil {
		m.ExpirationDate = fmtTime(*k.expires)
	}
	if k.tag != "" {
		m.Tag = osc.PtrString(k.tag)
	}
	return m
}

// keyOwner resolves the UserName of a key call: the named EIM user, or by
// default "the user who sends the request (which can be the root user)".
func (c *call) keyOwner(name *string) (*user, *apiError) {
	if name == nil {
		return c.caller, nil
	}
	return c.st().findUser(*name, nil)
}

// parseExpiration reads "ISO 8601 format (for example,
// 2020-06-14T00:00:00.000Z, or 2020-06-14)"; the date must be in the future.
func parseExpiration(c *call, v string) (*time.Time, *apiError) {
	for _, layout := range []string{"2006-01-02", time.RFC3339Nano, "2006-01-02T15:04:05.000Z", "2006-01-02T15:04:05Z07:00"} {
		t, err := time.Parse(layout, v)
		if err != nil {
			continue
		}
		if !t.After(c.now()) {
			return nil, errInvalidParameterValue.with("ExpirationDate %q is not in the future", v)
		}
		t = t.UTC()
		return &t, nil
	}
	return nil, errInvalidParameterValue.with("ExpirationDate %q is not an ISO 8601 date or date-time", v)
}

func createAccessKey(c *call, in *osc.CreateAccessKeyRequest) (any, *apiError) {
	owner, err := c.keyOwner(in.UserName)
	if err != nil {
		return nil, err
	}
	var expires *time.Time
	if in.ExpirationDate != nil {
		if expires, err = parseExpiration(c, *in.ExpirationDate); err != nil {
			return nil, err
		}
	}
	st := c.st()
	limit := c.s.opts.KeyLimit
	if owner == nil {
		limit = RootKeyLimit
	}
	if n := len(st.keysOf(owner)); n >= limit {
		return nil, errTooManyResources.with("the owner already has %d access keys, the maximum", n)
	}
	now := c.now()
	k := &accessKey{
		id: randomID(20, upperAlnum), secret: randomID(40, secretAlph), owner: owner,
		state: "ACTIVE", created: now, modified: now, expires: expires,
	}
	if in.Tag != nil {
		k.tag = *in.Tag
	}
	st.keys = append(st.keys, k)
	m := keyModel(k)
	return osc.CreateAccessKeyResponse{AccessKey: &osc.AccessKeySecretKey{
		AccessKeyId: m.AccessKeyId, SecretKey: osc.PtrString(k.secret), State: m.State, Tag: m.Tag,
		CreationDate: m.CreationDate, LastModificationDate: m.LastModificationDate, ExpirationDate: m.ExpirationDate,
	}}, nil
}

func readAccessKeys(c *call, in *osc.ReadAccessKeysRequest) (any, *apiError) {
	owner, err := c.keyOwner(in.UserName)
	if err != nil {
		return nil, err
	}
	out := []osc.AccessKey{}
	for _, k := range c.st().keysOf(owner) {
		if f := in.Filters; f != nil {
			if f.AccessKeyIds != nil && !slices.Contains(*f.AccessKeyIds, k.id) {
				continue
			}
			if f.States != nil && !slices.Contains(*f.States, k.state) {
				continue
			}
		}
		if in.Tag != nil && k.tag != *in.Tag {
			continue
		}
		out = append(out, keyModel(k))
	}
	return osc.ReadAccessKeysResponse{AccessKeys: &out}, nil
}

// findKey returns the key id of the owner that userName names, as for
// keyOwner.
func (c *call) findKey(id string, userName *string) (*accessKey, *apiError) {
	owner, err := c.keyOwner(userName)
	if err != nil {
		return nil, err
	}
	k := c.st().key(id)
	if k == nil || k.owner != owner {
		return nil, errNoSuchAccessKey.with("access key %q does not exist", id)
	}
	return k, nil
}

// updateAccessKey follows the spec, including: "if you do not specify the
// expiration date of an access key when updating its state, it is then
// set to not expire."
func updateAccessKey(c *call, in *osc.UpdateAccessKeyRequest) (any, *apiError) {
	k, err := c.findKey(in.AccessKeyId, in.UserName)
	if err != nil {
		return nil, err
	}
	var expires *time.Time
	clearExp := in.ClearExpirationDate != nil && *in.ClearExpirationDate
	if in.ExpirationDate != nil && !clearExp {
		if expires, err = parseExpiration(c, *in.ExpirationDate); err != nil {
			return nil, err
		}
	}
	if in.State != nil {
		if *in.State != "ACTIVE" && *in.State != "INACTIVE" {
			return nil, errInvalidParameterValue.with("State %q is not ACTIVE or INACTIVE", *in.State)
		}
		k.state = *in.State
	}
	k.expires = expires
	switch {
	case in.ClearTag != nil && *in.ClearTag:
		k.tag = ""
	case in.Tag != nil:
		k.tag = *in.Tag
	}
	k.modified = c.now()
	m := keyModel(k)
	return osc.UpdateAccessKeyResponse{AccessKey: &m}, nil
}

// deleteAccessKey: "The access key of an EIM user must be in the INACTIVE
// state to be deleted."
func deleteAccessKey(c *call, in *osc.DeleteAccessKeyRequest) (any, *apiError) {
	k, err := c.findKey(in.AccessKeyId, in.UserName)
	if err != nil {
		return nil, err
	}
	if k.owner != nil && k.state != "INACTIVE" {
		return nil, errInUse.with("access key %q of EIM user %q is ACTIVE; set it INACTIVE before deleting it", k.id, k.owner.name)
	}
	st := c.st()
	st.keys = slices.DeleteFunc(st.keys, func(x *accessKey) bool { return x == k })
	return osc.DeleteAccessKeyResponse{}, nil
}

// readAccounts: "Gets information about the account that sent the request."
func readAccounts(c *call) (any, *apiError) {
	acct := osc.Account{
		AccountId:  osc.PtrString(c.s.opts.AccountID),
		CustomerId: osc.PtrString("87654321"),
		Email:      osc.PtrString("root@oscfake.example.com"),
	}
	return osc.ReadAccountsResponse{Accounts: &[]osc.Account{acct}}, nil
}

// readVms and deleteVms stand in for the compute API, so that a test can
// prove what an EIM key may call: the account has no VMs.
func readVms(c *call) (any, *apiError) {
	return osc.ReadVmsResponse{Vms: &[]osc.Vm{}}, nil
}

func deleteVms(c *call, in *osc.DeleteVmsRequest) (any, *apiError) {
	if len(in.VmIds) == 0 {
		return nil, errMissingParameter.with("VmIds is empty")
	}
	return nil, errNoSuchVm.with("VM %q does not exist", in.VmIds[0])
}
