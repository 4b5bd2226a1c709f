package kind

import (
	"errors"
	"fmt"
	"testing"
)

func TestOf(t *testing.T) {
	for _, k := range All {
		if got := Of(fmt.Errorf("wrapped: %w", k)); got != k {
			t.Errorf("Of(wrapped %v) = %v", k, got)
		}
	}
	if Of(nil) != nil || Of(errors.New("x")) != nil {
		t.Error("Of invented a kind")
	}
	seen := map[string]bool{}
	for _, k := range All {
		if seen[k.Error()] {
			t.Errorf("two kinds read %q", k)
		}
		seen[k.Error()] = true
	}
}
