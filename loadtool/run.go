package loadtool

import (
	"context"
	"fmt"
	"io"
	"math"
	"net/http"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"time"

	"murmur/services"
	"murmur/stack"
)

// Run seeds the running murmur s, then measures the limits, every
// scenario and live delivery, and returns the report. dir is a scratch
// folder (the limits' nginx runs there).
func Run(ctx context.Context, s *stack.Stack, cfg Config, dir string) (*Report, error) {
	rep := &Report{When: time.Now(), Machine: machine(), Config: cfg, Limits: map[string]string{}}
	cfg.progress("machine: %s", rep.Machine)
	// The names are checked before minutes of seeding, not after.
	if _, err := only(scenarios(s.URL(), &Population{}, nil), cfg.Only); err != nil {
		return rep, err
	}
	pop, err := Seed(ctx, cfg, s.DataDir)
	if err != nil {
		return rep, err
	}
	rep.Seed = pop
	cfg.progress("seed: done in %.1f s", pop.Took.Seconds())

	// Sessions: the readers, the writers, the author and its followers.
	accounts := append([]Account{pop.Heavy, pop.Light, pop.Huge, pop.Author}, pop.Writers...)
	accounts = append(accounts, pop.AuthorFollowers...)
	tokens, err := signIn(ctx, s.URL(), dedupe(accounts), cfg.progress)
	if err != nil {
		return rep, err
	}

	// The heavy home page once, unloaded: its size sets the static limit.
	home, took, err := fetchOnce(ctx, s.URL()+"/", tokens[pop.Heavy.ID])
	if err != nil {
		return rep, err
	}
	rep.HomeBytes, rep.HomeOnce = len(home), took

	limits, err := startLimitShell(ctx, dir, home, newKeptFragments(s, tokens[pop.Heavy.ID]))
	if err != nil {
		return rep, fmt.Errorf("limit shell: %w", err)
	}
	defer limits.Stop()
	chosen, err := only(scenarios(s.URL(), pop, tokens), cfg.Only)
	if err != nil {
		return rep, err
	}
	limitScenarios := limits.scenarios(len(home))
	all := append(limitScenarios, chosen...)
	for i, sc := range all {
		if err := ctx.Err(); err != nil {
			return rep, err
		}
		rep.Limits[sc.Name] = sc.Limit
		cfg.progress("run: %s, closed-loop at %d connections for %s", sc.Name, cfg.Connections, cfg.Duration)
		stop := takeProfiles(ctx, s, cfg, sc.Name)
		measured := s
		if i < len(limitScenarios) {
			measured = limits.stack // the limits' own nginx
		}
		cpu := partCPU(ctx, measured, cfg.Warmup, cfg.Duration)
		closed := Closed(ctx, sc, cfg.Connections, cfg.Warmup, cfg.Duration, cfg.MaxRequests)
		stop()
		closed.CPU = cpu()
		cfg.progress("     %.0f answers/s, p99 %s, %d errors", closed.Throughput(), ms(closed.Percentile(99)), closed.Errors)
		rate := sc.Rate * cfg.RateScale
		cfg.progress("run: %s, open-loop at %.0f/s for %s", sc.Name, rate, cfg.Duration)
		open := Open(ctx, sc, rate, 256, cfg.Duration, 10*time.Second, cfg.MaxRequests)
		cfg.progress("     p50 %s, p99 %s, %d errors", ms(open.Percentile(50)), ms(open.Percentile(99)), open.Errors)
		rep.Results = append(rep.Results, closed, open)
	}

	if cfg.Sockets > 0 && (len(cfg.Only) == 0 || slices.Contains(cfg.Only, "live")) {
		var socketTokens []string
		for i := range cfg.Sockets {
			socketTokens = append(socketTokens, tokens[pop.AuthorFollowers[i%len(pop.AuthorFollowers)].ID])
		}
		cfg.progress("live: opening %d sockets", len(socketTokens))
		lr, err := live(ctx, cfg, s.URL(), s.Process("timeline").Pid(), tokens[pop.Author.ID], socketTokens)
		if err != nil {
			return rep, err
		}
		rep.Live = &lr
		cfg.progress("live: %d/%d received, p99 %s", lr.Received, lr.Expected, ms(lr.Latency.Percentile(99)))
	}
	for _, p := range s.Processes {
		if pid := p.Pid(); pid > 0 {
			rep.Memory = append(rep.Memory, Usage{Part: p.Name, Bytes: treeRSS(pid)})
		}
	}
	return rep, nil
}

