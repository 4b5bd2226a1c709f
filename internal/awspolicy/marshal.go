package awspolicy

import (
	"slices"

	"github.com/iamkit/iamkit/internal/jsonx"
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

// jsonEscaping is how native documents write strings: only what JSON
// requires is escaped, so that the text the cloud measures is as short as
// it can be.
const jsonEscaping = jsonx.Minimal

func appendDocument(b []byte, doc Document, d Dialect) []byte {
	b = append(b, '{')
	if d == AWS {
		v := doc.Version
		if v == "" {
			v = Version2012
		}
		b = append(b, `"Version":`...)
		b = jsonx.AppendString(b, v, jsonEscaping)
		b = append(b, ',')
		if doc.ID != "" {
			b = append(b, `"Id":`...)
			b = jsonx.AppendString(b, doc.ID, jsonEscaping)
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
		b = jsonx.AppendString(b, st.Sid, jsonEscaping)
		b = append(b, ',')
	}
	b = append(b, `"Effect":`...)
	b = jsonx.AppendString(b, st.Effect, jsonEscaping)
	if st.NotActions != nil {
		b = jsonx.AppendStrings(append(b, `,"NotAction":`...), st.NotActions, jsonEscaping)
	} else {
		b = jsonx.AppendStrings(append(b, `,"Action":`...), st.Actions, jsonEscaping)
	}
	if st.NotResources != nil {
		b = jsonx.AppendStrings(append(b, `,"NotResource":`...), st.NotResources, jsonEscaping)
	} else {
		b = jsonx.AppendStrings(append(b, `,"Resource":`...), st.Resources, jsonEscaping)
	}
	if len(st.Conditions) > 0 {
		cs := st.Conditions
		if !slices.IsSortedFunc(cs, compareConditions) {
			cs = slices.Clone(cs)
			sortConditions(cs)
		}
		b = jsonx.AppendConditions(append(b, `,"Condition":`...), cs, conditionParts, jsonEscaping)
	}
	return append(b, '}')
}

func conditionParts(c *Condition) (op, key string, values []string) {
	return c.Operator, c.Key, c.Values
}
