package memory

import (
	"context"
	"iter"
	"slices"
	"strings"
)

// pageFunc fetches, under the read lock, the page of items whose sort key
// follows after. It returns the items, the sort key of the last one, and
// whether more may follow.
type pageFunc[T any] func(after string) (items []T, last string, more bool, err error)

// paginate turns pageFunc into a listing: like a cloud's, it makes one
// request per page (each counted, delayed and subject to faults), takes one
// consistent snapshot per page, and checks the context between pages.
// invalid, if not nil, is the error of a bad argument, reported before any
// request.
func paginate[T any](p *Provider, ctx context.Context, op, resource string, invalid error, fetch pageFunc[T]) iter.Seq2[T, error] {
	return func(yield func(T, error) bool) {
		var zero T
		if err := p.begin(ctx, op, resource, invalid); err != nil {
			yield(zero, err)
			return
		}
		after := ""
		for {
			p.mu.RLock()
			items, last, more, err := fetch(after)
			p.mu.RUnlock()
			if err != nil {
				yield(zero, err)
				return
			}
			for _, it := range items {
				if !yield(it, nil) {
					return
				}
			}
			if !more {
				return
			}
			after = last
			if err := p.request(ctx, op, resource); err != nil {
				yield(zero, err)
				return
			}
		}
	}
}

// window returns, sorted, at most n of keys that sort after after, and
// whether more follow. An empty after starts at the beginning.
func window(keys []string, after string, n int) (page []string, more bool) {
	if after != "" {
		keys = slices.DeleteFunc(keys, func(k string) bool { return strings.Compare(k, after) <= 0 })
	}
	slices.Sort(keys)
	if len(keys) > n {
		return keys[:n], true
	}
	return keys, false
}

// pageOf pages through the entries of m, ordered by their map key, mapping
// each through view.
func pageOf[V, T any](m map[string]V, after string, n int, view func(string, V) T) ([]T, string, bool) {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sel, more := window(keys, after, n)
	out := make([]T, len(sel))
	for i, k := range sel {
		out[i] = view(k, m[k])
	}
	last := ""
	if len(sel) > 0 {
		last = sel[len(sel)-1]
	}
	return out, last, more
}
