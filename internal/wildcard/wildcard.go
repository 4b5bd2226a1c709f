// Package wildcard matches strings against IAM-style patterns, where '*'
// matches any run of characters (including none) and '?' exactly one.
//
// It is shared by the portable policy evaluator and the native AWS/EIM
// grammar, so that both match exactly alike. Matching allocates nothing and
// runs in O(len(pattern)·len(s)) at worst (greedy with one backtrack point).
package wildcard

import "unicode/utf8"

// Match reports whether s matches pattern. With fold, ASCII letters match
// regardless of case (IAM actions); without, case matters (resources).
func Match(pattern, s string, fold bool) bool {
	p, i := 0, 0
	starP, starI := -1, 0
	for i < len(s) {
		if p < len(pattern) {
			switch c := pattern[p]; c {
			case '*':
				starP, starI = p, i
				p++
				continue
			case '?':
				_, w := utf8.DecodeRuneInString(s[i:])
				p++
				i += w
				continue
			default:
				if eq(c, s[i], fold) {
					p++
					i++
					continue
				}
			}
		}
		if starP < 0 {
			return false
		}
		// Let the last '*' absorb one more character and retry.
		_, w := utf8.DecodeRuneInString(s[starI:])
		starI += w
		p, i = starP+1, starI
	}
	for p < len(pattern) && pattern[p] == '*' {
		p++
	}
	return p == len(pattern)
}

func eq(a, b byte, fold bool) bool {
	if a == b {
		return true
	}
	if !fold {
		return false
	}
	return lower(a) == lower(b)
}

func lower(c byte) byte {
	if 'A' <= c && c <= 'Z' {
		return c + 'a' - 'A'
	}
	return c
}

// HasWildcard reports whether pattern contains '*' or '?'.
func HasWildcard(pattern string) bool {
	for i := 0; i < len(pattern); i++ {
		if pattern[i] == '*' || pattern[i] == '?' {
			return true
		}
	}
	return false
}
