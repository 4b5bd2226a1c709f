package retry

import (
	"context"
	"testing"
	"time"
)

func TestDelay(t *testing.T) {
	for n := 1; n <= 10; n++ {
		for range 50 {
			d := Delay(10*time.Millisecond, 50*time.Millisecond, n)
			want := min(10*time.Millisecond<<(n-1), 50*time.Millisecond)
			if d < 0 || d > want {
				t.Fatalf("Delay(n=%d) = %v, want within [0, %v]", n, d, want)
			}
		}
	}
	if Delay(0, 0, 3) != 0 {
		t.Fatal("zero base must not wait")
	}
}

func TestSleep(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if err := Sleep(ctx, time.Hour); err != context.Canceled {
		t.Fatalf("Sleep on a done context = %v", err)
	}
	if err := Sleep(context.Background(), time.Millisecond); err != nil {
		t.Fatal(err)
	}
}

func TestRecent(t *testing.T) {
	var r Recent
	if r.Any(time.Minute, "user/a") {
		t.Fatal("empty set has a")
	}
	r.Add("user/a")
	if !r.Any(time.Minute, "user/b", "user/a") || r.Any(time.Minute, "user/b") {
		t.Fatal("Any")
	}
	if r.Any(0, "user/a") {
		t.Fatal("an entry older than the window counts")
	}
	r.Add("user/a")
	r.Remove("user/a")
	if r.Any(time.Minute, "user/a") {
		t.Fatal("Remove")
	}
}
