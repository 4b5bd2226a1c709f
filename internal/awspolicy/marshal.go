package awspolicy

import (
	"slices"
	"unicode/utf8"
)

// Marshal writes doc in dialect d as canonical compact JSON: keys in the
// order Version, Id, Statement and, in each statement, Sid, Effect,
// Action|NotAction, Resource|NotResource, Condition (operators, then keys,
// sorted); lists everywhere, even for one element. The AWS dialect writes
// the document's Version, or Version2012 when it has none; the EIM dialect
// writes no Version. Invalid documents are refused with the error Parse
// would give.
//
// For every document Parse returns, Parse(Marshal(doc)) equals doc.
func Marshal(doc Document, d Dialect) ([]byte, error) {
	if err := Validate(doc, d); err != nil {
		return nil, err
	}
	return appendDocument(nil, doc, d), nil
}

// canonicalLen is len(Marshal(doc, d)) for a valid document.
func canonicalLen(doc Document, d Dialect) int {
	return len(appendDocument(nil, doc, d))
}

func appendDocument(b []byte, doc Document, d Dialect) []byte {
	b = append(b, '{')
	if d == AWS {
		v := doc.Version
		if v == "" {
			v = Version2012
		}
		b = append(b, `"Version":`...)
		b = appendString(b, v)
		b = append(b, ',')
		if doc.ID != "" {
			b = append(b, `"Id":`...)
			b = appendString(b, doc.ID)
			b = append(b, ',')
		}
	}
	b = append(b, `"Statement":[`...)
	for i, st := range doc.Statements {
		if i > 0 {
			b = append(b, ',')
		}
		b = appendStatement(b, st)
	}
	return append(b, "]}"...)
}

func appendStatement(b []byte, st Statement) []byte {
	b = append(b, '{')
	if st.Sid != "" {
		b = append(b, `"Sid":`...)
		b = appendString(b, st.Sid)
		b = append(b, ',')
	}
	b = append(b, `"Effect":`...)
	b = appendString(b, st.Effect)
	if st.NotActions != nil {
		b = appendList(append(b, `,"NotAction":`...), st.NotActions)
	} else {
		b = appendList(append(b, `,"Action":`...), st.Actions)
	}
	if st.NotResources != nil {
		b = appendList(append(b, `,"NotResource":`...), st.NotResources)
	} else {
		b = appendList(append(b, `,"Resource":`...), st.Resources)
	}
	if len(st.Conditions) > 0 {
		cs := st.Conditions
		if !slices.IsSortedFunc(cs, compareConditions) {
			cs = slices.Clone(cs)
			sortConditions(cs)
		}
		b = append(b, `,"Condition":{`...)
		for i, c := range cs {
			if i == 0 || cs[i-1].Operator != c.Operator {
				if i > 0 {
					b = append(b, "},"...)
				}
				b = appendString(b, c.Operator)
				b = append(b, ":{"...)
			} else {
				b = append(b, ',')
			}
			b = appendString(b, c.Key)
			b = append(b, ':')
			b = appendList(b, c.Values)
		}
		b = append(b, "}}"...)
	}
	return append(b, '}')
}

func appendList(b []byte, list []string) []byte {
	b = append(b, '[')
	for i, s := range list {
		if i > 0 {
			b = append(b, ',')
		}
		b = appendString(b, s)
	}
	return append(b, ']')
}

const hexDigits = "0123456789abcdef"

// appendString writes s as a JSON string, escaping only what JSON requires
// (quote, backslash, control characters), so that the text the cloud
// measures is as short as it can be.
func appendString(b []byte, s string) []byte {
	b = append(b, '"')
	for i := 0; i < len(s); {
		c := s[i]
		if c >= utf8.RuneSelf {
			r, w := utf8.DecodeRuneInString(s[i:])
			if r == utf8.RuneError && w == 1 {
				b = append(b, `\ufffd`...)
			} else {
				b = append(b, s[i:i+w]...)
			}
			i += w
			continue
		}
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
	}
	return append(b, '"')
}
