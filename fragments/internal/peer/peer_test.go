package peer

import (
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

// TestConcurrentCallsReuseConnections makes rounds of 16 calls at once:
// after the first round, every call finds an idle connection to reuse.
func TestConcurrentCallsReuseConnections(t *testing.T) {
	var opened atomic.Int64
	release := make(chan struct{})
	var arrived sync.WaitGroup
	srv := httptest.NewUnstartedServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		arrived.Done()
		<-release // hold every call until all 16 are in flight
	}))
	srv.Config.ConnState = func(_ net.Conn, s http.ConnState) {
		if s == http.StateNew {
			opened.Add(1)
		}
	}
	srv.Start()
	defer srv.Close()
	client := Client(5 * time.Second)
	for round := range 3 {
		arrived.Add(16)
		var done sync.WaitGroup
		for range 16 {
			done.Go(func() {
				resp, err := client.Get(srv.URL)
				if err != nil {
					t.Error(err)
					return
				}
				io.Copy(io.Discard, resp.Body)
				resp.Body.Close()
			})
		}
		arrived.Wait()
		for range 16 {
			release <- struct{}{}
		}
		done.Wait()
		if got := opened.Load(); got != 16 {
			t.Fatalf("after round %d, %d connections were opened; want the first round's 16 and no more", round+1, got)
		}
	}
}
