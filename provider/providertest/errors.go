package providertest

import (
	"errors"

	"github.com/iamkit/iamkit/iam"
)

var errorTests = []test{
	{"Shape", testErrorShape},
}

// testErrorShape provokes one error of each kind a provider can be made to
// return and checks each in detail. (Every other error of the suite is
// checked too, by the checker every test calls through.)
func testErrorShape(e *env) {
	u := e.newUser()
	e.newKey(u.Name, nil)
	type errCase struct {
		what string
		kind error
		err  error
	}
	cases := []errCase{
		{"GetUser of a missing user", iam.ErrNotFound, func() error { _, err := e.p.GetUser(e.ctx, e.name("u")); return err }()},
		{"CreateUser of an existing user", iam.ErrAlreadyExists, func() error { _, err := e.p.CreateUser(e.ctx, u.Name, nil); return err }()},
		{"DeleteUser of a user with a key", iam.ErrConflict, e.p.DeleteUser(e.ctx, u.Name)},
		{"GetUser of an empty name", iam.ErrInvalid, func() error { _, err := e.p.GetUser(e.ctx, ""); return err }()},
	}
	if max := e.caps.MaxKeysPerUser; max > 0 {
		for range max - 1 {
			e.newKey(u.Name, nil)
		}
		_, err := e.p.CreateAccessKey(e.ctx, u.Name, nil)
		cases = append(cases, errCase{"CreateAccessKey beyond the limit", iam.ErrLimit, err})
	}
	for _, c := range cases {
		if !e.isKind(c.err, c.kind, "%s", c.what) {
			continue
		}
		if bad := CheckError(e.p.Name(), c.err); bad != nil {
			e.t.Errorf("%s: %v", c.what, bad)
			continue
		}
		var ie *iam.Error
		errors.As(c.err, &ie)
		if ie.Op == "" {
			e.t.Errorf("%s: the *iam.Error names no operation: %q", c.what, c.err)
		}
		if iam.KindOf(c.err) != c.kind {
			e.t.Errorf("%s: iam.KindOf = %v, want %v", c.what, iam.KindOf(c.err), c.kind)
		}
		if c.err.Error() == "" {
			e.t.Errorf("%s: empty message", c.what)
		}
	}
}
