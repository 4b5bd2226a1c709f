// Package scenario runs the examples: it provisions a service account on
// the provider named by -provider (the in-memory fake by default), prints
// what it made with the secret redacted, and on the memory provider shows
// calls that the new key may and may not make.
package scenario

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"os"

	// The adapters register their URL schemes: -provider aws://…, outscale://…, ovh://…, openstack://….
	_ "github.com/iamkit/iamkit/aws"
	_ "github.com/iamkit/iamkit/openstack"
	_ "github.com/iamkit/iamkit/outscale"
	_ "github.com/iamkit/iamkit/ovh"

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
func Main(s Scenario) {
	fs := flag.NewFlagSet(os.Args[0], flag.ExitOnError)
	url := fs.String("provider", "memory://", "provider URL: memory://, aws://?region=…, outscale://REGION, ovh://ovh-eu, openstack://?cloud=NAME")
	cleanup := fs.Bool("deprovision", false, "remove the service account again at the end")
	_ = fs.Parse(os.Args[1:])
	if err := Run(context.Background(), os.Stdout, *url, s, *cleanup); err != nil {
		fmt.Fprintln(os.Stderr, "error:", err)
		os.Exit(1)
	}
}

// Run provisions s on the provider at url and writes what happened to w.
func Run(ctx context.Context, w io.Writer, url string, s Scenario, deprovision bool) error {
	p, err := provider.Open(ctx, url)
	if err != nil {
		return err
	}
	fmt.Fprintf(w, "# %s\n", s.Title)
	doc, err := json.MarshalIndent(s.Account.Policy, "", "  ")
	if err != nil {
		return err
	}
	fmt.Fprintf(w, "policy:\n%s\n", doc)
	if tr, err := p.Translator().Translate(s.Account.Policy, s.Account.Translate); err == nil {
		fmt.Fprintf(w, "translation for %s: %s\n", p.Name(), tr.Report)
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
		if err := iam.Deprovision(ctx, p, s.Account.User); err != nil {
			return err
		}
		fmt.Fprintln(w, "- user/"+s.Account.User, "and its keys")
	}
	return nil
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
