package aws

import (
	"fmt"
	"slices"
	"strings"

	"github.com/iamkit/iamkit/iam"
	"github.com/iamkit/iamkit/internal/awspolicy"
	"github.com/iamkit/iamkit/policy"
)

// Import reads an AWS IAM identity policy into a portable Document that
// Translator turns back into an equivalent policy.
//
// Actions become native actions ("ec2:RunInstances" → "aws:ec2:RunInstances";
// "*" stays "*"), except that an Action list holding every action of a
// catalog level reads as that portable level ("compute:Read"), which
// translates back to the very same actions; resources stay verbatim (ARNs
// are native resources); and
// conditions map to the portable keys: aws:SourceIp, aws:CurrentTime and
// aws:ResourceTag/<key> to iamkit:SourceIp, iamkit:CurrentTime and
// iamkit:ResourceTag/<key>, and a service's own tag key such as
// ec2:ResourceTag/<key> to iamkit:ResourceTag/<key> when every action of
// the statement belongs to that service (for the others AWS would not set
// the key). Condition operators must be portable ones (IpAddress,
// NotIpAddress, the four Date comparisons, StringEquals, StringNotEquals,
// StringEqualsIfExists).
//
// Anything else (other condition keys or operators, policy variables such
// as ${aws:username}, actions whose names the portable grammar refuses) is
// refused with an *iam.Error of kind iam.ErrInvalid that wraps a
// *policy.Error naming the native statement (counted from 0) and what is
// unsupported. The Id element is dropped.
func Import(native []byte) (policy.Document, error) {
	d, err := awspolicy.Parse(native, awspolicy.AWS)
	if err != nil {
		return policy.Document{}, importErr(err)
	}
	doc := policy.Document{Version: policy.Version}
	for i, s := range d.Statements {
		ps, perr := importStatement(i, s)
		if perr != nil {
			return policy.Document{}, importErr(perr)
		}
		doc.Statements = append(doc.Statements, ps)
	}
	if err := policy.Validate(doc); err != nil {
		return policy.Document{}, importErr(err)
	}
	return doc, nil
}

func importErr(err error) error {
	return &iam.Error{Provider: "aws", Op: "Import", Kind: iam.ErrInvalid, Err: err}
}

// portableOps are the condition operators of the portable model.
var portableOps = []policy.Operator{
	policy.IPAddress, policy.NotIPAddress, policy.DateGreaterThan, policy.DateGreaterThanEquals,
	policy.DateLessThan, policy.DateLessThanEquals, policy.StringEquals, policy.StringNotEquals,
	policy.StringEqualsIfExists,
}

func importStatement(i int, s awspolicy.Statement) (policy.Statement, *policy.Error) {
	fail := func(field, format string, args ...any) *policy.Error {
		return &policy.Error{Statement: i, Sid: s.Sid, Field: field, Msg: fmt.Sprintf(format, args...)}
	}
	ps := policy.Statement{Sid: s.Sid, Effect: policy.Effect(s.Effect)}
	actions := func(field string, list []string) ([]policy.Action, *policy.Error) {
		if list == nil {
			return nil, nil
		}
		out := make([]policy.Action, 0, len(list))
		for j, a := range list {
			if a == "*" {
				out = append(out, "*")
				continue
			}
			svc, name, _ := strings.Cut(a, ":")
			pa := policy.Action("aws:" + strings.ToLower(svc) + ":" + name)
			if _, _, ok := pa.Native(); !ok {
				return nil, fail(fmt.Sprintf("%s[%d]", field, j), "%q cannot be written as a portable native action (action names of [A-Za-z0-9*?] only)", a)
			}
			out = append(out, pa)
		}
		return out, nil
	}
	var perr *policy.Error
	if ps.Actions, perr = actions("Action", s.Actions); perr != nil {
		return ps, perr
	}
	ps.Actions = collapseLevels(ps.Actions)
	if ps.NotActions, perr = actions("NotAction", s.NotActions); perr != nil {
		return ps, perr
	}
	resources := func(field string, list []string) ([]policy.Resource, *policy.Error) {
		if list == nil {
			return nil, nil
		}
		out := make([]policy.Resource, 0, len(list))
		for j, r := range list {
			if strings.Contains(r, "${") {
				return nil, fail(fmt.Sprintf("%s[%d]", field, j), "policy variables such as ${aws:username} have no portable equivalent")
			}
			// What the Translator writes back: "*" or a full ARN (a
			// shorter one would not translate back).
			if r != "*" && (!awsText(r) || strings.Count(r, ":") < 5) {
				return nil, fail(fmt.Sprintf("%s[%d]", field, j), "%q is not an ARN AWS accepts (arn:partition:service:region:account:resource)", shorten(r))
			}
			out = append(out, policy.Resource(r))
		}
		return out, nil
	}
	if ps.Resources, perr = resources("Resource", s.Resources); perr != nil {
		return ps, perr
	}
	if ps.NotResources, perr = resources("NotResource", s.NotResources); perr != nil {
		return ps, perr
	}

	for _, c := range s.Conditions {
		field := "Condition." + c.Operator + "." + c.Key
		op := policy.Operator(c.Operator)
		if !slices.Contains(portableOps, op) {
			return ps, fail(field, "operator %s has no portable equivalent (want IpAddress, NotIpAddress, DateGreaterThan, DateGreaterThanEquals, DateLessThan, DateLessThanEquals, StringEquals, StringNotEquals or StringEqualsIfExists)", c.Operator)
		}
		key, msg := importKey(c.Key, s)
		if msg != "" {
			return ps, fail(field, "%s", msg)
		}
		for _, v := range c.Values {
			if strings.Contains(v, "${") {
				return ps, fail(field, "policy variables such as ${aws:username} have no portable equivalent")
			}
		}
		pc := policy.Condition{Operator: op, Key: key, Values: slices.Clone(c.Values)}
		dup := slices.IndexFunc(ps.Conditions, func(o policy.Condition) bool { return o.Operator == op && o.Key == key })
		if dup >= 0 {
			if slices.Equal(ps.Conditions[dup].Values, pc.Values) {
				continue
			}
			return ps, fail(field, "%s tests %s as another key of this statement does: both must hold, which one portable condition cannot say", c.Operator, key)
		}
		ps.Conditions = append(ps.Conditions, pc)
	}
	slices.SortStableFunc(ps.Conditions, func(a, b policy.Condition) int {
		if c := strings.Compare(string(a.Operator), string(b.Operator)); c != 0 {
			return c
		}
		return strings.Compare(a.Key, b.Key)
	})
	return ps, nil
}

