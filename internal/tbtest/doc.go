// Package tbtest holds test doubles for testing.TB, for the tests of
// test-support code (such as the fake API servers under internal) that
// reports its findings through the testing.TB it is given.
package tbtest
