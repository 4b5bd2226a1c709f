package outscale

import (
	"context"
	"iter"
	"net/http"

	"github.com/iamkit/iamkit/iam"
)

// page is one answer of a FirstItem/ResultsPerPage call.
type page[T any] struct {
	items   []T
	hasMore *bool
}

// paged lists with FirstItem/ResultsPerPage. The base of FirstItem is not
// documented (the spec's examples start at 1), so the first page is asked
// for without FirstItem, the second at FirstItem = items seen so far
// (0-based reading): a 1-based API then answers one item already seen,
// which reveals the base. Items are also de-duplicated by key, and the
// loop stops on HasMoreItems false, an empty page, or (without
// HasMoreItems) a short page.
func paged[T any, R any](p *Provider, ctx context.Context, op, resource string, fetch func(ctx context.Context, first *int32, per int32) (page[T], *http.Response, error), key func(T) string, conv func(T) *R, fresh ...string) iter.Seq2[*R, error] {
	return func(yield func(*R, error) bool) {
		seen := map[string]bool{}
		var offset int32 // items consumed
		base := int32(-1)
		for n := 0; ; n++ {
			var first *int32
			if n > 0 {
				f := offset
				if base > 0 {
					f += base
				}
				first = &f
			}
			var pg page[T]
			err := p.call(ctx, op, resource, nil, func(ctx context.Context) (*http.Response, error) {
				var (
					resp *http.Response
					err  error
				)
				pg, resp, err = fetch(ctx, first, p.pageSize)
				return resp, err
			}, fresh...)
			if err != nil {
				yield(nil, err)
				return
			}
			fresh = nil // the resource exists: no more propagation retries
			newItems := 0
			for i, it := range pg.items {
				k := key(it)
				if seen[k] {
					if n == 1 && i == 0 && base < 0 {
						base = 1
					}
					continue
				}
				if n == 1 && i == 0 && base < 0 {
					base = 0
				}
				seen[k] = true
				newItems++
				if !yield(conv(it), nil) {
					return
				}
			}
			offset += int32(newItems)
			if n == 1 && base < 0 {
				base = 0
			}
			more := len(pg.items) > 0
			if pg.hasMore != nil {
				more = more && *pg.hasMore
			} else {
				more = more && len(pg.items) >= int(p.pageSize)
			}
			if !more || newItems == 0 {
				return
			}
		}
	}
}

// single yields the items of one unpaged answer.
func single[R any](ctx context.Context, p *Provider, op, resource string, fetch func(ctx context.Context) ([]*R, *http.Response, error), fresh ...string) iter.Seq2[*R, error] {
	return func(yield func(*R, error) bool) {
		var items []*R
		err := p.call(ctx, op, resource, nil, func(ctx context.Context) (*http.Response, error) {
			var (
				resp *http.Response
				err  error
			)
			items, resp, err = fetch(ctx)
			return resp, err
		}, fresh...)
		if err != nil {
			yield(nil, err)
			return
		}
		for _, it := range items {
			if !yield(it, nil) {
				return
			}
		}
	}
}

// errSeq yields err alone.
func errSeq[R any](err error) iter.Seq2[*R, error] {
	return func(yield func(*R, error) bool) { yield(nil, err) }
}

// checkName validates name with rule for op.
func checkName(rule iam.NameRule, op, resource, n string) error {
	if err := rule.Check(n); err != nil {
		return relabel(err, op, resource)
	}
	return nil
}
