// Package openapicheck holds the OpenAPI checks that the fake API servers
// (internal/oscfake, internal/ovhfake) share: validating a request and a
// 200 JSON response against an operation of a document loaded with
// kin-openapi, and describing the failures in short lines without the
// schema dumps of kin-openapi's messages.
//
// Credentials are not checked here: each fake checks signatures or tokens
// itself. Loading the documents, finding the operation and mapping
// failures to the API's error answers stay with each fake, as do the
// checks only one of them makes. Where the two fakes describe failures
// differently, the difference is the choice between Describe and
// DescribeCauses.
package openapicheck
