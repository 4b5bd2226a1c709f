package aws

import (
	"errors"
	"strconv"
	"testing"

	awssdk "github.com/aws/aws-sdk-go-v2/aws"
)

func TestEachPage(t *testing.T) {
	var seen []string
	err := eachPage(func(marker *string) (*string, bool, error) {
		seen = append(seen, awssdk.ToString(marker))
		if len(seen) == 3 {
			return nil, false, nil
		}
		return awssdk.String(strconv.Itoa(len(seen))), true, nil
	})
	if err != nil || len(seen) != 3 || seen[0] != "" || seen[2] != "2" {
		t.Fatalf("pages %q, err %v", seen, err)
	}
	boom := errors.New("boom")
	n := 0
	if err := eachPage(func(*string) (*string, bool, error) { n++; return awssdk.String("m"), true, boom }); err != boom || n != 1 {
		t.Fatalf("error not returned at once: %v after %d pages", err, n)
	}
	n = 0
	if err := eachPage(func(*string) (*string, bool, error) { n++; return nil, true, nil }); err != nil || n != 1 {
		t.Fatalf("a truncated page without marker must end the listing: %v after %d pages", err, n)
	}
}
