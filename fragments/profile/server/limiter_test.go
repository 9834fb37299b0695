package server

import (
	"testing"
	"time"
)

func TestAddressLimiter(t *testing.T) {
	l := newAddressLimiter(time.Hour, 2)
	for i := range 2 {
		if !l.Allow("a") {
			t.Fatalf("attempt %d of the burst was refused", i+1)
		}
	}
	if l.Allow("a") {
		t.Error("a third attempt within the hour was allowed")
	}
	if !l.Allow("b") {
		t.Error("another address shares the first one's allowance")
	}
}
