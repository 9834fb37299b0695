package events_test

import (
	"context"
	"testing"
	"time"

	"murmur/fragments/internal/events"
	"murmur/fragments/internal/testkit"
)

// tailer is one running Tail: the facts it handed on, and its live states.
type tailer struct {
	got  chan events.SessionsRevokedPayload
	live chan bool
}

func startTail(tb testing.TB, bus *events.Bus) *tailer {
	tb.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	tl := &tailer{got: make(chan events.SessionsRevokedPayload, 100), live: make(chan bool, 100)}
	done := make(chan struct{})
	go func() {
		defer close(done)
		bus.Tail(ctx, events.SessionsRevoked, func(e events.Entry) {
			var p events.SessionsRevokedPayload
			if err := e.Decode(&p); err != nil {
				tb.Errorf("decode %s: %v", e.Payload, err)
			}
			tl.got <- p
		}, func(up bool) { tl.live <- up })
	}()
	tb.Cleanup(func() { cancel(); <-done })
	return tl
}

func (tl *tailer) wantLive(tb testing.TB, want bool) {
	tb.Helper()
	select {
	case got := <-tl.live:
		if got != want {
			tb.Fatalf("live = %v, want %v", got, want)
		}
	case <-time.After(15 * time.Second):
		tb.Fatalf("live never became %v", want)
	}
}

func (tl *tailer) next(tb testing.TB) events.SessionsRevokedPayload {
	tb.Helper()
	select {
	case p := <-tl.got:
		return p
	case <-time.After(10 * time.Second):
		tb.Fatal("no fact handed on")
		return events.SessionsRevokedPayload{}
	}
}

// Every tailer sees every fact appended after it started, in order, and
// none from before; when Redis goes away it says so, and when Redis is
// back it says so again and goes on.
func TestTailHandsEveryInstanceEveryFact(t *testing.T) {
	ctx := context.Background()
	rd := testkit.MustRedis(t)
	bus := mustBus(t, rd.URL)
	if _, err := bus.Append(ctx, events.SessionsRevoked, events.SessionsRevokedPayload{UserID: "1", TokenVersion: 1}); err != nil {
		t.Fatal(err)
	}
	a, b := startTail(t, mustBus(t, rd.URL)), startTail(t, mustBus(t, rd.URL))
	a.wantLive(t, true)
	b.wantLive(t, true)
	for v := range int64(3) {
		if _, err := bus.Append(ctx, events.SessionsRevoked, events.SessionsRevokedPayload{UserID: "2", TokenVersion: v + 1}); err != nil {
			t.Fatal(err)
		}
	}
	for name, tl := range map[string]*tailer{"a": a, "b": b} {
		for v := range int64(3) {
			if p := tl.next(t); p.UserID != "2" || p.TokenVersion != v+1 {
				t.Errorf("tailer %s got %+v, want user 2 at version %d (and nothing from before it started)", name, p, v+1)
			}
		}
	}

	rd.Stop()
	a.wantLive(t, false)
	rd.Start(t)
	a.wantLive(t, true)
	if _, err := bus.Append(ctx, events.SessionsRevoked, events.SessionsRevokedPayload{UserID: "3", TokenVersion: 1}); err != nil {
		t.Fatal(err)
	}
	if p := a.next(t); p.UserID != "3" {
		t.Errorf("after Redis came back: %+v, want user 3's fact", p)
	}
}
