package loadtool

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"os"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/gorilla/websocket"
)

// LiveResult is what the live delivery scenario measured.
type LiveResult struct {
	Sockets, Connected int
	// Posts is how many tweets the author posted; Expected = Posts × Connected.
	Posts, Expected, Received int
	// Latency is from each POST's answer to each client's receipt, in µs.
	Latency Result
	// RSSPerSocket is how much the timeline's resident memory grew per idle
	// open socket, in bytes.
	RSSPerSocket float64
	ConnectTook  time.Duration
}

// live connects one websocket client per follower of the author to the
// timeline's JSON stream through the shell, as browsers connect, has the
// author post, and times each delivery from the moment the POST was
// answered to the moment the client read it.
func live(ctx context.Context, cfg Config, shell string, timelinePid int, author string, tokens []string) (LiveResult, error) {
	res := LiveResult{Sockets: len(tokens), Posts: cfg.LivePosts}
	wsURL := "ws" + strings.TrimPrefix(shell, "http") + "/timeline/api/stream"
	before := rss(timelinePid)

	type wsClient struct {
		conn *websocket.Conn
		got  []time.Time // by post index
	}
	clients := make([]*wsClient, len(tokens))
	var connected atomic.Int64
	var firstErr atomic.Value
	dialer := &websocket.Dialer{HandshakeTimeout: 30 * time.Second, ReadBufferSize: 1024, WriteBufferSize: 1024}
	start := time.Now()
	sem := make(chan struct{}, 32)
	var wg sync.WaitGroup
	for i, tok := range tokens {
		sem <- struct{}{}
		wg.Go(func() {
			defer func() { <-sem }()
			conn, resp, err := dialer.DialContext(ctx, wsURL, http.Header{"Authorization": {"Bearer " + tok}})
			if err != nil {
				if resp != nil {
					err = fmt.Errorf("%w (%s)", err, resp.Status)
				}
				firstErr.CompareAndSwap(nil, err.Error())
				return
			}
			clients[i] = &wsClient{conn: conn, got: make([]time.Time, cfg.LivePosts)}
			if n := connected.Add(1); n%1000 == 0 {
				cfg.progress("live: %d/%d sockets open", n, len(tokens))
			}
		})
	}
	wg.Wait()
	res.ConnectTook = time.Since(start)
	res.Connected = int(connected.Load())
	defer func() {
		for _, c := range clients {
			if c != nil {
				c.conn.Close()
			}
		}
	}()
	if res.Connected == 0 {
		return res, fmt.Errorf("live: no socket opened: %v", firstErr.Load())
	}
	// Let the sockets settle (each viewer's first socket loads whom they
	// follow) before reading the memory they hold.
	time.Sleep(2 * time.Second)
	if after := rss(timelinePid); before > 0 && after > 0 {
		res.RSSPerSocket = float64(after-before) / float64(res.Connected)
	}

	// Each post's id, once its POST is answered, and when it was answered.
	var mu sync.Mutex
	postAt := map[string]int{}
	answered := make([]time.Time, cfg.LivePosts)
	var received atomic.Int64
	var readers sync.WaitGroup
	for _, c := range clients {
		if c == nil {
			continue
		}
		readers.Go(func() {
			for {
				_, msg, err := c.conn.ReadMessage()
				now := time.Now()
				if err != nil {
					return
				}
				if !bytes.Contains(msg, []byte(`"tweet.created"`)) {
					continue
				}
				var ev struct {
					Event string `json:"event"`
					Tweet struct {
						ID string `json:"id"`
					} `json:"tweet"`
				}
				if json.Unmarshal(msg, &ev) != nil {
					continue
				}
				// The poster holds mu until the POST's answer is read, so
				// a delivery that beats the answer finds its id here too
				// (and counts as no time at all).
				mu.Lock()
				k, ok := postAt[ev.Tweet.ID]
				mu.Unlock()
				if ok && c.got[k].IsZero() {
					c.got[k] = now
					received.Add(1)
				}
			}
		})
	}
	poster := newClient(1, 30*time.Second)
	for k := range cfg.LivePosts {
		body := fmt.Sprintf(`{"text":"live delivery %d"}`, k)
		req, _ := http.NewRequestWithContext(ctx, http.MethodPost, shell+"/tweets/api/tweets", strings.NewReader(body))
		req.Header.Set("Authorization", "Bearer "+author)
		req.Header.Set("Content-Type", "application/json")
		mu.Lock() // hold readers back until the id and time are both known
		resp, err := poster.Do(req)
		at := time.Now()
		if err != nil {
			mu.Unlock()
			return res, fmt.Errorf("live: post: %w", err)
		}
		var t struct {
			ID string `json:"id"`
		}
		err = json.NewDecoder(resp.Body).Decode(&t)
		resp.Body.Close()
		if err != nil || resp.StatusCode != http.StatusCreated {
			mu.Unlock()
			return res, fmt.Errorf("live: post answered %d (%v)", resp.StatusCode, err)
		}
		postAt[t.ID], answered[k] = k, at
		mu.Unlock()
		time.Sleep(time.Second)
	}
	res.Expected = cfg.LivePosts * res.Connected
	deadline := time.Now().Add(15 * time.Second)
	for received.Load() < int64(res.Expected) && time.Now().Before(deadline) {
		time.Sleep(50 * time.Millisecond)
	}
	for _, c := range clients {
		if c != nil {
			c.conn.Close()
		}
	}
	readers.Wait()
	res.Received = int(received.Load())
	res.Latency = Result{Scenario: fmt.Sprintf("live delivery to %d sockets", res.Connected), Mode: "push",
		Connections: res.Connected, Latency: newHistogram(), OK: int64(res.Received),
		Errors: int64(res.Expected - res.Received)}
	if res.Errors() > 0 {
		res.Latency.FirstError = fmt.Sprintf("%d of %d deliveries not received within 15 s", res.Expected-res.Received, res.Expected)
	}
	for _, c := range clients {
		if c == nil {
			continue
		}
		for k, t := range c.got {
			if !t.IsZero() {
				res.Latency.Latency.RecordValue(max(t.Sub(answered[k]).Microseconds(), 1))
			}
		}
	}
	return res, nil
}

// Errors is how many deliveries were lost.
func (r LiveResult) Errors() int { return r.Expected - r.Received }

// rss is a process's resident memory in bytes (0 when unknown).
func rss(pid int) int64 {
	if pid <= 0 {
		return 0
	}
	data, err := os.ReadFile(fmt.Sprintf("/proc/%d/status", pid))
	if err != nil {
		return 0
	}
	for line := range strings.SplitSeq(string(data), "\n") {
		if v, ok := strings.CutPrefix(line, "VmRSS:"); ok {
			kb, _ := strconv.ParseInt(strings.TrimSuffix(strings.TrimSpace(v), " kB"), 10, 64)
			return kb * 1024
		}
	}
	return 0
}

// treeRSS is the resident memory of a process and its children (nginx's
// workers), in bytes.
func treeRSS(pid int) int64 { return overTree(pid, rss) }

// overTree sums what of reads of a process and of its direct children.
func overTree(pid int, of func(int) int64) int64 {
	total := of(pid)
	data, _ := os.ReadFile(fmt.Sprintf("/proc/%d/task/%d/children", pid, pid))
	for _, f := range strings.Fields(string(data)) {
		if child, err := strconv.Atoi(f); err == nil {
			total += of(child)
		}
	}
	return total
}
