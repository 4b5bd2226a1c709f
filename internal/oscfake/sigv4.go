package oscfake

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"sort"
	"strconv"
	"strings"
	"time"
)

// The SigV4 pieces the OUTSCALE API uses: algorithm AWS4-HMAC-SHA256,
// credential scope <date>/<region>/oapi/aws4_request.
const (
	sigAlgorithm = "AWS4-HMAC-SHA256"
	sigService   = "oapi"
	sigTerminal  = "aws4_request"
	amzDateFmt   = "20060102T150405Z"
	maxClockSkew = 15 * time.Minute
)

// sigV4 is a parsed Authorization header.
type sigV4 struct {
	AccessKey     string
	Date          string // yyyymmdd from the scope
	Region        string
	Service       string
	SignedHeaders []string
	Signature     string
}

// parseSigV4 reads "AWS4-HMAC-SHA256 Credential=AK/20240101/eu-west-2/oapi/aws4_request,
// SignedHeaders=host;x-amz-date, Signature=hex".
func parseSigV4(h string) (sigV4, error) {
	var s sigV4
	if h == "" {
		return s, errors.New("no Authorization header")
	}
	alg, rest, ok := strings.Cut(h, " ")
	if !ok || alg != sigAlgorithm {
		return s, fmt.Errorf("authorization scheme %q is not %s", alg, sigAlgorithm)
	}
	fields := map[string]string{}
	for part := range strings.SplitSeq(rest, ",") {
		k, v, ok := strings.Cut(strings.TrimSpace(part), "=")
		if !ok {
			return s, fmt.Errorf("malformed Authorization component %q", part)
		}
		fields[k] = v
	}
	cred, sh, sig := fields["Credential"], fields["SignedHeaders"], fields["Signature"]
	if cred == "" || sh == "" || sig == "" {
		return s, errors.New("Authorization lacks Credential, SignedHeaders or Signature")
	}
	scope := strings.Split(cred, "/")
	if len(scope) != 5 {
		return s, fmt.Errorf("credential scope %q is not AK/date/region/service/aws4_request", cred)
	}
	s.AccessKey, s.Date, s.Region, s.Service = scope[0], scope[1], scope[2], scope[3]
	if scope[4] != sigTerminal {
		return s, fmt.Errorf("credential scope ends with %q, not %q", scope[4], sigTerminal)
	}
	s.SignedHeaders = strings.Split(sh, ";")
	s.Signature = sig
	return s, nil
}

// sigV4Signature computes the signature of r (whose body is body) for the
// given scope, reading the signed headers from r.
func sigV4Signature(r *http.Request, body []byte, secret, amzDate, region string, signed []string) string {
	canonical := canonicalRequest(r, body, signed)
	day := amzDate[:8]
	scope := day + "/" + region + "/" + sigService + "/" + sigTerminal
	toSign := sigAlgorithm + "\n" + amzDate + "\n" + scope + "\n" + hexSHA256([]byte(canonical))
	k := hmacSHA256([]byte("AWS4"+secret), day)
	k = hmacSHA256(k, region)
	k = hmacSHA256(k, sigService)
	k = hmacSHA256(k, sigTerminal)
	return hex.EncodeToString(hmacSHA256(k, toSign))
}

func canonicalRequest(r *http.Request, body []byte, signed []string) string {
	var b strings.Builder
	b.WriteString(r.Method)
	b.WriteByte('\n')
	path := r.URL.EscapedPath()
	if path == "" {
		path = "/"
	}
	b.WriteString(path)
	b.WriteByte('\n')
	b.WriteString(canonicalQuery(r.URL.Query()))
	b.WriteByte('\n')
	for _, h := range signed {
		b.WriteString(h)
		b.WriteByte(':')
		b.WriteString(headerValue(r, h))
		b.WriteByte('\n')
	}
	b.WriteByte('\n')
	b.WriteString(strings.Join(signed, ";"))
	b.WriteByte('\n')
	if p := r.Header.Get("X-Amz-Content-Sha256"); p != "" {
		b.WriteString(p)
	} else {
		b.WriteString(hexSHA256(body))
	}
	return b.String()
}

func canonicalQuery(q url.Values) string {
	keys := make([]string, 0, len(q))
	for k := range q {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	var parts []string
	for _, k := range keys {
		vs := append([]string(nil), q[k]...)
		sort.Strings(vs)
		for _, v := range vs {
			parts = append(parts, awsEscape(k)+"="+awsEscape(v))
		}
	}
	return strings.Join(parts, "&")
}

func awsEscape(s string) string {
	return strings.ReplaceAll(url.QueryEscape(s), "+", "%20")
}

// headerValue is the canonical value of header h (lower case) as the
// server sees it: Go moves Host and Content-Length out of r.Header.
func headerValue(r *http.Request, h string) string {
	switch h {
	case "host":
		return r.Host
	case "content-length":
		if r.ContentLength < 0 {
			return ""
		}
		return strconv.FormatInt(r.ContentLength, 10)
	}
	vs := r.Header.Values(http.CanonicalHeaderKey(h))
	for i, v := range vs {
		vs[i] = strings.Join(strings.Fields(v), " ")
	}
	return strings.Join(vs, ",")
}

func hexSHA256(b []byte) string {
	sum := sha256.Sum256(b)
	return hex.EncodeToString(sum[:])
}

func hmacSHA256(key []byte, data string) []byte {
	m := hmac.New(sha256.New, key)
	m.Write([]byte(data))
	return m.Sum(nil)
}

// signSigV4 signs r (body is its body) for the OUTSCALE API in region, the
// way a correct client does: X-Amz-Date, host, content-type and x-amz-date
// signed.
func signSigV4(r *http.Request, body []byte, accessKey, secret, region string, now time.Time) {
	amzDate := now.UTC().Format(amzDateFmt)
	r.Header.Set("X-Amz-Date", amzDate)
	if r.Host == "" {
		r.Host = r.URL.Host
	}
	signed := []string{"host", "x-amz-date"}
	if r.Header.Get("Content-Type") != "" {
		signed = []string{"content-type", "host", "x-amz-date"}
	}
	sig := sigV4Signature(r, body, secret, amzDate, region, signed)
	r.Header.Set("Authorization", fmt.Sprintf("%s Credential=%s/%s/%s/%s/%s, SignedHeaders=%s, Signature=%s",
		sigAlgorithm, accessKey, amzDate[:8], region, sigService, sigTerminal, strings.Join(signed, ";"), sig))
}
