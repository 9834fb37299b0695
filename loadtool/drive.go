package loadtool

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/HdrHistogram/hdrhistogram-go"
)

// Scenario is one kind of request, made again and again.
type Scenario struct {
	// Name identifies the scenario in the table and in -only.
	Name string
	// Limit names the limit scenario this one's throughput is compared with.
	Limit string
	// Rate is the open-loop offered rate (requests per second) at RateScale 1.
	Rate float64
	// Request makes the i-th request.
	Request func(i int) (*http.Request, error)
	// Check judges an answer; nil accepts any 2xx.
	Check func(status int, body []byte) error
}

// Result is what one phase of a scenario measured.
type Result struct {
	Scenario string
	// Mode is "closed" (Connections at once, as fast as answered) or
	// "open" (requests sent on a schedule at Offered per second).
	Mode        string
	Connections int
	Offered     float64
	Elapsed     time.Duration
	// OK counts answers that passed the check; Errors counts the rest:
	// transport failures, non-2xx answers, failed checks, and open-loop
	// requests that could not be sent or finished in time.
	OK, Errors int64
	// FirstError describes one error, so a count is never without a reason.
	FirstError string
	// Latency holds the latency of every answer, in microseconds; open-loop
	// latencies count from the scheduled send time.
	Latency *hdrhistogram.Histogram
	// CPU is the CPU time each part of the system used while a closed loop
	// was measured (partCPU), when it was.
	CPU map[string]time.Duration
}

// Throughput is successful answers per second.
func (r Result) Throughput() float64 {
	if r.Elapsed <= 0 {
		return 0
	}
	return float64(r.OK) / r.Elapsed.Seconds()
}

// Percentile is a latency percentile.
func (r Result) Percentile(p float64) time.Duration {
	return time.Duration(r.Latency.ValueAtQuantile(p)) * time.Microsecond
}

// newHistogram records from 1 µs to 2 minutes at 3 significant digits.
func newHistogram() *hdrhistogram.Histogram { return hdrhistogram.New(1, 120_000_000, 3) }

// tally is one goroutine's share of a phase, merged at the end so the
// goroutines never contend on a lock while measuring.
type tally struct {
	ok, errs int64
	first    string
	hist     *hdrhistogram.Histogram
}

func (t *tally) fail(err error) {
	t.errs++
	if t.first == "" {
		t.first = strings.Join(strings.Fields(err.Error()), " ")
	}
}

func merge(r *Result, tallies []*tally) {
	r.Latency = newHistogram()
	for _, t := range tallies {
		r.OK += t.ok
		r.Errors += t.errs
		if r.FirstError == "" {
			r.FirstError = t.first
		}
		r.Latency.Merge(t.hist)
	}
}

// newClient is an HTTP client holding up to conns connections to a host.
// It asks for no compression (nginx compresses JSON and CSS), as a load
// generator such as wrk does, so what is measured is the service's work.
func newClient(conns int, timeout time.Duration) *http.Client {
	return &http.Client{
		Timeout: timeout,
		Transport: &http.Transport{
			DialContext:         (&net.Dialer{Timeout: 5 * time.Second}).DialContext,
			MaxIdleConns:        conns,
			MaxIdleConnsPerHost: conns,
			MaxConnsPerHost:     conns,
			DisableCompression:  true,
			IdleConnTimeout:     30 * time.Second,
		},
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse },
	}
}

// do sends one request and judges its answer, read into buf (one per
// goroutine, reused: the generator shares the machine with what it
// measures, so it allocates as little as it can).
func do(ctx context.Context, client *http.Client, sc Scenario, i int, buf *bytes.Buffer) error {
	req, err := sc.Request(i)
	if err != nil {
		return err
	}
	resp, err := client.Do(req.WithContext(ctx))
	if err != nil {
		return err
	}
	buf.Reset()
	_, err = buf.ReadFrom(resp.Body)
	resp.Body.Close()
	if err != nil {
		return err
	}
	body := buf.Bytes()
	if sc.Check != nil {
		return sc.Check(resp.StatusCode, body)
	}
	if resp.StatusCode/100 != 2 {
		return fmt.Errorf("%s %s: %d", req.Method, req.URL.Path, resp.StatusCode)
	}
	return nil
}

