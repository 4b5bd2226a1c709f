package jsonx

import "unicode/utf8"

// Escaping selects which characters AppendString escapes beyond those JSON
// requires.
type Escaping uint8

const (
	// Minimal escapes only what JSON requires (quotation mark, reverse
	// solidus, control characters), so that the text a cloud measures
	// against its size quota is as short as it can be.
	Minimal Escaping = iota
	// JavaScriptSafe also escapes U+2028 LINE SEPARATOR and U+2029
	// PARAGRAPH SEPARATOR, which JavaScript before ES2019 does not accept
	// in string literals.
	JavaScriptSafe
)

const hexDigits = "0123456789abcdef"

// AppendString appends s to b as a JSON string. Besides what esc asks for,
// it escapes only what JSON requires: '"' and '\' with a backslash, line
// feed, carriage return and tab as \n, \r and \t, other control characters
// as \u00XX. Each byte of invalid UTF-8 becomes \ufffd; all other text,
// U+FFFD included, is copied as it is.
func AppendString(b []byte, s string, esc Escaping) []byte {
	b = append(b, '"')
	for i := 0; i < len(s); {
		c := s[i]
		if c < utf8.RuneSelf {
			switch {
			case c == '"' || c == '\\':
				b = append(b, '\\', c)
			case c == '\n':
				b = append(b, '\\', 'n')
			case c == '\r':
				b = append(b, '\\', 'r')
			case c == '\t':
				b = append(b, '\\', 't')
			case c < 0x20:
				b = append(b, '\\', 'u', '0', '0', hexDigits[c>>4], hexDigits[c&0xf])
			default:
				b = append(b, c)
			}
			i++
			continue
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		switch {
		case r == utf8.RuneError && size == 1:
			b = append(b, `\ufffd`...)
		case esc == JavaScriptSafe && (r == '\u2028' || r == '\u2029'):
			b = append(b, '\\', 'u', '2', '0', '2', hexDigits[r&0xf])
		default:
			b = append(b, s[i:i+size]...)
		}
		i += size
	}
	return append(b, '"')
}

// AppendStrings appends list to b as a JSON list of strings, written by
// AppendString; an empty or nil list is written as [].
func AppendStrings[S ~string](b []byte, list []S, esc Escaping) []byte {
	return AppendStringsFunc(b, list, func(s S) string { return string(s) }, esc)
}

// AppendStringsFunc is AppendStrings for a list of any type: str gives the
// text written for each element.
func AppendStringsFunc[T any](b []byte, list []T, str func(T) string, esc Escaping) []byte {
	b = append(b, '[')
	for i, v := range list {
		if i > 0 {
			b = append(b, ',')
		}
		b = AppendString(b, str(v), esc)
	}
	return append(b, ']')
}
