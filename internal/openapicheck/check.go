package openapicheck

import (
	"bytes"
	"context"
	"io"
	"net/http"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/getkin/kin-openapi/openapi3filter"
	"github.com/getkin/kin-openapi/routers"
)

// Request checks r, whose body is body, against route's parameters and
// request body. params holds the path parameters, unescaped (nil when the
// route has none); schema adds to kin-openapi's schema checks, such as
// formats it does not check by default.
func Request(ctx context.Context, route *routers.Route, r *http.Request, params map[string]string, body []byte, schema ...openapi3.SchemaValidationOption) error {
	req := r.Clone(ctx)
	req.Body = io.NopCloser(bytes.NewReader(body))
	return openapi3filter.ValidateRequest(ctx, &openapi3filter.RequestValidationInput{
		Request: req, PathParams: params, Route: route, Options: requestOptions(schema),
	})
}

// Response checks body as route's 200 JSON answer to r. params and schema
// are as for Request.
func Response(ctx context.Context, route *routers.Route, r *http.Request, params map[string]string, body []byte, schema ...openapi3.SchemaValidationOption) error {
	req := r.Clone(ctx)
	req.Body = http.NoBody
	h := http.Header{}
	h.Set("Content-Type", "application/json")
	return openapi3filter.ValidateResponse(ctx, &openapi3filter.ResponseValidationInput{
		RequestValidationInput: &openapi3filter.RequestValidationInput{Request: req, PathParams: params, Route: route, Options: requestOptions(schema)},
		Status:                 http.StatusOK,
		Header:                 h,
		Body:                   io.NopCloser(bytes.NewReader(body)),
		Options:                &openapi3filter.Options{IncludeResponseStatus: true, MultiError: true, SchemaValidationOptions: schema},
	})
}

func requestOptions(schema []openapi3.SchemaValidationOption) *openapi3filter.Options {
	return &openapi3filter.Options{
		// The fakes check signatures and tokens themselves.
		AuthenticationFunc: openapi3filter.NoopAuthenticationFunc,
		MultiError:         true,
		// Leave the request as sent: a fake must see what the client sent.
		SkipSettingDefaults:     true,
		SchemaValidationOptions: schema,
	}
}
