package awspolicy

import (
	"encoding/json"
	"errors"
	"io"
	"slices"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/iamkit/iamkit/internal/jsonx"
)

// Parse reads a native policy document in dialect d. It is strict: it
// refuses anything the cloud would refuse or could read differently, with an
// *Error (wrapping kind.Invalid) that names the statement and the field.
//
// Inputs over MaxDocumentBytes or nested deeper than MaxDepth are refused
// before any decoding. Object keys are case-sensitive and may not repeat;
// Action, Resource and condition values may be a string or a non-empty list;
// condition values may also be JSON numbers or booleans, kept as their text.
func Parse(data []byte, d Dialect) (Document, error) {
	if !d.valid() {
		return Document{}, docErr("", "unknown dialect "+d.String())
	}
	if len(data) > MaxDocumentBytes {
		return Document{}, docErr("", "document is "+strconv.Itoa(len(data))+" bytes, over the "+strconv.Itoa(MaxDocumentBytes)+"-byte bound")
	}
	if !utf8.Valid(data) {
		return Document{}, docErr("", "document is not valid UTF-8")
	}
	if !jsonx.WithinDepth(data, MaxDepth) {
		return Document{}, docErr("", "nesting deeper than "+strconv.Itoa(MaxDepth)+" levels")
	}
	root, err := decodeTree(data)
	if err != nil {
		return Document{}, err
	}
	doc, perr := shapeDocument(root, d)
	if perr != nil {
		return Document{}, perr
	}
	if err := validate(doc, d); err != nil {
		return Document{}, err
	}
	// The canonical form must itself be parseable, so that Parse(Marshal(doc))
	// always succeeds: it can be longer than the input (lists for single
	// strings, quoted numbers).
	if n := canonicalLen(doc, d); n > MaxDocumentBytes {
		return Document{}, docErr("", "canonical form is "+strconv.Itoa(n)+" bytes, over the "+strconv.Itoa(MaxDocumentBytes)+"-byte bound")
	}
	return doc, nil
}

// node is a decoded JSON value that keeps object member order and lets
// Parse see duplicate keys, which encoding/json would silently merge.
type node struct {
	kind    jsonx.Kind
	text    string // string value, or the literal of a number or boolean
	items   []node
	members []member
}

type member struct {
	key string
	val node
}

func (n *node) get(key string) (node, bool) {
	for _, m := range n.members {
		if m.key == key {
			return m.val, true
		}
	}
	return node{}, false
}

func decodeTree(data []byte) (node, error) {
	dec := jsonx.NewDecoder(data)
	root, err := decodeValue(dec, "")
	if err != nil {
		return node{}, err
	}
	if !jsonx.AtEnd(dec) {
		return node{}, docErr("", "trailing data after the document")
	}
	return root, nil
}

func syntaxErr(err error) error {
	if errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF) {
		return docErr("", "malformed JSON: unexpected end of input")
	}
	return docErr("", "malformed JSON: "+strings.TrimPrefix(err.Error(), "json: "))
}

// decodeValue reads one value; path names it for duplicate-key messages.
func decodeValue(dec *json.Decoder, path string) (node, error) {
	tok, err := dec.Token()
	if err != nil {
		return node{}, syntaxErr(err)
	}
	switch t := tok.(type) {
	case nil:
		return node{kind: jsonx.Null}, nil
	case bool:
		return node{kind: jsonx.Bool, text: strconv.FormatBool(t)}, nil
	case json.Number:
		return node{kind: jsonx.Number, text: t.String()}, nil
	case string:
		return node{kind: jsonx.String, text: t}, nil
	case json.Delim:
		switch t {
		case '[':
			n := node{kind: jsonx.Array}
			for dec.More() {
				v, err := decodeValue(dec, path+"["+strconv.Itoa(len(n.items))+"]")
				if err != nil {
					return node{}, err
				}
				n.items = append(n.items, v)
			}
			if _, err := dec.Token(); err != nil {
				return node{}, syntaxErr(err)
			}
			return n, nil
		case '{':
			n := node{kind: jsonx.Object}
			for dec.More() {
				kt, err := dec.Token()
				if err != nil {
					return node{}, syntaxErr(err)
				}
				key, _ := kt.(string)
				if _, dup := n.get(key); dup {
					return node{}, pathErr(joinPath(path, key), "duplicate key "+strconv.Quote(key))
				}
				v, err := decodeValue(dec, joinPath(path, key))
				if err != nil {
					return node{}, err
				}
				n.members = append(n.members, member{key, v})
			}
			if _, err := dec.Token(); err != nil {
				return node{}, syntaxErr(err)
			}
			return n, nil
		}
	}
	return node{}, docErr(path, "malformed JSON")
}

