// Package policytest holds the property test every provider's translator
// runs: a translated policy never allows more than the portable one.
//
// A translator's test supplies the cloud's catalog of calls and a way to
// evaluate its native documents, and CheckNoWidening does the rest:
//
//	func TestNoWidening(t *testing.T) {
//		policytest.CheckNoWidening(t, policytest.Config{
//			Translator: aws.Translator{},
//			Catalog:    catalogCalls(),           // every action the translator emits
//			Allows:     evalNative,               // the cloud's own evaluation of native JSON
//		})
//	}
package policytest

import (
	"encoding/json"
	"errors"
	"fmt"
	"math/rand/v2"
	"net/netip"
	"slices"
	"testing"
	"time"

	"github.com/iamkit/iamkit/policy"
)

// Call is one native call of a cloud's catalog.
type Call struct {
	// Native is the call's native action as the portable model names it:
	// "aws:ec2:DescribeInstances", "outscale:api:ReadVms".
	Native string
	// Portable is the portable action the call belongs to, such as
	// "compute:Read"; "" when it belongs to none.
	Portable string
	// Resource is the portable resource the call touches ("*" if empty).
	Resource string
	// NativeResource is the same resource as the native evaluator sees it.
	NativeResource string
}

// Config configures CheckNoWidening.
type Config struct {
	// Translator is the translator under test.
	Translator policy.Translator
	// Options are passed to every translation.
	Options policy.TranslateOptions
	// Catalog lists the calls to check: every native action the
	// translator can emit, at least.
	Catalog []Call
	// Allows answers whether the native document allows call in the
	// request context of req (source IP, time, resource tags), as the
	// cloud would.
	Allows func(native []byte, call Call, req policy.Request) (bool, error)
	// Documents is how many documents to generate; default 300.
	Documents int
	// Seed makes the run reproducible; the default is fixed.
	Seed uint64
	// Resources are extra portable resources to draw from.
	Resources []policy.Resource
	// Exact, when set, also fails a translation whose report says Exact
	// when the native decision differs from the portable one in either
	// direction (a report that lies about narrowing).
	Exact bool
}

// Violation is one call that a native document allows but its portable
// source does not (or, with Config.Exact, that an exact translation decides
// differently).
type Violation struct {
	// Document is the generated portable document.
	Document policy.Document
	// Native is its translation.
	Native []byte
	// Report is the translation's report.
	Report policy.Report
	// Call is the call decided differently.
	Call Call
	// Request is the portable request of that call.
	Request policy.Request
	// NativeAllows and PortableAllows are the two decisions.
	NativeAllows, PortableAllows bool
}

// String describes the violation with both documents, for a test's log.
func (v Violation) String() string {
	doc, _ := json.Marshal(v.Document)
	what := "widened"
	if !v.NativeAllows {
		what = "narrowed but reported exact"
	}
	return fmt.Sprintf("%s: %s on %q (ip %v, tags %v): native %v, portable %v\nportable: %s\nnative:   %s\nreport: %s",
		what, v.Call.Native, v.Call.Resource, v.Request.SourceIP, v.Request.ResourceTags,
		v.NativeAllows, v.PortableAllows, doc, v.Native, v.Report)
}

// Stats counts what a run did, so a test can see that it tested something.
type Stats struct {
	// Documents is how many documents were generated; Translated and
	// Refused how many of them the translator translated and refused.
	Documents, Translated, Refused int
	// Decisions is how many calls were decided on both sides.
	Decisions int
}

// NoWidening runs the property over generated documents and returns the
// violations found (at most 20) and what it did. An error means the
// configuration or the native evaluator failed.
func NoWidening(cfg Config) ([]Violation, Stats, error) {
	var st Stats
	if cfg.Translator == nil || cfg.Allows == nil || len(cfg.Catalog) == 0 {
		return nil, st, errors.New("policytest: Config needs Translator, Allows and a Catalog")
	}
	n := cfg.Documents
	if n <= 0 {
		n = 300
	}
	seed := cfg.Seed
	if seed == 0 {
		seed = 0x1a4c17
	}
	g := newGen(rand.New(rand.NewPCG(seed, seed^0x9e3779b97f4a7c15)), cfg)
	reqs := contexts()
	var out []Violation
	for range n {
		doc := g.document()
		st.Documents++
		if policy.Validate(doc) != nil {
			continue
		}
		tr, err := cfg.Translator.Translate(doc, cfg.Options)
		if err != nil {
			st.Refused++
			continue
		}
		st.Translated++
		exact := tr.Report.Fidelity() == policy.Exact
		for _, c := range cfg.Catalog {
			for _, base := range reqs {
				req := base
				req.Action, req.NativeAction, req.Resource = c.Portable, c.Native, c.Resource
				if req.Action == "" {
					req.Action = c.Native
				}
				if req.Resource == "" {
					req.Resource = "*"
				}
				nat, err := cfg.Allows(tr.Native, c, req)
				if err != nil {
					return out, st, fmt.Errorf("policytest: native evaluation of %s: %w\nnative: %s", c.Native, err, tr.Native)
				}
				st.Decisions++
				port := policy.Evaluate(req, doc).Allowed
				if (nat && !port) || (cfg.Exact && exact && nat != port) {
					out = append(out, Violation{Document: doc, Native: tr.Native, Report: tr.Report, Call: c, Request: req, NativeAllows: nat, PortableAllows: port})
					if len(out) >= 20 {
						return out, st, nil
					}
				}
			}
		}
	}
	return out, st, nil
}

