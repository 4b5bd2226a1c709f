package iam

import "iter"

// Collect reads a whole listing into a slice, stopping at the first error.
func Collect[T any](seq iter.Seq2[T, error]) ([]T, error) {
	var out []T
	for v, err := range seq {
		if err != nil {
			return out, err
		}
		out = append(out, v)
	}
	return out, nil
}

// contains reports whether any item of the listing satisfies match.
func contains[T any](seq iter.Seq2[T, error], match func(T) bool) (bool, error) {
	for v, err := range seq {
		if err != nil {
			return false, err
		}
		if match(v) {
			return true, nil
		}
	}
	return false, nil
}
