package ovh_test

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strconv"
	"testing"
	"time"

	goovh "github.com/ovh/go-ovh/ovh"

	"github.com/iamkit/iamkit/iam"
	"github.com/iamkit/iamkit/ovh"
)

// stub serves /auth/time and /me, and answers every other request with
// status and an OVHcloud error body of class.
func stub(t *testing.T, status int, class string) *ovh.Provider {
	t.Helper()
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch r.URL.Path {
		case "/1.0/auth/time":
			fmt.Fprint(w, strconv.FormatInt(time.Now().Unix(), 10))
		case "/1.0/me":
			fmt.Fprint(w, `{"nichandle":"ab12345-ovh","ovhSubsidiary":"CA"}`)
		default:
			w.Header().Set("X-Ovh-QueryID", "q1")
			w.WriteHeader(status)
			fmt.Fprintf(w, `{"class":%q,"message":"refused"}`, class)
		}
	}))
	t.Cleanup(srv.Close)
	c, err := goovh.NewClient(srv.URL+"/1.0", "ak", "as", "ck")
	if err != nil {
		t.Fatal(err)
	}
	p, err := ovh.New(t.Context(), ovh.Options{Client: c})
	if err != nil {
		t.Fatal(err)
	}
	return p
}

func TestErrorKindsOverHTTP(t *testing.T) {
	cases := []struct {
		status int
		class  string
		want   error
	}{
		{409, "Client::Conflict::AlreadyExists", iam.ErrAlreadyExists},
		{409, "Client::Conflict", iam.ErrConflict},
		{403, "Client::Forbidden", iam.ErrDenied},
		{400, "Client::BadRequest", iam.ErrInvalid},
		{404, "Client::NotFound", iam.ErrNotFound},
		{429, "Client::TooManyRequests", iam.ErrThrottled},
		{502, "Server::BadGateway", iam.ErrThrottled},
	}
	for _, c := range cases {
		p := stub(t, c.status, c.class)
		if p.NIC() != "ab12345-ovh" || p.Region() != "ca" {
			t.Fatalf("NIC %q region %q", p.NIC(), p.Region())
		}
		_, err := p.CreateGroup(t.Context(), "g")
		var ae *goovh.APIError
		if !errors.Is(err, c.want) || !errors.As(err, &ae) || ae.Code != c.status {
			t.Errorf("%d %s: %v, want %v", c.status, c.class, err, c.want)
		}
	}
}

func TestCancelled(t *testing.T) {
	p := stub(t, 500, "Server::InternalServerError")
	ctx, cancel := context.WithCancel(t.Context())
	cancel()
	_, err := p.GetGroup(ctx, "g")
	if !errors.Is(err, context.Canceled) {
		t.Errorf("cancelled: %v", err)
	}
	if _, err := ovh.New(ctx, ovh.Options{}); !errors.Is(err, context.Canceled) {
		t.Errorf("New cancelled: %v", err)
	}
}
