package aws

import (
	"context"
	"iter"
	"strings"

	awssdk "github.com/aws/aws-sdk-go-v2/aws"
)

// page is one page of an IAM listing.
type page[T any] struct {
	items     []T
	marker    *string
	truncated bool
}

// paginate turns a page fetcher into a listing: one request per page,
// following Marker while IsTruncated, checking the context between pages,
// stopping as soon as the consumer does. invalid, if not nil, is reported
// before any request. keys are the resources the listing names, for the
// eventual-consistency retry of its first page.
func paginate[T any](p *Provider, ctx context.Context, op, res string, invalid error, keys []string,
	fetch func(ctx context.Context, marker *string, max *int32) (page[T], error)) iter.Seq2[T, error] {
	return func(yield func(T, error) bool) {
		var zero T
		if err := begin(ctx, op, res, invalid); err != nil {
			yield(zero, err)
			return
		}
		var maxItems *int32
		if p.pageSize > 0 {
			maxItems = awssdk.Int32(p.pageSize)
		}
		var marker *string
		first := true
		for {
			var pg page[T]
			call := func() error {
				var err error
				pg, err = fetch(ctx, marker, maxItems)
				return err
			}
			var err error
			if first {
				err = p.consistent(ctx, call, keys...)
			} else {
				err = call()
			}
			if err != nil {
				yield(zero, p.wrap(ctx, op, res, err))
				return
			}
			first = false
			for _, it := range pg.items {
				if !yield(it, nil) {
					return
				}
			}
			next := awssdk.ToString(pg.marker)
			if !pg.truncated || next == "" || next == awssdk.ToString(marker) {
				return
			}
			marker = awssdk.String(next)
			if err := ctx.Err(); err != nil {
				yield(zero, ctxError(op, res, err, err))
				return
			}
		}
	}
}

// owned reports whether an IAM path lies under the provider's path. IAM
// filters listings by PathPrefix itself; this check also holds on
// IAM-compatible servers that ignore the filter.
func (p *Provider) owned(path *string) bool {
	return strings.HasPrefix(awssdk.ToString(path), p.path)
}