// importKey maps an AWS condition key to a portable one, or says why it
// cannot.
func importKey(key string, s awspolicy.Statement) (string, string) {
	svc, name, _ := strings.Cut(key, ":")
	switch {
	case strings.EqualFold(key, "aws:SourceIp"):
		return policy.KeySourceIP, ""
	case strings.EqualFold(key, "aws:CurrentTime"):
		return policy.KeyCurrentTime, ""
	}
	tag, isTag := cutPrefixFold(name, "ResourceTag/")
	switch {
	case !isTag || tag == "":
		return "", fmt.Sprintf("condition key %s has no portable equivalent (want aws:SourceIp, aws:CurrentTime, aws:ResourceTag/<key> or <service>:ResourceTag/<key>)", key)
	case strings.EqualFold(svc, "aws"):
		return policy.KeyResourceTagPrefix + tag, ""
	}
	// A service's own tag key is set for that service's actions only.
	if s.NotActions != nil {
		return "", fmt.Sprintf("%s applies to %s actions only, and the statement uses NotAction: use aws:ResourceTag/%s", key, svc, tag)
	}
	for _, a := range s.Actions {
		if !strings.EqualFold(actionPrefix(a), svc) {
			return "", fmt.Sprintf("%s applies to %s actions only, and the statement has %s too: use aws:ResourceTag/%s", key, svc, a, tag)
		}
	}
	return policy.KeyResourceTagPrefix + tag, ""
}

func cutPrefixFold(s, prefix string) (string, bool) {
	if len(s) >= len(prefix) && strings.EqualFold(s[:len(prefix)], prefix) {
		return s[len(prefix):], true
	}
	return s, false
}

// collapseLevels replaces, in an Action list, the native actions that make
// up a whole catalog level by that portable level, in catalog order; the
// other actions follow in their order. The tagging levels of the EC2-API
// services, whose actions are limited to resource types, are left alone.
func collapseLevels(actions []policy.Action) []policy.Action {
	at := make(map[string][]int)
	for i, a := range actions {
		if cloud, name, ok := a.Native(); ok && cloud == policy.CloudAWS && !strings.ContainsAny(name, "*?") {
			k := strings.ToLower(name)
			at[k] = append(at[k], i)
		}
	}
	used := make(map[int]bool)
	var out []policy.Action
	for _, c := range catalog {
		if c.types != nil || len(c.actions) == 0 {
			continue
		}
		all := true
		for _, a := range c.actions {
			if len(at[strings.ToLower(a)]) == 0 {
				all = false
				break
			}
		}
		if !all {
			continue
		}
		out = append(out, policy.Portable(c.service, c.level))
		for _, a := range c.actions {
			for _, i := range at[strings.ToLower(a)] {
				used[i] = true
			}
		}
	}
	if len(out) == 0 {
		return actions
	}
	for i, a := range actions {
		if !used[i] {
			out = append(out, a)
		}
	}
	return out
}
