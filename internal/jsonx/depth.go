package jsonx

// WithinDepth reports whether no array or object in data is nested deeper
// than limit levels (the outermost value is level 1). It scans the bytes
// without decoding them, skipping the contents of strings, and stops at the
// first level over limit, so that a decoder is never handed a document that
// would make it recurse deeply. data need not be valid JSON: a scan of
// malformed input says nothing about its validity.
func WithinDepth(data []byte, limit int) bool {
	depth, inString, escaped := 0, false, false
	for _, c := range data {
		switch {
		case inString:
			switch {
			case escaped:
				escaped = false
			case c == '\\':
				escaped = true
			case c == '"':
				inString = false
			}
		case c == '"':
			inString = true
		case c == '[' || c == '{':
			depth++
			if depth > limit {
				return false
			}
		case c == ']' || c == '}':
			depth--
		}
	}
	return true
}
