// Command murmur-load measures murmur on this machine: it starts a private
// murmur on free loopback ports, seeds it, and prints (and writes) one
// markdown table of every scenario against nginx's own limits. `make bench`
// runs the standard scenario.
package main

import (
	"context"
	"flag"
	"fmt"
	"os"
	"os/signal"
	"path/filepath"
	"strings"
	"syscall"
	"time"

	"murmur/loadtool"
	"murmur/stack"
)

func main() {
	std := loadtool.Standard()
	cfg := std
	tiny := flag.Bool("tiny", false, "a run of seconds at a tiny size (the smoke run)")
	dir := flag.String("dir", ".murmur/bench", "scratch folder for the private murmur (emptied first)")
	bin := flag.String("bin", "bin", "folder of the service binaries")
	out := flag.String("out", "", "file to write the markdown table to (default DIR/results.md)")
	only := flag.String("only", "", "comma-separated scenarios to run, by slug (home-page-heavy, timeline-api-recent-light, live, limits, ...); default all")
	flag.IntVar(&cfg.Users, "users", std.Users, "accounts to seed")
	flag.IntVar(&cfg.Tweets, "tweets", std.Tweets, "tweets to seed")
	flag.IntVar(&cfg.Likes, "likes", std.Likes, "likes to seed")
	flag.IntVar(&cfg.HeavyFollows, "heavy-follows", std.HeavyFollows, "how many accounts the heavy reader follows")
	flag.IntVar(&cfg.LightFollows, "light-follows", std.LightFollows, "how many accounts the light reader follows")
	flag.DurationVar(&cfg.Warmup, "warmup", std.Warmup, "unrecorded warm-up before each scenario")
	flag.DurationVar(&cfg.Duration, "duration", std.Duration, "length of each measured phase")
	flag.IntVar(&cfg.Connections, "conns", std.Connections, "closed-loop connections")
	flag.Float64Var(&cfg.RateScale, "rate-scale", std.RateScale, "multiplies every open-loop offered rate")
	flag.IntVar(&cfg.MaxRequests, "max-requests", std.MaxRequests, "at most this many requests per phase")
	flag.IntVar(&cfg.Sockets, "sockets", std.Sockets, "websocket clients in the live scenario (0 skips it)")
	flag.IntVar(&cfg.LivePosts, "live-posts", std.LivePosts, "tweets the live author posts")
	flag.StringVar(&cfg.ProfileDir, "profile", "", "folder for CPU profiles of every service during each scenario")
	flag.Parse()
	if *tiny {
		t := loadtool.Tiny()
		t.ProfileDir = cfg.ProfileDir
		cfg = t
	}
	if *only != "" {
		cfg.Only = strings.Split(*only, ",")
	}
	if *out == "" {
		*out = filepath.Join(*dir, "results.md")
	}
	cfg.Progress = func(format string, args ...any) {
		fmt.Fprintf(os.Stderr, "%s  %s\n", time.Now().Format("15:04:05"), fmt.Sprintf(format, args...))
	}
	if err := run(cfg, *dir, *bin, *out); err != nil {
		fmt.Fprintln(os.Stderr, "murmur-load:", err)
		os.Exit(1)
	}
}

func run(cfg loadtool.Config, dir, bin, out string) error {
	// Each socket costs a descriptor here and in the timeline, and two in
	// one of nginx's workers; the stack raises the limit they inherit to
	// the hard limit.
	var lim syscall.Rlimit
	if err := syscall.Getrlimit(syscall.RLIMIT_NOFILE, &lim); err == nil && lim.Max < uint64(cfg.Sockets)+1024 {
		fmt.Fprintf(os.Stderr, "warning: the hard open-file limit (%d) is too low for %d sockets; some will fail to open (ulimit -Hn)\n", lim.Max, cfg.Sockets)
	}
	if err := os.RemoveAll(dir); err != nil {
		return err
	}
	if cfg.ProfileDir != "" {
		if err := os.MkdirAll(cfg.ProfileDir, 0o755); err != nil {
			return err
		}
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	opts, err := loadtool.StackOptions(filepath.Join(dir, "murmur"), bin)
	if err != nil {
		return err
	}
	cfg.Progress("starting a private murmur in %s", opts.Dir)
	s, err := stack.Start(ctx, opts)
	if err != nil {
		return err
	}
	defer s.Stop()
	rep, err := loadtool.Run(ctx, s, cfg, dir)
	if err != nil {
		return err
	}
	rep.Command = strings.Join(append([]string{"murmur-load"}, os.Args[1:]...), " ")
	f, err := os.Create(out)
	if err != nil {
		return err
	}
	rep.Markdown(f)
	if err := f.Close(); err != nil {
		return err
	}
	fmt.Println()
	rep.Markdown(os.Stdout)
	fmt.Printf("\n(written to %s; %d errors)\n", out, rep.Errors())
	return nil
}