// Closed runs sc on conns connections for d: each sends its next request
// when the previous is answered. warmup runs first, unrecorded.
func Closed(ctx context.Context, sc Scenario, conns int, warmup, d time.Duration, maxRequests int) Result {
	client := newClient(conns, 30*time.Second)
	defer client.CloseIdleConnections()
	var seq atomic.Int64
	run := func(d time.Duration, record bool) ([]*tally, time.Duration) {
		tallies := make([]*tally, conns)
		deadline := time.Now().Add(d)
		ctx, cancel := context.WithDeadline(ctx, deadline.Add(30*time.Second))
		defer cancel()
		start := time.Now()
		var wg sync.WaitGroup
		for c := range conns {
			t := &tally{hist: newHistogram()}
			tallies[c] = t
			wg.Go(func() {
				var buf bytes.Buffer
				for time.Now().Before(deadline) && ctx.Err() == nil {
					i := int(seq.Add(1))
					if record && i > maxRequests {
						return
					}
					began := time.Now()
					err := do(ctx, client, sc, i, &buf)
					if !record {
						continue
					}
					if err != nil {
						t.fail(err)
						continue
					}
					t.ok++
					t.hist.RecordValue(max(time.Since(began).Microseconds(), 1))
				}
			})
		}
		wg.Wait()
		return tallies, time.Since(start)
	}
	if warmup > 0 {
		run(warmup, false)
	}
	seq.Store(0)
	tallies, elapsed := run(d, true)
	r := Result{Scenario: sc.Name, Mode: "closed", Connections: conns, Elapsed: elapsed}
	merge(&r, tallies)
	return r
}

// errLate is an open-loop request that was still unsent or unanswered when
// the phase's grace period ended.
var errLate = errors.New("not answered within the phase's grace period")

// Open sends sc's requests on a fixed schedule of rate per second for d,
// from up to workers connections, and counts each latency from the moment
// the request was due, not from when a connection was free to send it: a
// stall in the system shows as the latency of every request it delayed
// (no coordinated omission). Requests not answered within grace after the
// schedule ends are errors.
func Open(ctx context.Context, sc Scenario, rate float64, workers int, d, grace time.Duration, maxRequests int) Result {
	r := Result{Scenario: sc.Name, Mode: "open", Offered: rate, Connections: workers}
	n := min(int(rate*d.Seconds()), maxRequests)
	if n <= 0 {
		r.Latency = newHistogram()
		return r
	}
	client := newClient(workers, d+grace)
	defer client.CloseIdleConnections()
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	// The queue holds every scheduled request, so the scheduler never
	// waits on the workers: lateness is measured, not avoided.
	due := make(chan time.Time, n)
	start := time.Now()
	interval := time.Duration(float64(time.Second) / rate)
	tallies := make([]*tally, workers)
	var wg sync.WaitGroup
	var seq atomic.Int64
	for w := range workers {
		t := &tally{hist: newHistogram()}
		tallies[w] = t
		wg.Go(func() {
			var buf bytes.Buffer
			for at := range due {
				if ctx.Err() != nil {
					t.fail(errLate)
					continue
				}
				err := do(ctx, client, sc, int(seq.Add(1)), &buf)
				if err != nil {
					if ctx.Err() != nil {
						err = errLate
					}
					t.fail(err)
					continue
				}
				t.ok++
				t.hist.RecordValue(max(time.Since(at).Microseconds(), 1))
			}
		})
	}
	for i := range n {
		at := start.Add(time.Duration(i) * interval)
		if wait := time.Until(at); wait > 0 {
			select {
			case <-time.After(wait):
			case <-ctx.Done():
			}
		}
		due <- at
	}
	close(due)
	done := make(chan struct{})
	go func() { wg.Wait(); close(done) }()
	select {
	case <-done:
	case <-time.After(grace):
		cancel()
		<-done
	}
	// Answers per second over the schedule's length, however long the
	// last answers took to come.
	r.Elapsed = max(time.Since(start), d)
	merge(&r, tallies)
	return r
}
