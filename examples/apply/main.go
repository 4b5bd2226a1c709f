// Command apply makes the service accounts of a desired-state file exist
// on a cloud, as terraform apply does for its configuration: it prints the
// plan (what it will create, change and, with -delete, destroy), then
// carries it out without asking, and delivers each new access key to a
// dotenv-style credentials directory, -keys.
//
//	go run ./examples/apply -f examples/apply/accounts.yaml                   # on the in-memory provider
//	go run ./examples/apply -f accounts.yaml -provider 'aws://?region=eu-west-3' -dry-run
//	go run ./examples/apply -f accounts.yaml -provider 'aws://?region=eu-west-3' -keys ./keys
//
// On a cloud, -keys is required unless -dry-run: the cloud shows a key's
// secret only when it creates the key, and a secret that is not written
// down is lost. Only memory:// applies without it.
//
// The file's schema is documented in package iam ("Plan and Apply").
// -json prints the plan as JSON instead. Secrets are never printed.
//
// A plan can be reviewed before it is applied, as with terraform plan
// -out: -out saves it as JSON (with -dry-run, nothing else happens), and
// -plan applies only when planning again gives the same changes as the
// saved, reviewed plan:
//
//	go run ./examples/apply -f accounts.yaml -provider URL -dry-run -out plan.json
//	go run ./examples/apply -f accounts.yaml -provider URL -plan plan.json
package main

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"net/url"
	"os"
	"path/filepath"

	// The adapters register their URL schemes: -provider aws://…,
	// openstack://…, outscale://…, ovh://….
	_ "github.com/iamkit/iamkit/aws"
	_ "github.com/iamkit/iamkit/openstack"
	_ "github.com/iamkit/iamkit/outscale"
	_ "github.com/iamkit/iamkit/ovh"

	"github.com/iamkit/iamkit/iam"
	"github.com/iamkit/iamkit/iam/sink"
	"github.com/iamkit/iamkit/provider"
)

// config is the command line.
type config struct {
	file, url, keys, journal string
	out, reviewed            string // -out, -plan
	dryRun, deletes, asJSON  bool
	concurrency              int
}

func main() {
	var c config
	fs := flag.NewFlagSet(os.Args[0], flag.ExitOnError)
	fs.StringVar(&c.file, "f", "accounts.yaml", "desired-state file (YAML, or JSON when it ends in .json)")
	fs.StringVar(&c.url, "provider", "memory://", "provider URL: memory://, aws://?region=…, openstack://?cloud=NAME, outscale://REGION, ovh://ovh-eu")
	fs.BoolVar(&c.dryRun, "dry-run", false, "print the plan and change nothing")
	fs.BoolVar(&c.deletes, "delete", false, "also delete the users, groups and policies iamkit owns that the file does not name")
	fs.BoolVar(&c.asJSON, "json", false, "print the plan as JSON")
	fs.StringVar(&c.keys, "keys", "", "directory to write each new key to, as USER.env (0600); required unless -dry-run or memory://")
	fs.StringVar(&c.journal, "journal", "", "journal directory, so that iam.Recover can finish or undo a run a crash interrupted")
	fs.IntVar(&c.concurrency, "concurrency", iam.DefaultConcurrency, "requests in flight at most")
	fs.StringVar(&c.out, "out", "", "also save the plan as JSON to this file, for review")
	fs.StringVar(&c.reviewed, "plan", "", "a plan saved with -out: apply only if the new plan makes the same changes")
	_ = fs.Parse(os.Args[1:])
	if err := run(context.Background(), os.Stdout, c); err != nil {
		fmt.Fprintln(os.Stderr, "error:", err)
		os.Exit(1)
	}
}