// CheckNoWidening runs NoWidening and reports each violation as a test
// error. It also fails when no generated document could be translated,
// since such a run proves nothing.
func CheckNoWidening(t testing.TB, cfg Config) {
	t.Helper()
	vs, st, err := NoWidening(cfg)
	if err != nil {
		t.Fatal(err)
	}
	for _, v := range vs {
		t.Error(v)
	}
	if st.Translated == 0 {
		t.Errorf("policytest: none of %d generated documents was translated (%d refused)", st.Documents, st.Refused)
	}
	t.Logf("policytest: %d documents, %d translated, %d refused, %d decisions", st.Documents, st.Translated, st.Refused, st.Decisions)
}

// contexts are the request contexts each call is decided in.
func contexts() []policy.Request {
	now := time.Date(2026, 6, 1, 12, 0, 0, 0, time.UTC)
	return []policy.Request{
		{Time: now},
		{Time: now, SourceIP: netip.MustParseAddr("203.0.113.7"), ResourceTags: map[string]string{"CreatedBy": "user"}},
		{Time: now.AddDate(2, 0, 0), SourceIP: netip.MustParseAddr("198.51.100.9"), ResourceTags: map[string]string{"CreatedBy": "other"}},
	}
}

type gen struct {
	r         *rand.Rand
	actions   []policy.Action
	resources []policy.Resource
}

func newGen(r *rand.Rand, cfg Config) *gen {
	g := &gen{r: r}
	g.actions = append(g.actions, "*")
	for _, s := range policy.Services() {
		g.actions = append(g.actions, policy.Portable(s, "*"))
		for _, l := range policy.Levels() {
			g.actions = append(g.actions, policy.Portable(s, l))
		}
	}
	for _, l := range policy.Levels() {
		g.actions = append(g.actions, policy.Portable("*", l))
	}
	g.resources = []policy.Resource{"*", "project/p1", "objectstorage:bucket/logs", "compute:instance/*"}
	g.resources = append(g.resources, cfg.Resources...)
	for _, c := range cfg.Catalog {
		g.actions = append(g.actions, policy.Action(c.Native))
		// A wildcard on the native call's name, too: "aws:ec2:Describe*".
		if i := len(c.Native) - 3; i > 0 {
			g.actions = append(g.actions, policy.Action(c.Native[:i]+"*"))
		}
		if c.Resource != "" && c.Resource != "*" {
			g.resources = append(g.resources, policy.Resource(c.Resource))
		}
	}
	slices.Sort(g.actions)
	g.actions = slices.Compact(g.actions)
	slices.Sort(g.resources)
	g.resources = slices.Compact(g.resources)
	return g
}

func pick[T any](r *rand.Rand, from []T, n int) []T {
	out := make([]T, 0, n)
	for range n {
		out = append(out, from[r.IntN(len(from))])
	}
	slices.SortFunc(out, func(a, b T) int { return compareAny(a, b) })
	return out
}

func compareAny[T any](a, b T) int {
	sa, sb := fmt.Sprint(a), fmt.Sprint(b)
	switch {
	case sa < sb:
		return -1
	case sa > sb:
		return 1
	}
	return 0
}

func (g *gen) document() policy.Document {
	n := 1 + g.r.IntN(3)
	doc := policy.Document{Version: policy.Version}
	for range n {
		doc.Statements = append(doc.Statements, g.statement())
	}
	return doc
}

func (g *gen) statement() policy.Statement {
	r := g.r
	s := policy.Statement{Effect: policy.Allow}
	if r.IntN(4) == 0 {
		s.Effect = policy.Deny
	}
	acts := slices.Compact(pick(r, g.actions, 1+r.IntN(3)))
	if r.IntN(8) == 0 {
		s.NotActions = acts
	} else {
		s.Actions = acts
	}
	res := slices.Compact(pick(r, g.resources, 1+r.IntN(2)))
	if r.IntN(10) == 0 {
		s.NotResources = res
	} else {
		s.Resources = res
	}
	switch r.IntN(6) {
	case 0:
		s = s.FromNetworks("203.0.113.0/24")
	case 1:
		s = s.When(policy.NotIPAddress, policy.KeySourceIP, "203.0.113.0/24")
	case 2:
		s = s.Between(time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC), time.Date(2027, 1, 1, 0, 0, 0, 0, time.UTC))
	case 3:
		s = s.When(policy.StringEqualsIfExists, policy.KeyResourceTagPrefix+"CreatedBy", "user")
	case 4:
		s = s.When(policy.StringEquals, policy.KeyResourceTagPrefix+"CreatedBy", "user")
	}
	return s
}
