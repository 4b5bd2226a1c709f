// Package jsonx holds the low-level JSON code that the portable policy
// grammar (package policy) and the native AWS/EIM grammar (package
// internal/awspolicy) share: writing strings, string lists and Condition
// blocks in compact canonical JSON, the nesting-depth scan run before any
// decoding, the names of JSON value types in error messages, the strict
// decoder's set-up and end-of-document check, and the location part of
// their error messages.
//
// Where the two grammars differ on purpose the difference is a parameter
// (Escaping, the quoting function of AppendLocation) or stays in the
// package that needs it: messages, size limits, the keys each grammar
// allows and how it reports a syntax error are the callers' own.
package jsonx
