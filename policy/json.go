package policy

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"slices"
	"strconv"
	"unicode/utf8"

	"github.com/iamkit/iamkit/internal/jsonx"
)

// MaxDocumentSize is the largest document, in bytes, that Parse reads and
// that Validate accepts once written in canonical JSON.
const MaxDocumentSize = 64 << 10

// maxDepth is the deepest nesting of JSON arrays and objects Parse reads;
// the grammar itself needs 6.
const maxDepth = 8

// Parse reads a portable policy document in its JSON form (see the package
// documentation for the grammar) and validates it.
//
// Parse is strict: unknown or misspelt keys, keys given twice, values of the
// wrong type, null, empty strings and lists, trailing data, documents over
// MaxDocumentSize or nested deeper than the grammar are refused. Every error
// wraps ErrInvalid; the *Error values in it name the statement and field.
//
// The returned Document is canonical: Version is set, portable actions are
// spelled as documented ("Compute:read" becomes "compute:Read"), a single
// string is a one-element list and conditions are sorted by operator, then
// key. Marshalling it and parsing the result gives an equal Document.
func Parse(data []byte) (Document, error) {
	if len(data) > MaxDocumentSize {
		return Document{}, &Error{Statement: -1, Msg: fmt.Sprintf("document too large: %d bytes, at most %d", len(data), MaxDocumentSize)}
	}
	if !utf8.Valid(data) {
		return Document{}, &Error{Statement: -1, Msg: "document is not valid UTF-8"}
	}
	if !jsonx.WithinDepth(data, maxDepth) {
		return Document{}, &Error{Statement: -1, Msg: fmt.Sprintf("document nested deeper than %d levels", maxDepth)}
	}
	d := decoder{dec: jsonx.NewDecoder(data), stmt: -1}
	doc, err := d.document()
	if err != nil {
		return Document{}, err
	}
	if err := Validate(doc); err != nil {
		return Document{}, err
	}
	canonicalize(&doc)
	return doc, nil
}

// canonicalize spells portable actions canonically and sorts conditions.
func canonicalize(doc *Document) {
	doc.Version = Version
	for i := range doc.Statements {
		s := &doc.Statements[i]
		for j, a := range s.Actions {
			s.Actions[j] = a.canonical()
		}
		for j, a := range s.NotActions {
			s.NotActions[j] = a.canonical()
		}
		sortConditions(s.Conditions)
	}
}

// decoder walks the JSON tokens of a document, so that it sees every key
// exactly as written (case and repetitions included).
type decoder struct {
	dec  *json.Decoder
	stmt int // index of the statement being read, or -1
}

func (d *decoder) fail(field, msg string) error {
	return &Error{Statement: d.stmt, Field: field, Msg: msg}
}

// token reads the next token; syntax errors become *Error.
func (d *decoder) token(field string) (json.Token, error) {
	t, err := d.dec.Token()
	if err != nil {
		if errors.Is(err, io.EOF) {
			return nil, d.fail(field, "unexpected end of document")
		}
		var se *json.SyntaxError
		if errors.As(err, &se) {
			return nil, d.fail(field, fmt.Sprintf("malformed JSON at byte %d: %s", se.Offset, se.Error()))
		}
		return nil, d.fail(field, "malformed JSON: "+err.Error())
	}
	return t, nil
}

// describe names the JSON type of a token for error messages.
func describe(t json.Token) string {
	if k, ok := jsonx.TokenKind(t); ok {
		return k.String()
	}
	if v, ok := t.(json.Delim); ok {
		return strconv.Quote(v.String())
	}
	return fmt.Sprintf("%T", t)
}

// key reads the next key of an object, or reports the end of the object.
func (d *decoder) key(field string) (string, bool, error) {
	t, err := d.token(field)
	if err != nil {
		return "", false, err
	}
	if t == json.Delim('}') {
		return "", false, nil
	}
	k, ok := t.(string)
	if !ok {
		return "", false, d.fail(field, "malformed object")
	}
	return k, true, nil
}

// startObject consumes the '{' that opens an object.
func (d *decoder) startObject(field, what string) error {
	t, err := d.token(field)
	if err != nil {
		return err
	}
	if t != json.Delim('{') {
		return d.fail(field, fmt.Sprintf("want %s, got %s", what, describe(t)))
	}
	return nil
}

