// Package scenario runs the examples: it provisions a service account on
// the provider named by -provider (the in-memory fake by default), prints
// what it made with the secret redacted, and on the memory provider shows
// calls that the new key may and may not make.
//
// It refuses to provision where the policy's translation grants nothing
// at all (the cloud can express none of its statements): such an account
// would be of no use to the tool it is for.
package scenario

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"

	// The adapters register their URL schemes: -provider aws://…, outscale://…, ovh://…, openstack://…
	// (ovh and openstack's native policies are read by grantsNothing too).
	_ "github.com/iamkit/iamkit/aws"
	"github.com/iamkit/iamkit/openstack"
	_ "github.com/iamkit/iamkit/outscale"
	"github.com/iamkit/iamkit/ovh"

	"github.com/iamkit/iamkit/iam"
	"github.com/iamkit/iamkit/policy"
	"github.com/iamkit/iamkit/provider"
	"github.com/iamkit/iamkit/provider/memory"
)

// Call is a call made with the new key on the memory provider.
type Call struct {
	Action   string
	Resource string
	// Tags are the resource's tags, for policies with tag conditions.
	Tags map[string]string
}

// Scenario is one documented scenario.
type Scenario struct {
	// Title says what the scenario is, in one line.
	Title   string
	Account iam.ServiceAccount
	// Allowed and Refused are calls the key should and should not be
	// allowed to make, shown on the memory provider.
	Allowed, Refused []Call
}

// Main runs s with the command line's flags and exits non-zero on error.
func Main(s Scenario) { MainFunc(func() Scenario { return s }) }

// MainFunc is Main for a scenario that depends on the example's own
// flags: build is called once the command line is parsed, so an example
// defines its flags on flag.CommandLine before calling MainFunc.
func MainFunc(build func() Scenario) {
	url := flag.String("provider", "memory://", "provider URL: memory://, aws://?region=…, outscale://REGION, ovh://ovh-eu, openstack://?cloud=NAME")
	cleanup := flag.Bool("deprovision", false, "remove the service account again at the end, with its group and policy unless something else uses them")
	flag.Parse()
	if err := Run(context.Background(), os.Stdout, *url, build(), *cleanup); err != nil {
		fmt.Fprintln(os.Stderr, "error:", err)
		os.Exit(1)
	}
}

// Run provisions s on the provider at url and writes what happened to w.
// With deprovision it then removes the account, its keys and what iamkit
// made for it that nothing else uses (iam.WithCleanup).
//
// A policy whose translation grants nothing on that provider is refused
// with an error that quotes the translation report, before any change.
func Run(ctx context.Context, w io.Writer, url string, s Scenario, deprovision bool) error {
	p, err := provider.Open(ctx, url)
	if err != nil {
		return err
	}
	return run(ctx, w, p, s, deprovision)
}

// run is Run on p.
func run(ctx context.Context, w io.Writer, p iam.Provider, s Scenario, deprovision bool) error {
	fmt.Fprintf(w, "# %s\n", s.Title)
	doc, err := json.MarshalIndent(s.Account.Policy, "", "  ")
	if err != nil {
		return err
	}
	fmt.Fprintf(w, "policy:\n%s\n", doc)
	// A refused translation is left for Provision to report.
	if tr, err := p.Translator().Translate(s.Account.Policy, s.Account.Translate); err == nil {
		fmt.Fprintf(w, "translation for %s: %s\n", p.Name(), tr.Report)
		if grantsNothing(p.Name(), tr) {
			return fmt.Errorf("%w on %s, so no account was made: the cloud cannot express any statement of the policy (%s)",
				errNothingGranted, p.Name(), tr.Report)
		}
	}
	acct, err := iam.Provision(ctx, p, s.Account)
	if err != nil {
		return err
	}
	for _, c := range acct.Changes {
		fmt.Fprintln(w, "+", c)
	}
	// The secret is redacted by iam.Secret itself; a real tool would hand
	// acct.Key.Secret.Reveal() to a credential file, never to a log.
	fmt.Fprintf(w, "access key: id=%s user=%s status=%s secret=%v\n", acct.Key.ID, acct.Key.User, acct.Key.Status, acct.Key.Secret)
	if mem, ok := p.(*memory.Provider); ok && !acct.KeyExisted {
		for _, c := range s.Allowed {
			show(ctx, w, mem, acct.Key, c)
		}
		for _, c := range s.Refused {
			show(ctx, w, mem, acct.Key, c)
		}
	}
	if deprovision {
		if err := iam.Deprovision(ctx, p, s.Account.User, iam.WithCleanup()); err != nil {
			return err
		}
		fmt.Fprintln(w, "- user/"+s.Account.User, "and its keys, with the group and policies iamkit made for it that nothing else uses")
	}
	return nil
}

