package loadtool_test

import (
	"context"
	"os"
	"runtime"
	"strings"
	"testing"
	"time"

	"murmur/loadtool"
	"murmur/stack"
	"murmur/systemtest"
)

// TestMain removes the services' binaries the smoke run built.
func TestMain(m *testing.M) {
	code := m.Run()
	systemtest.RemoveBuilds()
	os.Exit(code)
}

// TestSmokeRun runs the whole tool at a tiny size against a private murmur,
// so it cannot rot: every scenario answers, without a single error, every
// live delivery arrives, and every service gives a CPU profile. No timing
// is asserted.
func TestSmokeRun(t *testing.T) {
	debug, err := loadtool.StackOptions(t.TempDir(), "")
	if err != nil {
		t.Fatal(err)
	}
	s := systemtest.MustStack(t, func(o *stack.Options) { o.DebugPorts = debug.DebugPorts })
	cfg := loadtool.Tiny()
	cfg.ProfileDir = t.TempDir()
	cfg.Progress = t.Logf
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
	defer cancel()
	rep, err := loadtool.Run(ctx, s, cfg, t.TempDir())
	if err != nil {
		t.Fatalf("run: %v", err)
	}
	var md strings.Builder
	rep.Markdown(&md)
	t.Log("\n" + md.String())

	if rep.Errors() != 0 {
		t.Errorf("the run counted %d errors; want none", rep.Errors())
	}
	if rep.Seed.TweetCount != cfg.Tweets || len(rep.Seed.Users) != cfg.Users || rep.Seed.LikeCount == 0 || rep.Seed.Follows == 0 {
		t.Errorf("seed = %d users, %d tweets, %d likes, %d follows; want %d users, %d tweets and some likes and follows",
			len(rep.Seed.Users), rep.Seed.TweetCount, rep.Seed.LikeCount, rep.Seed.Follows, cfg.Users, cfg.Tweets)
	}
	modes := map[string]map[string]bool{}
	for _, r := range rep.Results {
		if r.OK == 0 {
			t.Errorf("%s (%s): no successful answer", r.Scenario, r.Mode)
		}
		if modes[r.Scenario] == nil {
			modes[r.Scenario] = map[string]bool{}
		}
		modes[r.Scenario][r.Mode] = true
	}
	for _, want := range []string{"home page, heavy", "home page, light", "timeline API recent, heavy", "timeline API popular, heavy",
		"timeline API recent, light", "timeline API popular, light", "timeline API recent, huge", "timeline API popular, huge", "user page /u/<handle>", "people search", "post a tweet",
		"like a tweet", "follow someone", "limit: nginx, static page of the home page's size",
		"limit: nginx, home page's SSI slots from trivial Go handlers", "limit: nginx, API answer proxied from a trivial Go handler",
		"limit: nginx, the heavy home page from Go handlers answering its fragments as kept bytes"} {
		if !modes[want]["closed"] || !modes[want]["open"] {
			t.Errorf("scenario %q ran %v; want a closed-loop and an open-loop phase", want, modes[want])
		}
	}
	// The CPU each part used: the page's parts worked, and no more time was
	// counted than the machine had.
	for _, r := range rep.Results {
		if r.Scenario != "home page, heavy" || r.Mode != "closed" {
			continue
		}
		var all time.Duration
		for _, d := range r.CPU {
			all += d
		}
		if r.CPU["nginx"] <= 0 || r.CPU["timeline"] <= 0 || r.CPU["tweets"] <= 0 {
			t.Errorf("CPU during the heavy home page = %v; want time for nginx, timeline and tweets", r.CPU)
		}
		// Each process's time is counted in ticks of 10 ms, at both ends.
		if capacity := time.Duration(runtime.NumCPU())*cfg.Duration + time.Duration(len(r.CPU))*30*time.Millisecond; all > capacity {
			t.Errorf("CPU during the heavy home page adds up to %s, more than the machine's %s in the phase: %v", all, capacity, r.CPU)
		}
	}
	if !strings.Contains(md.String(), "CPU per answer while each closed loop was measured") {
		t.Errorf("the report lacks the CPU per answer:\n%s", md.String())
	}
	if l := rep.Live; l == nil || l.Connected != cfg.Sockets || l.Received != l.Expected || l.Expected != cfg.Sockets*cfg.LivePosts {
		t.Errorf("live = %+v; want %d sockets each receiving %d posts", l, cfg.Sockets, cfg.LivePosts)
	}
	for _, svc := range []string{"profile", "tweets", "follow", "timeline"} {
		info, err := os.Stat(cfg.ProfileDir + "/home-page-heavy." + svc + ".pprof")
		if err != nil || info.Size() == 0 {
			t.Errorf("no CPU profile of %s during the heavy home page (%v)", svc, err)
		}
	}
	if !strings.Contains(md.String(), "| home page, heavy | closed, 4 conns |") || !strings.Contains(md.String(), "cores") {
		t.Errorf("the table lacks the heavy home page's row or the machine:\n%s", md.String())
	}
}
