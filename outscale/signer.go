package outscale

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"io"
	"net/http"
	"sync/atomic"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	v4 "github.com/aws/aws-sdk-go-v2/aws/signer/v4"

	"github.com/iamkit/iamkit/iam"
)

// signingTransport signs every request with AWS Signature Version 4 for
// service "oapi" in the provider's own region.
//
// osc-sdk-go v2 (v2.35.0, client.go prepareRequest) signs with the region
// "eu-west-2" whatever the endpoint, when its context carries
// osc.ContextAWSv4; requests to any other region then fail authentication.
// The provider therefore never puts osc.ContextAWSv4 in a context and
// signs here instead, with aws-sdk-go-v2's signer.
type signingTransport struct {
	base      http.RoundTripper
	accessKey string
	secret    iam.Secret // never printed: a %+v of the transport shows it redacted
	region    string
	signer    *v4.Signer
	now       func() time.Time
	// sent counts the requests sent, for tests and Provider.Requests.
	sent atomic.Int64
}

func newSigningTransport(base http.RoundTripper, accessKey string, secretKey iam.Secret, region string) *signingTransport {
	if base == nil {
		base = http.DefaultTransport
	}
	return &signingTransport{
		base:      base,
		accessKey: accessKey,
		secret:    secretKey,
		region:    region,
		signer:    v4.NewSigner(),
		now:       time.Now,
	}
}

// RoundTrip signs a copy of r and sends it.
func (t *signingTransport) RoundTrip(r *http.Request) (*http.Response, error) {
	var body []byte
	if r.Body != nil {
		b, err := io.ReadAll(r.Body)
		r.Body.Close()
		if err != nil {
			return nil, err
		}
		body = b
	}
	r = r.Clone(r.Context())
	r.Body = io.NopCloser(bytes.NewReader(body))
	r.ContentLength = int64(len(body))
	r.GetBody = func() (io.ReadCloser, error) { return io.NopCloser(bytes.NewReader(body)), nil }
	r.Header.Del("Authorization")
	r.Header.Del("X-Amz-Date")
	sum := sha256.Sum256(body)
	creds := aws.Credentials{AccessKeyID: t.accessKey, SecretAccessKey: t.secret.Reveal(), Source: "iamkit/outscale"}
	if err := t.signer.SignHTTP(r.Context(), creds, r, hex.EncodeToString(sum[:]), "oapi", t.region, t.now()); err != nil {
		return nil, err
	}
	t.sent.Add(1)
	return t.base.RoundTrip(r)
}