// errNothingGranted is the error of a policy that grants nothing on the
// chosen provider.
var errNothingGranted = errors.New("this policy grants nothing")

// grantsNothing reports whether tr, a translation for the provider named
// name, allows no call at all. AWS and Outscale refuse such translations
// themselves; OVHcloud and OpenStack return an empty native policy.
func grantsNothing(name string, tr *policy.Translation) bool {
	switch name {
	case "ovh":
		var n ovh.NativePolicy
		return json.Unmarshal(tr.Native, &n) == nil && len(n.Permissions.Allow) == 0
	case "openstack":
		// Without a role on the project, a key may call nothing.
		var n openstack.Native
		return json.Unmarshal(tr.Native, &n) == nil && len(n.Roles) == 0
	}
	return false
}

func show(ctx context.Context, w io.Writer, mem *memory.Provider, key *iam.AccessKey, c Call) {
	res := c.Resource
	if res == "" {
		res = "*"
	}
	on := res
	if len(c.Tags) > 0 {
		on = fmt.Sprintf("%s %v", res, c.Tags)
	}
	d, err := mem.AuthorizeRequest(ctx, key.ID, key.Secret.Reveal(), policy.Request{Action: c.Action, Resource: res, ResourceTags: c.Tags})
	switch {
	case err != nil:
		fmt.Fprintf(w, "%-40s on %s: error: %v\n", c.Action, on, err)
	case d.Allowed:
		fmt.Fprintf(w, "%-40s on %s: allowed (%s)\n", c.Action, on, d)
	default:
		fmt.Fprintf(w, "%-40s on %s: refused, 403 (%s)\n", c.Action, on, d)
	}
}

// Verify provisions s on a fresh memory provider and checks that every
// Allowed call is allowed and every Refused call refused, and that a
// second Provision changes nothing.
func Verify(ctx context.Context, s Scenario) error {
	p := memory.New()
	acct, err := iam.Provision(ctx, p, s.Account)
	if err != nil {
		return err
	}
	for _, c := range append(append([]Call{}, s.Allowed...), s.Refused...) {
		res := c.Resource
		if res == "" {
			res = "*"
		}
		d, err := p.AuthorizeRequest(ctx, acct.Key.ID, acct.Key.Secret.Reveal(), policy.Request{Action: c.Action, Resource: res, ResourceTags: c.Tags})
		if err != nil {
			return err
		}
		want := len(s.Allowed) > 0 && containsCall(s.Allowed, c)
		if d.Allowed != want {
			return fmt.Errorf("%s on %s: allowed=%v, want %v (%s)", c.Action, res, d.Allowed, want, d)
		}
	}
	again, err := iam.Provision(ctx, p, s.Account)
	if err != nil {
		return err
	}
	if len(again.Changes) != 0 || !again.KeyExisted {
		return fmt.Errorf("second Provision changed %v (key existed: %v)", again.Changes, again.KeyExisted)
	}
	return iam.Deprovision(ctx, p, s.Account.User)
}

func containsCall(calls []Call, c Call) bool {
	for _, x := range calls {
		if x.Action == c.Action && x.Resource == c.Resource && fmt.Sprint(x.Tags) == fmt.Sprint(c.Tags) {
			return true
		}
	}
	return false
}
