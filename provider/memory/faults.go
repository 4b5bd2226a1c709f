package memory

import (
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/iamkit/iamkit/iam"
)

// Fault makes a future call fail, so that a test can exercise its error
// handling and retries. See Provider.InjectFault.
type Fault struct {
	// Op is the method whose call fails, such as "CreateAccessKey"; ""
	// means any iam.Provider method. For a listing, each page is a call.
	Op string
	// Nth picks the call that fails, counting calls of Op from the moment
	// the fault is injected: 1 (or 0) is the next one.
	Nth int
	// Kind is the kind of the error, one of the iam.Err… kinds.
	Kind error
	// Msg is the error's message; "injected fault" if empty.
	Msg string
}

// pendingFault is an injected fault and the calls still to go before it
// fires.
type pendingFault struct {
	Fault
	left int
}

// ops are the methods faults and Calls know, those of iam.Provider that
// make requests.
var ops = []string{
	"CreateUser", "GetUser", "ListUsers", "DeleteUser",
	"CreateGroup", "GetGroup", "ListGroups", "DeleteGroup",
	"AddUserToGroup", "RemoveUserFromGroup", "ListGroupMembers", "ListGroupsForUser",
	"CreatePolicy", "GetPolicy", "ListPolicies", "UpdatePolicy", "DeletePolicy",
	"AttachPolicy", "DetachPolicy", "ListAttachedPolicies",
	"CreateAccessKey", "ListAccessKeys", "SetAccessKeyStatus", "DeleteAccessKey",
}

// InjectFault arranges for the f.Nth call of f.Op from now to fail with an
// *iam.Error of kind f.Kind, and to have no effect. A fault fires once.
// Faults apply to the iam.Provider methods only, not to Authorize or the
// other helpers; a call rejected for a bad name does not count.
//
// InjectFault panics when f.Op is not an iam.Provider method or f.Kind not
// one of the iam.Err… kinds: a typo would otherwise make the fault never
// fire and the test pass for the wrong reason.
func (p *Provider) InjectFault(f Fault) {
	if f.Op != "" && !slices.Contains(ops, f.Op) {
		panic(fmt.Sprintf("memory: InjectFault: unknown Op %q; known: %s", f.Op, strings.Join(ops, ", ")))
	}
	if f.Kind == nil || iam.KindOf(f.Kind) != f.Kind {
		panic(fmt.Sprintf("memory: InjectFault: Kind %v is not one of the iam.Err… kinds", f.Kind))
	}
	p.fmu.Lock()
	defer p.fmu.Unlock()
	p.faults = append(p.faults, &pendingFault{Fault: f, left: max(f.Nth, 1)})
}

// SetLatency delays every later iam.Provider call (each page of a
// listing) by d, as a network would; a call whose context ends while it
// waits returns the context's error. d <= 0 removes the delay.
func (p *Provider) SetLatency(d time.Duration) {
	p.fmu.Lock()
	defer p.fmu.Unlock()
	p.latency = max(d, 0)
}

// ResetFaults removes the faults that have not fired and the latency.
// Calls keeps counting.
func (p *Provider) ResetFaults() {
	p.fmu.Lock()
	defer p.fmu.Unlock()
	p.faults = nil
	p.latency = 0
}

// Calls returns how many requests of method op reached the provider since
// it was made, or of all methods when op is "". Calls rejected for a bad
// name or a context already done never reach it; each page of a listing is
// a request; faulted calls count.
func (p *Provider) Calls(op string) int {
	p.fmu.Lock()
	defer p.fmu.Unlock()
	if op == "" {
		return p.total
	}
	return p.calls[op]
}

// arrive counts a request of op and returns the error of the fault it
// triggers, if any.
func (p *Provider) arrive(op, resource string) error {
	p.fmu.Lock()
	defer p.fmu.Unlock()
	p.calls[op]++
	p.total++
	fire := -1
	for i, f := range p.faults {
		if f.Op != "" && f.Op != op {
			continue
		}
		f.left--
		if f.left <= 0 && fire < 0 {
			fire = i
		}
	}
	if fire < 0 {
		return nil
	}
	f := p.faults[fire]
	p.faults = slices.Delete(p.faults, fire, fire+1)
	msg := f.Msg
	if msg == "" {
		msg = "injected fault"
	}
	return fail(op, resource, f.Kind, "%s", msg)
}
