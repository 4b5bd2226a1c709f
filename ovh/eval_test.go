package ovh

import (
	"encoding/json"
	"fmt"
	"net/netip"
	"slices"
	"strings"

	"github.com/iamkit/iamkit/internal/wildcard"
	"github.com/iamkit/iamkit/policy"
	"github.com/iamkit/iamkit/policy/policytest"
)

// evalNative is a small evaluator of one OVHcloud IAM v2 policy over the
// catalog of calls: whether the policy lets its identities make call in
// the context of req. OpenStack rights are granted only through the role
// actions (a pattern grants a right when it matches a role that has it);
// OVHcloud API actions are matched directly. An action matched by
// except or deny is not granted. Resource URNs and actions match with *
// and ?, case-sensitively. expiredAt ends the policy; conditions must
// hold (MATCH on request.IP and resource.Tag(K); AND, OR, NOT).
func evalNative(native []byte, call policytest.Call, req policy.Request) (bool, error) {
	var n NativePolicy
	if err := json.Unmarshal(native, &n); err != nil {
		return false, err
	}
	if n.ExpiredAt != nil && !req.Time.Before(*n.ExpiredAt) {
		return false, nil
	}
	if !slices.ContainsFunc(n.Resources, func(r NativeResource) bool { return wildcard.Match(r.URN, call.NativeResource, false) }) {
		return false, nil
	}
	if n.Conditions != nil {
		ok, err := evalCond(n.Conditions, req)
		if err != nil || !ok {
			return false, err
		}
	}
	matches := func(list []NativeAction, target string) bool {
		return slices.ContainsFunc(list, func(a NativeAction) bool { return wildcard.Match(a.Action, target, false) })
	}
	blocked := func(target string) bool {
		return matches(n.Permissions.Except, target) || matches(n.Permissions.Deny, target)
	}
	name := strings.TrimPrefix(call.Native, "ovh:")
	if u, ok := unitOf(call.Native); ok {
		for _, r := range roles {
			if slices.Contains(r.Rights, u.Right) && matches(n.Permissions.Allow, r.Action) && !blocked(r.Action) {
				return true, nil
			}
		}
		return false, nil
	}
	return matches(n.Permissions.Allow, name) && !blocked(name), nil
}

func unitOf(native string) (unit, bool) {
	for _, u := range units {
		if u.native() == native {
			return u, true
		}
	}
	return unit{}, false
}

func evalCond(c *NativeCondition, req policy.Request) (bool, error) {
	switch c.Operator {
	case "MATCH":
		for k, v := range c.Values {
			switch {
			case k == "request.IP":
				want, err := netip.ParseAddr(v)
				if err != nil {
					return false, err
				}
				if !req.SourceIP.IsValid() || req.SourceIP != want {
					return false, nil
				}
			case strings.HasPrefix(k, "resource.Tag(") && strings.HasSuffix(k, ")"):
				tag := strings.TrimSuffix(strings.TrimPrefix(k, "resource.Tag("), ")")
				got, ok := req.ResourceTags[tag]
				if !ok || got != v {
					return false, nil
				}
			default:
				return false, fmt.Errorf("unknown condition key %q", k)
			}
		}
		return true, nil
	case "AND", "OR":
		for _, sub := range c.Conditions {
			ok, err := evalCond(sub, req)
			if err != nil {
				return false, err
			}
			if ok == (c.Operator == "OR") {
				return ok, nil
			}
		}
		return c.Operator == "AND", nil
	case "NOT":
		if len(c.Conditions) != 1 {
			return false, fmt.Errorf("NOT takes one condition")
		}
		ok, err := evalCond(c.Conditions[0], req)
		return !ok, err
	}
	return false, fmt.Errorf("unknown operator %q", c.Operator)
}

// testNIC is the account of the translation tests.
const testNIC = "xx1111-ovh"

// catalog lists the calls the no-widening test checks: every unit on two
// projects, a few OVHcloud API actions, and every operation of the iam
// service (accountOps) on the account, once per level it belongs to.
func catalog() []policytest.Call {
	var out []policytest.Call
	acct := AccountURN("eu", testNIC)
	for _, p := range iamPairs {
		out = append(out, policytest.Call{Native: "ovh:" + accountOps[p.Op].Action,
			Portable: string(policy.Portable(policy.IAM, p.Level)), Resource: acct, NativeResource: acct})
	}
	for _, proj := range []string{"p1", "p2"} {
		res, nres := "project/"+proj, ProjectURN("eu", proj)
		for _, u := range units {
			out = append(out, policytest.Call{Native: u.native(), Portable: u.portable(), Resource: res, NativeResource: nres})
		}
		for _, a := range apiCalls {
			out = append(out, policytest.Call{Native: "ovh:" + a, Resource: res, NativeResource: nres})
		}
	}
	return out
}