func (d *decoder) document() (Document, error) {
	var doc Document
	if err := d.startObject("", "a JSON object"); err != nil {
		return doc, err
	}
	var seenVersion, seenStatement bool
	for {
		k, more, err := d.key("")
		if err != nil {
			return doc, err
		}
		if !more {
			break
		}
		switch k {
		case "Version":
			if seenVersion {
				return doc, d.fail("", `duplicate key "Version"`)
			}
			seenVersion = true
			v, err := d.str("Version")
			if err != nil {
				return doc, err
			}
			if v != Version {
				return doc, d.fail("Version", fmt.Sprintf("unsupported version %s (want %q)", quote(v), Version))
			}
			doc.Version = v
		case "Statement":
			if seenStatement {
				return doc, d.fail("", `duplicate key "Statement"`)
			}
			seenStatement = true
			if doc.Statements, err = d.statements(); err != nil {
				return doc, err
			}
		default:
			return doc, d.fail("", fmt.Sprintf(`unknown key %s (want "Version" and "Statement")`, quote(k)))
		}
	}
	d.stmt = -1
	if !seenStatement {
		return doc, d.fail("Statement", "missing")
	}
	if !jsonx.AtEnd(d.dec) {
		return doc, d.fail("", "trailing data after the document")
	}
	return doc, nil
}

func (d *decoder) statements() ([]Statement, error) {
	t, err := d.token("Statement")
	if err != nil {
		return nil, err
	}
	switch t {
	case json.Delim('{'):
		d.stmt = 0
		s, err := d.statement()
		if err != nil {
			return nil, err
		}
		return []Statement{s}, nil
	case json.Delim('['):
	default:
		return nil, d.fail("Statement", fmt.Sprintf("want a list of statements or one statement, got %s", describe(t)))
	}
	list := []Statement{}
	for {
		d.stmt = -1
		t, err := d.token("Statement")
		if err != nil {
			return nil, err
		}
		if t == json.Delim(']') {
			break
		}
		d.stmt = len(list)
		if t != json.Delim('{') {
			return nil, d.fail("", fmt.Sprintf("want a statement object, got %s", describe(t)))
		}
		s, err := d.statement()
		if err != nil {
			return nil, err
		}
		list = append(list, s)
	}
	if len(list) == 0 {
		return nil, d.fail("Statement", "must not be an empty list")
	}
	return list, nil
}

// statementKeys are the keys of a statement object.
var statementKeys = [...]string{"Sid", "Effect", "Action", "NotAction", "Resource", "NotResource", "Condition"}

// statement reads the keys of a statement object whose '{' was consumed.
func (d *decoder) statement() (Statement, error) {
	var s Statement
	var seen uint8 // one bit per key of statementKeys
	for {
		k, more, err := d.key("")
		if err != nil {
			return s, err
		}
		if !more {
			return s, nil
		}
		if i := slices.Index(statementKeys[:], k); i >= 0 {
			if seen&(1<<i) != 0 {
				return s, d.fail("", fmt.Sprintf("duplicate key %s", quote(k)))
			}
			seen |= 1 << i
		}
		switch k {
		case "Sid":
			v, err := d.str(k)
			if err != nil {
				return s, err
			}
			s.Sid = v
		case "Effect":
			v, err := d.str(k)
			if err != nil {
				return s, err
			}
			s.Effect = Effect(v)
		case "Action", "NotAction":
			list, err := d.strings(k)
			if err != nil {
				return s, err
			}
			acts := make([]Action, len(list))
			for i, v := range list {
				acts[i] = Action(v)
			}
			if k == "Action" {
				s.Actions = acts
			} else {
				s.NotActions = acts
			}
		case "Resource", "NotResource":
			list, err := d.strings(k)
			if err != nil {
				return s, err
			}
			res := make([]Resource, len(list))
			for i, v := range list {
				res[i] = Resource(v)
			}
			if k == "Resource" {
				s.Resources = res
			} else {
				s.NotResources = res
			}
		case "Condition":
			if s.Conditions, err = d.conditions(); err != nil {
				return s, err
			}
		default:
			return s, d.fail("", fmt.Sprintf(`unknown key %s (want "Sid", "Effect", "Action", "NotAction", "Resource", "NotResource" or "Condition")`, quote(k)))
		}
	}
}

func (d *decoder) conditions() ([]Condition, error) {
	if err := d.startObject("Condition", "an object of operators"); err != nil {
		return nil, err
	}
	var out []Condition
	seenOp := map[string]bool{}
	for {
		op, more, err := d.key("Condition")
		if err != nil {
			return nil, err
		}
		if !more {
			break
		}
		opField := "Condition." + clip(op)
		if seenOp[op] {
			return nil, d.fail("Condition", fmt.Sprintf("duplicate operator %s", quote(op)))
		}
		seenOp[op] = true
		if err := d.startObject(opField, "an object of condition keys"); err != nil {
			return nil, err
		}
		seenKey := map[string]bool{}
		n := 0
		for {
			key, more, err := d.key(opField)
			if err != nil {
				return nil, err
			}
			if !more {
				break
			}
			if seenKey[key] {
				return nil, d.fail(opField, fmt.Sprintf("duplicate key %s", quote(key)))
			}
			seenKey[key] = true
			values, err := d.strings(opField + "." + clip(key))
			if err != nil {
				return nil, err
			}
			out = append(out, Condition{Operator: Operator(op), Key: key, Values: values})
			n++
		}
		if n == 0 {
			return nil, d.fail(opField, "must not be empty")
		}
	}
	if len(out) == 0 {
		return nil, d.fail("Condition", "must not be empty")
	}
	return out, nil
}

