package aws

import (
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/url"
	"runtime"
	"sync"
	"testing"
	"time"

	awssdk "github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
)

// fakeIAM is an httptest server speaking the IAM (and STS) query
// protocol: each request is answered by handle, and recorded.
type fakeIAM struct {
	*httptest.Server
	mu     sync.Mutex
	reqs   []url.Values
	handle func(action string, form url.Values) (status int, body string)
}

// newFake starts a fake answering with handle.
func newFake(t *testing.T, handle func(action string, form url.Values) (int, string)) *fakeIAM {
	t.Helper()
	f := &fakeIAM{handle: handle}
	f.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if err := r.ParseForm(); err != nil {
			http.Error(w, err.Error(), http.StatusBadRequest)
			return
		}
		form := r.PostForm
		form.Set("_Authorization", r.Header.Get("Authorization"))
		f.mu.Lock()
		f.reqs = append(f.reqs, form)
		f.mu.Unlock()
		status, body := f.handle(form.Get("Action"), form)
		w.Header().Set("Content-Type", "text/xml")
		w.WriteHeader(status)
		fmt.Fprint(w, body)
	}))
	t.Cleanup(f.Close)
	return f
}

// actions returns the Action of each request so far.
func (f *fakeIAM) actions() []string {
	f.mu.Lock()
	defer f.mu.Unlock()
	out := make([]string, len(f.reqs))
	for i, r := range f.reqs {
		out[i] = r.Get("Action")
	}
	return out
}

// requests returns the forms of the requests so far.
func (f *fakeIAM) requests() []url.Values {
	f.mu.Lock()
	defer f.mu.Unlock()
	return append([]url.Values(nil), f.reqs...)
}

// ok answers action with result (the inside of <ActionResult>).
func ok(action, result string) (int, string) {
	return http.StatusOK, fmt.Sprintf(`<%[1]sResponse xmlns="https://iam.amazonaws.com/doc/2010-05-08/"><%[1]sResult>%[2]s</%[1]sResult><ResponseMetadata><RequestId>req-1</RequestId></ResponseMetadata></%[1]sResponse>`, action, result)
}

// apiError answers an IAM error, as IAM does.
func apiError(status int, code, msg string) (int, string) {
	return status, fmt.Sprintf(`<ErrorResponse xmlns="https://iam.amazonaws.com/doc/2010-05-08/"><Error><Type>Sender</Type><Code>%s</Code><Message>%s</Message></Error><RequestId>req-err</RequestId></ErrorResponse>`, code, msg)
}

func noSuchEntity(what string) (int, string) {
	return apiError(http.StatusNotFound, "NoSuchEntity", "The "+what+" cannot be found.")
}

func throttling() (int, string) {
	return apiError(http.StatusBadRequest, "Throttling", "Rate exceeded")
}

// userXML is an IAM <User> (or <member>) body.
func userXML(name, path string) string {
	return fmt.Sprintf(`<Path>%[2]s</Path><UserName>%[1]s</UserName><UserId>AIDA%[1]s</UserId><Arn>arn:aws:iam::123456789012:user%[2]s%[1]s</Arn><CreateDate>2024-01-02T03:04:05Z</CreateDate>`, name, path)
}

func groupXML(name, path string) string {
	return fmt.Sprintf(`<Path>%[2]s</Path><GroupName>%[1]s</GroupName><GroupId>AGPA%[1]s</GroupId><Arn>arn:aws:iam::123456789012:group%[2]s%[1]s</Arn><CreateDate>2024-01-02T03:04:05Z</CreateDate>`, name, path)
}

// fastTestRetry never sleeps noticeably.
var fastTestRetry = RetryOptions{Attempts: 4, BaseDelay: time.Nanosecond, MaxDelay: time.Nanosecond, KeyWait: 50 * time.Millisecond, SDKAttempts: 3, SDKMaxBackoff: time.Nanosecond}

// fakeProvider returns a provider on f with the given options (Config,
// Endpoint and AccountID are filled in).
func fakeProvider(t *testing.T, f *fakeIAM, opts Options) *Provider {
	t.Helper()
	cfg := awssdk.Config{
		Region:      "us-east-1",
		Credentials: credentials.NewStaticCredentialsProvider("AKIAFAKEFAKEFAKEFAKE", "fake/secret", ""),
		HTTPClient:  f.Client(),
	}
	opts.Config = &cfg
	opts.Endpoint = f.URL
	if opts.AccountID == "" {
		opts.AccountID = "123456789012"
	}
	if opts.Retry == (RetryOptions{}) {
		opts.Retry = fastTestRetry
	}
	p, err := New(t.Context(), opts)
	if err != nil {
		t.Fatal(err)
	}
	return p
}

// runtimeGosched lets other goroutines run for a moment.
func runtimeGosched() {
	runtime.Gosched()
	time.Sleep(time.Millisecond)
}
