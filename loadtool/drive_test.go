package loadtool

import (
	"context"
	"net/http"
	"net/http/httptest"
	"sync/atomic"
	"testing"
	"time"
)

// TestOpenLoopCountsFromTheSchedule checks the open loop does not hide a
// stall: one answer held for 300 ms delays the requests due behind it, and
// each of those must count its wait, not just the one that stalled.
func TestOpenLoopCountsFromTheSchedule(t *testing.T) {
	var n atomic.Int64
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if n.Add(1) == 1 {
			time.Sleep(300 * time.Millisecond)
		}
	}))
	defer srv.Close()
	sc := Scenario{Name: "stall", Request: func(int) (*http.Request, error) { return http.NewRequest(http.MethodGet, srv.URL, nil) }}
	// One connection, a request due every 10 ms for a second: about thirty
	// fall due while the first is held.
	r := Open(context.Background(), sc, 100, 1, time.Second, 5*time.Second, 1000)
	if r.OK != 100 || r.Errors != 0 {
		t.Fatalf("ok %d, errors %d (%s); want 100 answers and no errors", r.OK, r.Errors, r.FirstError)
	}
	if p75 := r.Percentile(75); p75 < 50*time.Millisecond {
		t.Errorf("p75 = %s; want at least 50 ms: the requests due during the stall must count their wait", p75)
	}
	if max := r.Percentile(100); max < 300*time.Millisecond {
		t.Errorf("max = %s; want at least the 300 ms stall", max)
	}
}

func TestClosedLoopCountsEveryError(t *testing.T) {
	var n atomic.Int64
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if n.Add(1)%2 == 0 {
			http.Error(w, "no", http.StatusServiceUnavailable)
		}
	}))
	defer srv.Close()
	sc := Scenario{Name: "half", Request: func(int) (*http.Request, error) { return http.NewRequest(http.MethodGet, srv.URL, nil) }}
	r := Closed(context.Background(), sc, 2, 0, 200*time.Millisecond, 1_000_000)
	total := r.OK + r.Errors
	if total < 10 || r.Errors < total/2-2 || r.Errors > total/2+2 || r.FirstError == "" {
		t.Errorf("ok %d, errors %d, first error %q; want half the answers counted as errors, with a reason", r.OK, r.Errors, r.FirstError)
	}
	if r.Latency.TotalCount() != r.OK {
		t.Errorf("%d latencies recorded for %d successes; want one each", r.Latency.TotalCount(), r.OK)
	}
}

func TestClosedLoopStopsAtMaxRequests(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(http.ResponseWriter, *http.Request) {}))
	defer srv.Close()
	sc := Scenario{Name: "bounded", Request: func(int) (*http.Request, error) { return http.NewRequest(http.MethodGet, srv.URL, nil) }}
	r := Closed(context.Background(), sc, 4, 0, 10*time.Second, 50)
	if r.OK+r.Errors != 50 {
		t.Errorf("%d requests; want exactly 50, the bound", r.OK+r.Errors)
	}
	if r.Elapsed > 5*time.Second {
		t.Errorf("took %s; want the bound, not the duration, to end the phase", r.Elapsed)
	}
}