// pathErr reports a fault at a JSON path, attributing it to a statement
// when the path lies inside one ("Statement[2].Effect", or "Statement.Effect"
// for the single-statement form).
func pathErr(path, msg string) *Error {
	if rest, ok := strings.CutPrefix(path, "Statement["); ok {
		if n, field, ok := strings.Cut(rest, "]"); ok {
			if i, err := strconv.Atoi(n); err == nil {
				return &Error{Statement: i, Field: strings.TrimPrefix(field, "."), Msg: msg}
			}
		}
	}
	if field, ok := strings.CutPrefix(path, "Statement."); ok {
		return &Error{Statement: 0, Field: field, Msg: msg}
	}
	return docErr(path, msg)
}

func joinPath(path, key string) string {
	if path == "" {
		return key
	}
	return path + "." + key
}

var (
	docKeys  = []string{"Version", "Id", "Statement"}
	stmtKeys = []string{"Sid", "Effect", "Action", "NotAction", "Resource", "NotResource", "Condition"}
)

// unknownKey explains why key is not allowed where allowed are.
func unknownKey(key string, allowed []string) string {
	switch key {
	case "Principal", "NotPrincipal":
		return key + " is not allowed in an identity policy (it belongs to resource-based and trust policies)"
	}
	for _, a := range allowed {
		if strings.EqualFold(a, key) {
			return "unknown key " + strconv.Quote(key) + " (keys are case-sensitive: did you mean " + strconv.Quote(a) + "?)"
		}
	}
	return "unknown key " + strconv.Quote(key)
}

// shapeDocument turns the decoded tree into a Document, checking types and
// which elements are present; validate then checks the content.
func shapeDocument(root node, d Dialect) (Document, *Error) {
	if root.kind != jsonx.Object {
		return Document{}, docErr("", "document must be a JSON object, not "+root.kind.String())
	}
	var doc Document
	var stmts node
	haveStmts := false
	for _, m := range root.members {
		switch m.key {
		case "Version":
			if m.val.kind != jsonx.String {
				return doc, docErr("Version", "must be a string, not "+m.val.kind.String())
			}
			switch {
			case d == EIM && m.val.text == Version2012:
				// Accepted and dropped: EIM documents carry no version.
			case d == EIM:
				return doc, docErr("Version", "Outscale EIM accepts only "+strconv.Quote(Version2012)+", or no Version")
			case m.val.text == Version2012 || m.val.text == Version2008:
				doc.Version = m.val.text
			default:
				return doc, docErr("Version", "must be "+strconv.Quote(Version2012)+" or "+strconv.Quote(Version2008))
			}
		case "Id":
			if d == EIM {
				return doc, docErr("Id", "Outscale EIM policies have no Id element")
			}
			if m.val.kind != jsonx.String {
				return doc, docErr("Id", "must be a string, not "+m.val.kind.String())
			}
			doc.ID = m.val.text
		case "Statement":
			stmts, haveStmts = m.val, true
		default:
			return doc, docErr(m.key, unknownKey(m.key, docKeys))
		}
	}
	if d == AWS && doc.Version == "" {
		doc.Version = Version2008
	}
	if !haveStmts {
		return doc, docErr("Statement", "missing")
	}
	switch stmts.kind {
	case jsonx.Object:
		stmts = node{kind: jsonx.Array, items: []node{stmts}}
	case jsonx.Array:
		if len(stmts.items) == 0 {
			return doc, docErr("Statement", "empty list: a policy needs at least one statement")
		}
	default:
		return doc, docErr("Statement", "must be a list of statements or one statement, not "+stmts.kind.String())
	}
	doc.Statements = make([]Statement, len(stmts.items))
	for i, sn := range stmts.items {
		st, err := shapeStatement(sn, i, d)
		if err != nil {
			return doc, err
		}
		doc.Statements[i] = st
	}
	return doc, nil
}