func run(ctx context.Context, w io.Writer, c config) error {
	desired, err := iam.LoadDesired(c.file)
	if err != nil {
		return err
	}
	if err := checkKeys(c); err != nil {
		return err
	}
	p, err := provider.Open(ctx, c.url)
	if err != nil {
		return err
	}
	lim := iam.NewLimiter(iam.LimiterOptions{})
	popts := []iam.PlanOption{iam.WithPlanLimiter(lim), iam.WithPlanConcurrency(c.concurrency)}
	if c.deletes {
		popts = append(popts, iam.WithDeletes())
	}
	cs, err := iam.Plan(ctx, p, desired, popts...)
	if err != nil {
		return err
	}
	if c.out != "" {
		if err := save(c.out, cs); err != nil {
			return err
		}
	}
	var reviewed *iam.ChangeSet
	if c.reviewed != "" {
		if reviewed, err = load(c.reviewed); err != nil {
			return err
		}
	}
	if c.asJSON {
		b, err := json.MarshalIndent(cs, "", "  ")
		if err != nil {
			return err
		}
		fmt.Fprintf(w, "%s\n", b)
	} else if err := cs.Render(w); err != nil {
		return err
	}
	if reviewed != nil && !cs.Equal(reviewed) {
		return fmt.Errorf("the plan above differs from the one reviewed in %s (the cloud or the file changed since): review it again", c.reviewed)
	}
	if c.dryRun || !cs.HasChanges() {
		return nil
	}
	o := iam.ApplyOptions{Limiter: lim, Concurrency: c.concurrency}
	if c.keys != "" {
		if err := os.MkdirAll(c.keys, 0o700); err != nil {
			return err
		}
		o.Sink = iam.SinkFunc(func(ctx context.Context, d iam.Delivery) error {
			return sink.Dotenv{Path: filepath.Join(c.keys, d.User+".env")}.Deliver(ctx, d)
		})
	}
	if c.journal != "" {
		j, err := iam.NewFileJournal(c.journal)
		if err != nil {
			return err
		}
		o.Journal = j
	}
	res, err := iam.Apply(ctx, p, cs, o)
	for _, a := range res.Accounts {
		if a.Key != nil {
			// The secret stays redacted: it went to the sink, if any.
			fmt.Fprintf(w, "key %s for user/%s (secret %v)\n", a.Key.ID, a.User.Name, a.Key.Secret)
		}
	}
	fmt.Fprintf(w, "\nApply complete! %d changed, %d failed, %d skipped; %d requests (%d throttled).\n",
		len(res.Done), len(res.Failed), len(res.Skipped), res.Calls, res.Throttled)
	return err
}

// checkKeys refuses, before anything is sent, to apply on a cloud without
// -keys: the secrets of the keys it creates would be lost, and the keys
// of no use.
func checkKeys(c config) error {
	if c.keys != "" || c.dryRun {
		return nil
	}
	u, err := url.Parse(c.url)
	if err != nil || u.Scheme == "memory" {
		return nil // provider.Open reports a bad URL
	}
	return fmt.Errorf("-provider %s:// without -keys: the new access keys' secrets would be shown once by the cloud and lost; give -keys DIR to write them to DIR/USER.env, or -dry-run to only plan", u.Scheme)
}

// save writes the plan as JSON to path, atomically: a reviewer never sees
// half a plan.
func save(path string, cs *iam.ChangeSet) error {
	b, err := json.MarshalIndent(cs, "", "  ")
	if err != nil {
		return err
	}
	tmp, err := os.CreateTemp(filepath.Dir(path), ".plan-*")
	if err != nil {
		return err
	}
	defer os.Remove(tmp.Name()) // after the rename, nothing to remove
	if _, err := tmp.Write(append(b, '\n')); err != nil {
		tmp.Close()
		return err
	}
	if err := tmp.Close(); err != nil {
		return err
	}
	return os.Rename(tmp.Name(), path)
}

// load reads a plan saved with -out.
func load(path string) (*iam.ChangeSet, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	var cs iam.ChangeSet
	if err := json.Unmarshal(b, &cs); err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	return &cs, nil
}
