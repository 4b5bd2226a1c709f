package awspolicy

import "unicode/utf8"

// NonWhitespaceLen returns the size of a policy document as AWS IAM and
// Outscale EIM measure it against their size quotas: the number of
// characters (Unicode code points, not bytes) that are not white space.
//
// White space is the ASCII set: space, tab, line feed, carriage return,
// vertical tab and form feed, wherever it occurs (inside strings too). Other
// characters, including U+00A0 NO-BREAK SPACE, are counted, so the measure
// never under-estimates a cloud's own. Each byte of invalid UTF-8 counts as
// one character.
func NonWhitespaceLen(b []byte) int {
	n := 0
	for len(b) > 0 {
		c := b[0]
		if c < utf8.RuneSelf {
			b = b[1:]
			switch c {
			case ' ', '\t', '\n', '\r', '\v', '\f':
				continue
			}
			n++
			continue
		}
		_, w := utf8.DecodeRune(b)
		b = b[w:]
		n++
	}
	return n
}
