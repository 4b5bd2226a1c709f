package oscfake

import (
	"crypto/hmac"
	"net/http"
	"time"

	"github.com/iamkit/iamkit/internal/awspolicy"
)

// authenticate checks the request's SigV4 signature and returns the EIM
// user who signed it, or nil for the root account.
//
// A signature that no correct client produces (no or malformed header,
// another service or region in the scope, a wrong signature with a key the
// fake knows) is reported as a failure of the code under test: it is the
// adapter's signing that drifted. A key that is unknown, INACTIVE or
// expired is refused without failing the test: tests provoke that on
// purpose (deleting or deactivating a key, then using it).
func (s *Server) authenticate(r *http.Request, body []byte, op string) (*user, *apiError) {
	auth := r.Header.Get("Authorization")
	sig, err := parseSigV4(auth)
	if err != nil {
		s.report("%s: %v", op, err)
		if auth == "" {
			return nil, errAuthFailed.with("missing Authorization header")
		}
		return nil, errUnknownAuthType.with("%v", err)
	}
	if sig.Service != sigService {
		s.report("%s: SigV4 scope service is %q, the OUTSCALE API expects %q", op, sig.Service, sigService)
		return nil, errAuthFailed.with("credential scope service %q is not %q", sig.Service, sigService)
	}
	if sig.Region != s.opts.Region {
		s.report("%s: SigV4 scope region is %q, this endpoint is in %q", op, sig.Region, s.opts.Region)
		return nil, errAuthFailed.with("credential scope region %q is not %q", sig.Region, s.opts.Region)
	}
	amzDate := r.Header.Get("X-Amz-Date")
	ts, err := time.Parse(amzDateFmt, amzDate)
	if err != nil {
		s.report("%s: X-Amz-Date %q is not %s", op, amzDate, amzDateFmt)
		return nil, errAuthFailed.with("bad X-Amz-Date")
	}
	if amzDate[:8] != sig.Date {
		s.report("%s: credential scope date %s differs from X-Amz-Date %s", op, sig.Date, amzDate)
		return nil, errAuthFailed.with("scope date does not match X-Amz-Date")
	}
	if d := time.Since(ts); d > maxClockSkew || d < -maxClockSkew {
		s.report("%s: request signed at %s, %s away from the server clock", op, ts, d)
		return nil, errAuthFailed.with("signature expired")
	}

	s.mu.Lock()
	secret, owner, known := s.state.credentials(sig.AccessKey)
	s.mu.Unlock()
	if !known {
		return nil, errAuthFailed.with("unknown, inactive or expired access key %q", sig.AccessKey)
	}
	want := sigV4Signature(r, body, secret, amzDate, sig.Region, sig.SignedHeaders)
	if !hmac.Equal([]byte(want), []byte(sig.Signature)) {
		s.report("%s: SigV4 signature does not match (signed headers %v)", op, sig.SignedHeaders)
		return nil, errAuthFailed.with("signature does not match")
	}
	return owner, nil
}

// authorize evaluates a call signed by an EIM user against the user's
// policies (inline and managed, of the user and of its groups): action
// "api:<Call>", resource "*". Explicit Deny wins, then Allow, otherwise
// the call is denied. The root account may do anything. Called with s.mu
// held.
func (s *Server) authorize(c *call) *apiError {
	if c.caller == nil || s.opts.NoEnforcement {
		return nil
	}
	docs := s.state.effectivePolicies(c.caller)
	d := awspolicy.Evaluate(awspolicy.Request{Action: "api:" + c.op, Resource: "*"}, docs...)
	if d.Allowed {
		return nil
	}
	return errNotAuthorized.with("user %q is not allowed to call %s", c.caller.name, c.op)
}