// str reads a non-empty string value.
func (d *decoder) str(field string) (string, error) {
	t, err := d.token(field)
	if err != nil {
		return "", err
	}
	v, ok := t.(string)
	if !ok {
		return "", d.fail(field, fmt.Sprintf("want a string, got %s", describe(t)))
	}
	if v == "" {
		return "", d.fail(field, "must not be empty")
	}
	return v, nil
}

// strings reads a non-empty string or a non-empty list of them.
func (d *decoder) strings(field string) ([]string, error) {
	t, err := d.token(field)
	if err != nil {
		return nil, err
	}
	if v, ok := t.(string); ok {
		if v == "" {
			return nil, d.fail(field, "must not be empty")
		}
		return []string{v}, nil
	}
	if t != json.Delim('[') {
		return nil, d.fail(field, fmt.Sprintf("want a string or a list of strings, got %s", describe(t)))
	}
	var list []string
	for {
		t, err := d.token(field)
		if err != nil {
			return nil, err
		}
		if t == json.Delim(']') {
			break
		}
		f := field + "[" + strconv.Itoa(len(list)) + "]"
		v, ok := t.(string)
		if !ok {
			return nil, d.fail(f, fmt.Sprintf("want a string, got %s", describe(t)))
		}
		if v == "" {
			return nil, d.fail(f, "must not be empty")
		}
		list = append(list, v)
	}
	if len(list) == 0 {
		return nil, d.fail(field, "must not be an empty list")
	}
	return list, nil
}

// MarshalJSON writes d in the canonical form: keys in the order of the
// grammar (Version, Statement; Sid, Effect, Action or NotAction, Resource or
// NotResource, Condition), Sid and Condition left out when empty, every
// action, resource and condition value as a list, portable actions spelled
// canonically, conditions sorted by operator then key, no insignificant
// space. An empty Version is written as Version. A document that Validate
// refuses is not written: its error is returned.
func (d Document) MarshalJSON() ([]byte, error) {
	if err := Validate(d); err != nil {
		return nil, err
	}
	return appendDocument(nil, d), nil
}

// UnmarshalJSON reads a document as Parse does, with the same strictness.
func (d *Document) UnmarshalJSON(data []byte) error {
	doc, err := Parse(data)
	if err != nil {
		return err
	}
	*d = doc
	return nil
}

// jsonEscaping is how the portable grammar writes strings: U+2028 and
// U+2029 are escaped too, so that the JSON can be pasted into JavaScript.
const jsonEscaping = jsonx.JavaScriptSafe

// appendDocument appends the canonical JSON of d, without validating it.
func appendDocument(b []byte, d Document) []byte {
	b = append(b, `{"Version":`...)
	b = jsonx.AppendString(b, Version, jsonEscaping)
	b = append(b, `,"Statement":[`...)
	for i := range d.Statements {
		if i > 0 {
			b = append(b, ',')
		}
		b = appendStatement(b, &d.Statements[i])
	}
	return append(b, "]}"...)
}

func appendStatement(b []byte, s *Statement) []byte {
	b = append(b, '{')
	if s.Sid != "" {
		b = append(b, `"Sid":`...)
		b = jsonx.AppendString(b, s.Sid, jsonEscaping)
		b = append(b, ',')
	}
	b = append(b, `"Effect":`...)
	b = jsonx.AppendString(b, string(s.Effect), jsonEscaping)
	if s.NotActions != nil {
		b = jsonx.AppendStringsFunc(append(b, `,"NotAction":`...), s.NotActions, canonicalText, jsonEscaping)
	} else {
		b = jsonx.AppendStringsFunc(append(b, `,"Action":`...), s.Actions, canonicalText, jsonEscaping)
	}
	if s.NotResources != nil {
		b = jsonx.AppendStrings(append(b, `,"NotResource":`...), s.NotResources, jsonEscaping)
	} else {
		b = jsonx.AppendStrings(append(b, `,"Resource":`...), s.Resources, jsonEscaping)
	}
	if len(s.Conditions) > 0 {
		cs := append([]Condition(nil), s.Conditions...)
		sortConditions(cs)
		b = jsonx.AppendConditions(append(b, `,"Condition":`...), cs, conditionParts, jsonEscaping)
	}
	return append(b, '}')
}

// canonicalText is the text Marshal writes for an action.
func canonicalText(a Action) string { return string(a.canonical()) }

func conditionParts(c *Condition) (op, key string, values []string) {
	return string(c.Operator), c.Key, c.Values
}
