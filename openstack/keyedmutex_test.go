package openstack

import (
	"sync"
	"testing"
)

// TestKeyedMutex checks that a key's holders take turns, that other keys do
// not wait for them, and that no mutex is kept once nobody needs it.
func TestKeyedMutex(t *testing.T) {
	var k keyedMutex
	var wg sync.WaitGroup
	inside := map[string]int{}
	var mu sync.Mutex // guards inside, which the race detector watches too
	for i := range 64 {
		key := []string{"a", "b", "c"}[i%3]
		wg.Go(func() {
			unlock := k.lock(key)
			mu.Lock()
			inside[key]++
			if n := inside[key]; n != 1 {
				t.Errorf("%d holders of %q at once", n, key)
			}
			mu.Unlock()
			mu.Lock()
			inside[key]--
			mu.Unlock()
			unlock()
		})
	}
	wg.Wait()
	if n := k.held(); n != 0 {
		t.Errorf("%d mutexes kept after every holder left, want 0", n)
	}

	// Another key is free while one is held.
	unlockA := k.lock("a")
	done := make(chan struct{})
	go func() { k.lock("b")(); close(done) }()
	<-done
	if n := k.held(); n != 1 {
		t.Errorf("%d mutexes kept while one key is held, want 1", n)
	}
	unlockA()
	if n := k.held(); n != 0 {
		t.Errorf("%d mutexes kept, want 0", n)
	}
}
