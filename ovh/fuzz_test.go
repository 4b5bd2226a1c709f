package ovh

import (
	"bytes"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"net/url"
	"strings"
	"testing"

	goovh "github.com/ovh/go-ovh/ovh"

	"github.com/iamkit/iamkit/iam"
	"github.com/iamkit/iamkit/provider/providertest"
)

// The fuzz targets feed the adapter what it reads from outside: the
// OVHcloud API's answers (go-ovh decodes them, the adapter classifies the
// error) and ovh:// URLs. Neither sends anything: answers are built here,
// and only the URL's parsing is fuzzed, since New reads ovh.conf from the
// user's real home (go-ovh asks the system for it, whatever HOME says)
// and sends GET /me.

// FuzzAPIError reads any answer to a call as the provider does (go-ovh's
// UnmarshalResponse, then wrap). Properties: no panic; an answer of
// status 300 and up is an *iam.Error of exactly one kind, KindOf of the
// status, class and message of the *goovh.APIError it holds (which
// errors.As reaches); the message names the identity-URN trap when the
// answer is IAM's INVALID_RESOURCE_URN on an identity; a 2xx answer is a
// success or ErrInvalid (a body that is not the JSON expected).
func FuzzAPIError(f *testing.F) {
	for _, c := range []struct {
		status int
		body   string
	}{
		{404, `{"class":"Client::NotFound","message":"The requested object (name = u) does not exist"}`},
		{409, `{"class":"Client::Conflict::AlreadyExists","message":"This service account already exists"}`},
		{409, `{"class":"Client::Conflict","message":"Resource is in use"}`},
		{400, `{"class":"Client::BadRequest","message":"Invalid policy","details":{"reason":"INVALID_RESOURCE_URN","urn":"urn:v1:eu:identity:credential:xx1111-ovh/oauth2-EU.0123"}}`},
		{403, `{"class":"Client::Forbidden","message":"This call has not been granted","details":{"unauthorizedActionsByIAM":"account:apiovh:iam/policy/create"}}`},
		{401, `{"message":"Invalid credentials"}`},
		{429, `{"class":"Client::TooManyRequests","message":"Too many requests"}`},
		{500, `<html>Internal Server Error</html>`},
		{200, `{"nichandle":"xx1111-ovh","ovhSubsidiary":"FR"}`},
		{200, `not json`},
		{204, ``},
		{400, `{"class":["not","a","string"]}`},
	} {
		f.Add(c.status, []byte(c.body), "EU.ext-3.6111b2e4.1234.8d4e7e5f")
	}
	c := &goovh.Client{}
	f.Fuzz(func(t *testing.T, status int, body []byte, queryID string) {
		if status < 0 {
			status = -status
		}
		status = 200 + status%400 // 200…599: what a server answers
		resp := &http.Response{StatusCode: status, Header: http.Header{"X-Ovh-Queryid": {queryID}},
			Body: io.NopCloser(bytes.NewReader(body))}
		var out map[string]any
		err := wrap("CallAPI", "/me/api/oauth2/client", c.UnmarshalResponse(resp, &out))
		if status < 300 {
			if err != nil && providertest.OneKind(t, err) != iam.ErrInvalid {
				t.Fatalf("2xx answer %q: %v, want success or ErrInvalid", body, err)
			}
			return
		}
		if err == nil {
			t.Fatalf("status %d: no error", status)
		}
		var ie *iam.Error
		var ae *goovh.APIError
		if !errors.As(err, &ie) || !errors.As(err, &ae) || ae.Code != status || ae.QueryID != queryID {
			t.Fatalf("status %d: no *iam.Error holding the *goovh.APIError: %#v", status, err)
		}
		if k, want := providertest.OneKind(t, err), KindOf(status, ae.Class, ae.Message); k != want {
			t.Fatalf("kind %v, KindOf says %v", k, want)
		}
		var doc struct {
			Class   string `json:"class"`
			Message string `json:"message"`
		}
		if json.Unmarshal(body, &doc) == nil && (doc.Class != ae.Class || doc.Message != ae.Message) {
			t.Fatalf("APIError %q %q, body says %q %q", ae.Class, ae.Message, doc.Class, doc.Message)
		}
		if isInvalidURN(ae) != strings.Contains(err.Error(), "does not know this identity URN") {
			t.Fatalf("URN trap %v, message %v", isInvalidURN(ae), err)
		}
	})
}

// FuzzOptionsFromURL reads ovh:// URLs. Properties: no panic; a refusal
// is an *iam.Error of kind ErrInvalid; the endpoint read is empty, one of
// go-ovh's named endpoints, or an http(s) URL with a host; the options
// write back as a URL that reads the same.
func FuzzOptionsFromURL(f *testing.F) {
	for _, s := range []string{
		"ovh://", "ovh://ovh-eu", "ovh://ovh-ca?region=ca", "ovh://ovh-us/", "ovh://?endpoint=https://eu.api.ovh.com/1.0",
		"ovh://?endpoint=http://127.0.0.1:8080/1.0/&region=eu", "ovh://kimsufi-eu", "ovh://ovh-eu:443", "ovh://ovh-eu/path",
		"ovh://user:pw@ovh-eu", "ovh://ovh-eu?endpoint=https://x", "ovh://?endpoint=ftp://x", "ovh://?endpoint=https://",
		"ovh://?colour=blue&size=1", "ovh:opaque", "ovh://OVH-EU", "ovh://?endpoint=https://h//",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, raw string) {
		u, err := url.Parse(raw)
		if err != nil {
			return // provider.Open refuses it first
		}
		opts, err := optionsFromURL(u)
		if err != nil {
			var ie *iam.Error
			if !errors.As(err, &ie) || providertest.OneKind(t, err) != iam.ErrInvalid {
				t.Fatalf("refused with %T %v, want an *iam.Error of kind ErrInvalid", err, err)
			}
			return
		}
		switch e := opts.Endpoint; {
		case e == "":
		case strings.HasPrefix(e, "ovh-"):
			if _, ok := goovh.Endpoints[e]; !ok {
				t.Fatalf("endpoint %q is not one of go-ovh's", e)
			}
		default:
			pu, err := url.Parse(e)
			if err != nil || (pu.Scheme != "http" && pu.Scheme != "https") || pu.Host == "" {
				t.Fatalf("endpoint %q is not an http(s) URL with a host", e)
			}
		}
		q := url.Values{}
		if opts.Region != "" {
			q.Set("region", opts.Region)
		}
		back := &url.URL{Scheme: "ovh"}
		if strings.HasPrefix(opts.Endpoint, "ovh-") {
			back.Host = opts.Endpoint
		} else if opts.Endpoint != "" {
			q.Set("endpoint", opts.Endpoint)
		}
		back.RawQuery = q.Encode()
		again, err := optionsFromURL(back)
		if err == nil && again.Endpoint+"/" == opts.Endpoint {
			// One trailing slash is cut each time ("https://h//" reads
			// "https://h/", which go-ovh then refuses in New).
			again.Endpoint = opts.Endpoint
		}
		if err != nil || again != opts {
			t.Fatalf("options %+v write back as %s, which reads %+v, %v", opts, back, again, err)
		}
	})
}
