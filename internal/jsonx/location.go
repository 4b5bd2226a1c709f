package jsonx

import "strconv"

// AppendLocation appends to b the part of an error message that locates a
// fault in a policy document, `statement 2 ("ro"): Action[1]: `:
//
//   - when statement >= 0, "statement N", then ` (` + quote(sid) + `)` when
//     sid is not empty, then ": ";
//   - when field is not empty, field and ": ".
//
// A fault in the document as a whole (statement < 0, no field) adds
// nothing. quote is how the caller echoes user text, strconv.Quote when nil.
func AppendLocation(b []byte, statement int, sid, field string, quote func(string) string) []byte {
	if statement >= 0 {
		b = append(b, "statement "...)
		b = strconv.AppendInt(b, int64(statement), 10)
		if sid != "" {
			if quote == nil {
				quote = strconv.Quote
			}
			b = append(b, " ("...)
			b = append(b, quote(sid)...)
			b = append(b, ')')
		}
		b = append(b, ": "...)
	}
	if field != "" {
		b = append(b, field...)
		b = append(b, ": "...)
	}
	return b
}