func shapeStatement(n node, i int, d Dialect) (Statement, *Error) {
	var st Statement
	if n.kind != jsonx.Object {
		return st, &Error{Statement: i, Msg: "statement must be a JSON object, not " + n.kind.String()}
	}
	if sid, ok := n.get("Sid"); ok && sid.kind == jsonx.String {
		st.Sid = sid.text
	}
	fail := func(field, msg string) (Statement, *Error) {
		return Statement{}, &Error{Statement: i, Sid: st.Sid, Field: field, Msg: msg}
	}
	for _, m := range n.members {
		var err string
		switch m.key {
		case "Sid":
			if m.val.kind != jsonx.String {
				err = "must be a string, not " + m.val.kind.String()
			}
		case "Effect":
			if m.val.kind != jsonx.String {
				err = "must be a string, not " + m.val.kind.String()
			}
			st.Effect = m.val.text
		case "Action":
			st.Actions, err = stringList(m.val)
		case "NotAction":
			st.NotActions, err = stringList(m.val)
		case "Resource":
			st.Resources, err = stringList(m.val)
		case "NotResource":
			if d == EIM {
				err = "Outscale EIM policies have no NotResource element"
				break
			}
			st.NotResources, err = stringList(m.val)
		case "Condition":
			if d == EIM {
				err = "Outscale EIM policies have no Condition element"
				break
			}
			var field string
			st.Conditions, field, err = shapeConditions(m.val)
			if err != "" {
				return fail(field, err)
			}
		default:
			err = unknownKey(m.key, stmtKeys)
		}
		if err != "" {
			return fail(m.key, err)
		}
	}
	if _, ok := n.get("Effect"); !ok {
		return fail("Effect", `missing (want "Allow" or "Deny")`)
	}
	_, hasA := n.get("Action")
	_, hasNA := n.get("NotAction")
	switch {
	case hasA && hasNA:
		return fail("NotAction", "a statement has Action or NotAction, not both")
	case !hasA && !hasNA:
		return fail("Action", "missing (a statement needs Action or NotAction)")
	}
	_, hasR := n.get("Resource")
	_, hasNR := n.get("NotResource")
	switch {
	case hasR && hasNR:
		return fail("NotResource", "a statement has Resource or NotResource, not both")
	case !hasR && !hasNR:
		return fail("Resource", "missing (an identity policy statement needs Resource or NotResource)")
	}
	return st, nil
}

// stringList reads a string or a non-empty list of strings.
func stringList(n node) ([]string, string) {
	switch n.kind {
	case jsonx.String:
		return []string{n.text}, ""
	case jsonx.Array:
		if len(n.items) == 0 {
			return nil, "empty list"
		}
		out := make([]string, len(n.items))
		for i, it := range n.items {
			if it.kind != jsonx.String {
				return nil, "element " + strconv.Itoa(i) + " must be a string, not " + it.kind.String()
			}
			out[i] = it.text
		}
		return out, ""
	}
	return nil, "must be a string or a list of strings, not " + n.kind.String()
}

// shapeConditions reads the Condition block into conditions sorted by
// operator and key. On failure it returns the field and the message.
func shapeConditions(n node) ([]Condition, string, string) {
	if n.kind != jsonx.Object {
		return nil, "Condition", "must be an object, not " + n.kind.String()
	}
	var out []Condition
	for _, opm := range n.members {
		field := "Condition." + opm.key
		if opm.val.kind != jsonx.Object {
			return nil, field, "must be an object of condition keys, not " + opm.val.kind.String()
		}
		if len(opm.val.members) == 0 {
			return nil, field, "no condition keys"
		}
		for _, km := range opm.val.members {
			vals, msg := conditionValues(km.val)
			if msg != "" {
				return nil, field + "." + km.key, msg
			}
			out = append(out, Condition{Operator: opm.key, Key: km.key, Values: vals})
		}
	}
	sortConditions(out)
	return out, "", ""
}

func conditionValues(n node) ([]string, string) {
	switch n.kind {
	case jsonx.String, jsonx.Number, jsonx.Bool:
		return []string{n.text}, ""
	case jsonx.Array:
		if len(n.items) == 0 {
			return nil, "empty list of values"
		}
		out := make([]string, len(n.items))
		for i, it := range n.items {
			switch it.kind {
			case jsonx.String, jsonx.Number, jsonx.Bool:
				out[i] = it.text
			default:
				return nil, "value " + strconv.Itoa(i) + " must be a string, number or boolean, not " + it.kind.String()
			}
		}
		return out, ""
	}
	return nil, "must be a string, number, boolean or a list of them, not " + n.kind.String()
}

func sortConditions(cs []Condition) { slices.SortStableFunc(cs, compareConditions) }

func compareConditions(a, b Condition) int {
	if c := strings.Compare(a.Operator, b.Operator); c != 0 {
		return c
	}
	return strings.Compare(a.Key, b.Key)
}
