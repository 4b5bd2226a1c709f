package jsonx

import (
	"bytes"
	"encoding/json"
	"io"
	"strconv"
)

// NewDecoder returns a token decoder over data that keeps numbers as
// json.Number, so that their literal text is not lost to float64.
// Strict parsers walk its tokens (Decoder.Token) rather than unmarshal, to
// see every key exactly as written, repetitions and case included.
func NewDecoder(data []byte) *json.Decoder {
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.UseNumber()
	return dec
}

// AtEnd reports whether dec has nothing left but white space. After the
// document's value has been read, false means trailing data (another value,
// or anything malformed).
func AtEnd(dec *json.Decoder) bool {
	_, err := dec.Token()
	return err == io.EOF
}

// Kind is the type of a JSON value.
type Kind uint8

// The JSON value types.
const (
	Null Kind = iota
	Bool
	Number
	String
	Array
	Object
)

var kindNames = [...]string{"null", "a boolean", "a number", "a string", "a list", "an object"}

// String names the type as error messages do: "null", "a boolean",
// "a number", "a string", "a list" or "an object".
func (k Kind) String() string {
	if int(k) < len(kindNames) {
		return kindNames[k]
	}
	return "Kind(" + strconv.Itoa(int(k)) + ")"
}

// TokenKind returns the type of the value that t, a token of a decoder made
// by NewDecoder, is or starts. It returns false for the tokens that end an
// array or object (']' and '}') and for anything that is not such a token.
func TokenKind(t json.Token) (Kind, bool) {
	switch v := t.(type) {
	case nil:
		return Null, true
	case bool:
		return Bool, true
	case json.Number:
		return Number, true
	case string:
		return String, true
	case json.Delim:
		switch v {
		case '[':
			return Array, true
		case '{':
			return Object, true
		}
	}
	return 0, false
}