func dedupe(list []Account) []Account {
	seen := map[string]bool{}
	var out []Account
	for _, a := range list {
		if !seen[a.ID] {
			seen[a.ID] = true
			out = append(out, a)
		}
	}
	return out
}

// fetchOnce reads a page as a signed-in browser would.
func fetchOnce(ctx context.Context, url, token string) ([]byte, time.Duration, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, url, nil)
	if err != nil {
		return nil, 0, err
	}
	req.Header.Set("Cookie", "murmur_session="+token)
	client := newClient(1, 30*time.Second)
	defer client.CloseIdleConnections()
	start := time.Now()
	resp, err := client.Do(req)
	if err != nil {
		return nil, 0, err
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	took := time.Since(start)
	if err == nil {
		err = pageCheck(`id="tweet-`)(resp.StatusCode, body)
	}
	return body, took, err
}

// takeProfiles takes a CPU profile of every service that serves profiles while
// a scenario's measured closed-loop phase runs, into cfg.ProfileDir; the
// returned function waits for them.
func takeProfiles(ctx context.Context, s *stack.Stack, cfg Config, scenario string) (wait func()) {
	if cfg.ProfileDir == "" || len(s.Opts.DebugPorts) == 0 {
		return func() {}
	}
	seconds := max(1, int(math.Ceil(cfg.Duration.Seconds())))
	var wg sync.WaitGroup
	for name, port := range s.Opts.DebugPorts {
		wg.Go(func() {
			select {
			case <-time.After(cfg.Warmup):
			case <-ctx.Done():
				return
			}
			url := fmt.Sprintf("http://127.0.0.1:%d/debug/pprof/profile?seconds=%d", port, seconds)
			req, _ := http.NewRequestWithContext(ctx, http.MethodGet, url, nil)
			resp, err := http.DefaultClient.Do(req)
			if err != nil {
				cfg.progress("profile %s: %v", name, err)
				return
			}
			defer resp.Body.Close()
			path := filepath.Join(cfg.ProfileDir, fmt.Sprintf("%s.%s.pprof", slug(scenario), name))
			f, err := os.Create(path)
			if err != nil {
				cfg.progress("profile %s: %v", name, err)
				return
			}
			defer f.Close()
			io.Copy(f, resp.Body)
		})
	}
	return wg.Wait
}

// slug makes a scenario name a file name.
func slug(name string) string {
	out := make([]rune, 0, len(name))
	for _, r := range name {
		switch {
		case r >= 'a' && r <= 'z', r >= '0' && r <= '9':
			out = append(out, r)
		case r >= 'A' && r <= 'Z':
			out = append(out, r+'a'-'A')
		default:
			if len(out) > 0 && out[len(out)-1] != '-' {
				out = append(out, '-')
			}
		}
	}
	return strings.TrimSuffix(string(out), "-")
}

// StackOptions are a private murmur's: every part on a free loopback port,
// each service with a loopback debug address serving its profiles.
func StackOptions(dir, binDir string) (stack.Options, error) {
	list := services.All()
	ports := make([]int, 2+2*len(list))
	for i := range ports {
		p, err := freePort()
		if err != nil {
			return stack.Options{}, err
		}
		ports[i] = p
	}
	opts := stack.Options{
		Dir: dir, BinDir: binDir, Services: list,
		ShellAddr: fmt.Sprintf("127.0.0.1:%d", ports[0]), RedisPort: ports[1],
		Ports: map[string][]int{}, DebugPorts: map[string]int{},
		Env: append([]string{"MURMUR_LOG_LEVEL=warn"}, writeLimits...),
	}
	for i, svc := range list {
		opts.Ports[svc.Name] = []int{ports[2+2*i]}
		opts.DebugPorts[svc.Name] = ports[3+2*i]
	}
	return opts, nil
}

// writeLimits lift the per-account limits far above what the write
// scenarios ask of their few writers (thousands of posts, likes and follows
// a second each, where a person gets 300 posts in three hours), so every
// write is measured with its limit checked in Redis rather than refused.
// Sign-in keeps its default limit: people sign in from many addresses, a
// few from each.
var writeLimits = []string{
	"MURMUR_LIMIT_POST=100000000/1m",
	"MURMUR_LIMIT_LIKE=100000000/1m",
	"MURMUR_LIMIT_FOLLOW=100000000/1m",
	"MURMUR_LIMIT_UPLOAD=100000000/1m",
}
