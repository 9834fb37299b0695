// Package stack runs the whole of murmur on one machine: a Redis server,
// every service binary and nginx with the rendered shell. `make start` uses
// it to run the product in the background, and the whole-system tests use it
// to run a private copy on free ports.
package stack

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"syscall"
	"time"

	"murmur/nginx"
	"murmur/shell"
)

// Options say where and how to run.
type Options struct {
	// Dir holds everything a run writes: data/, logs/, run/ and site/.
	Dir string
	// BinDir holds the service binaries (profile, tweets, ...); services
	// without a binary are not started and their slots show fallbacks.
	BinDir string
	// ShellAddr is nginx's address, e.g. 127.0.0.1:4040.
	ShellAddr string
	// Ports lists the port of every instance of each service; several ports
	// run several instances behind nginx.
	Ports map[string][]int
	// RedisURL uses an existing Redis; empty starts one on RedisPort.
	RedisURL  string
	RedisPort int
	// Env is added to every service's environment.
	Env []string
	// Skip names services not to start, as if they were down.
	Skip []string
	// ShellUpstreams, for the services it names, lists the addresses nginx
	// reaches them at instead of their instances' own, so a test can put a
	// real component in between (a slow proxy). Services still call each
	// other directly.
	ShellUpstreams map[string][]string
	// DebugPorts gives the first instance of a service a loopback debug
	// address serving its profiles (MURMUR_DEBUG_LISTEN); none by default.
	DebugPorts map[string]int
	// Detach lets the processes outlive the program that started them
	// (make start); otherwise they die with it (tests).
	Detach bool
}

// DefaultOptions are the ports of DESIGN.md.
func DefaultOptions(dir, binDir string) Options {
	return Options{
		Dir: dir, BinDir: binDir, ShellAddr: "127.0.0.1:4040", RedisPort: 6390,
		Ports: map[string][]int{"profile": {4041}, "tweets": {4042}, "follow": {4043}, "timeline": {4044}},
	}
}

// Process is one running part.
type Process struct {
	Name string
	Path string
	Args []string
	Env  []string
	Log  string
	// Health is a URL that answers 200 once the process serves.
	Health string
	cmd    *exec.Cmd
}

// Stack is a running murmur.
type Stack struct {
	Opts      Options
	RedisURL  string
	Processes []*Process
}

// URL is the shell's address.
func (s *Stack) URL() string { return "http://" + s.Opts.ShellAddr }

// ServiceURL is the direct address of a service's first instance.
func (s *Stack) ServiceURL(name string) string {
	return fmt.Sprintf("http://127.0.0.1:%d", s.Opts.Ports[name][0])
}

func (s *Stack) dir(parts ...string) string {
	return filepath.Join(append([]string{s.Opts.Dir}, parts...)...)
}

// Start renders the shell and nginx configuration, starts every part and
// waits until each answers its health check.
func Start(ctx context.Context, opts Options) (*Stack, error) {
	abs, err := filepath.Abs(opts.Dir)
	if err != nil {
		return nil, err
	}
	opts.Dir = abs
	if opts.BinDir, err = filepath.Abs(opts.BinDir); err != nil {
		return nil, err
	}
	s := &Stack{Opts: opts, RedisURL: opts.RedisURL}
	raiseOpenFileLimit()
	for _, d := range []string{"data", "logs", "run/pids", "site"} {
		if err := os.MkdirAll(s.dir(d), 0o755); err != nil {
			return nil, err
		}
	}
	if s.RedisURL == "" {
		s.RedisURL = fmt.Sprintf("redis://127.0.0.1:%d/0", opts.RedisPort)
		s.Processes = append(s.Processes, &Process{
			Name: "redis", Path: "redis-server",
			Args: []string{"--port", strconv.Itoa(opts.RedisPort), "--bind", "127.0.0.1", "--dir", s.dir("data"),
				"--save", "", "--appendonly", "no"},
			Health: "redis://127.0.0.1:" + strconv.Itoa(opts.RedisPort),
		})
	}
	env := append([]string{
		"MURMUR_REDIS_URL=" + s.RedisURL,
		"MURMUR_PROFILE_URL=" + s.ServiceURL("profile"),
		"MURMUR_TWEETS_URL=" + s.ServiceURL("tweets"),
		"MURMUR_FOLLOW_URL=" + s.ServiceURL("follow"),
		"MURMUR_TIMELINE_URL=" + s.ServiceURL("timeline"),
	}, opts.Env...)
	var upstreams []nginx.Upstream
	for _, name := range nginx.Services {
		up := nginx.Upstream{Name: name}
		for i, port := range opts.Ports[name] {
			addr := fmt.Sprintf("127.0.0.1:%d", port)
			up.Addrs = append(up.Addrs, addr)
			bin := filepath.Join(opts.BinDir, name)
			if _, err := os.Stat(bin); err != nil || slices.Contains(opts.Skip, name) {
				continue // not built (or skipped): nginx shows this service's fallbacks
			}
			pname := name
			if i > 0 {
				pname = fmt.Sprintf("%s-%d", name, i+1)
			}
			penv := []string{
				"MURMUR_LISTEN=" + addr,
				// Instances of a service share its data directory.
				"MURMUR_DATA_DIR=" + s.dir("data", name),
			}
			if port := opts.DebugPorts[name]; port != 0 && i == 0 {
				penv = append(penv, fmt.Sprintf("MURMUR_DEBUG_LISTEN=127.0.0.1:%d", port))
			}
			s.Processes = append(s.Processes, &Process{
				Name: pname, Path: bin,
				Env:    append(penv, env...),
				Health: fmt.Sprintf("http://%s/%s/healthz", addr, name),
			})
		}
		if addrs := opts.ShellUpstreams[name]; len(addrs) > 0 {
			up.Addrs = addrs
		}
		upstreams = append(upstreams, up)
	}
	if err := shell.Render(s.dir("site")); err != nil {
		return nil, fmt.Errorf("render shell: %w", err)
	}
	cfg := nginx.Config{
		Listen: opts.ShellAddr, SiteDir: s.dir("site"), RunDir: s.dir("run"), LogDir: s.dir("logs"),
		Upstreams: upstreams,
	}
	if os.Geteuid() == 0 {
		cfg.User = "root"
	}
	conf := s.dir("run", "nginx.conf")
	if err := nginx.WriteFile(conf, cfg); err != nil {
		return nil, err
	}
	nginxBin, err := findNginx()
	if err != nil {
		return nil, err
	}
	if out, err := exec.Command(nginxBin, "-t", "-q", "-p", s.dir("run"), "-c", conf).CombinedOutput(); err != nil {
		return nil, fmt.Errorf("nginx rejects its configuration: %v\n%s", err, out)
	}
	s.Processes = append(s.Processes, &Process{
		Name: "nginx", Path: nginxBin, Args: []string{"-p", s.dir("run"), "-c", conf},
		Health: "http://" + opts.ShellAddr + "/healthz",
	})
	for _, p := range s.Processes {
		if healthy(p.Health) {
			return nil, fmt.Errorf("%s: something already answers at %s; is murmur running already (make stop)?", p.Name, p.Health)
		}
	}
	for _, p := range s.Processes {
		if err := s.start(p); err != nil {
			s.Stop()
			return nil, err
		}
	}
	for _, p := range s.Processes {
		if err := waitHealthy(ctx, p, 30*time.Second); err != nil {
			s.Stop()
			return nil, err
		}
	}
	return s, nil
}

// raiseOpenFileLimit lifts this process's open-file limit to its hard
// limit, for the parts it starts to inherit: every open timeline costs the
// timeline service one descriptor and nginx two, and the usual soft limit
// of 1024 would refuse the thousandth reader. (Go raises its own limit by
// itself, but gives child processes the original one unless set here.)
func raiseOpenFileLimit() {
	var lim syscall.Rlimit
	if err := syscall.Getrlimit(syscall.RLIMIT_NOFILE, &lim); err == nil && lim.Cur < lim.Max {
		lim.Cur = lim.Max
		syscall.Setrlimit(syscall.RLIMIT_NOFILE, &lim)
	}
}

func findNginx() (string, error) {
	if p, err := exec.LookPath("nginx"); err == nil {
		return p, nil
	}
	if _, err := os.Stat("/usr/sbin/nginx"); err == nil {
		return "/usr/sbin/nginx", nil
	}
	return "", errors.New("nginx is not installed: apt-get install nginx (make deps does it)")
}

func (s *Stack) start(p *Process) error {
	p.Log = s.dir("logs", p.Name+".log")
	logf, err := os.OpenFile(p.Log, os.O_CREATE|os.O_WRONLY|os.O_APPEND, 0o644)
	if err != nil {
		return err
	}
	defer logf.Close()
	cmd := exec.Command(p.Path, p.Args...)
	cmd.Env = append(os.Environ(), p.Env...)
	cmd.Stdout, cmd.Stderr = logf, logf
	cmd.Dir = s.Opts.Dir
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	if s.Opts.Detach {
		cmd.SysProcAttr = &syscall.SysProcAttr{Setsid: true}
	} else {
		cmd.SysProcAttr.Pdeathsig = syscall.SIGKILL
	}
	if err := cmd.Start(); err != nil {
		return fmt.Errorf("start %s: %w", p.Name, err)
	}
	p.cmd = cmd
	pid := cmd.Process.Pid
	if s.Opts.Detach {
		cmd.Process.Release()
	} else {
		go cmd.Wait()
	}
	return os.WriteFile(s.dir("run", "pids", p.Name+".pid"), []byte(strconv.Itoa(pid)), 0o644)
}

func waitHealthy(ctx context.Context, p *Process, limit time.Duration) error {
	deadline := time.Now().Add(limit)
	for time.Now().Before(deadline) {
		if err := ctx.Err(); err != nil {
			return err
		}
		if healthy(p.Health) {
			return nil
		}
		time.Sleep(50 * time.Millisecond)
	}
	return fmt.Errorf("%s did not become healthy within %s (see %s):\n%s", p.Name, limit, p.Log, tail(p.Log, 20))
}

func healthy(url string) bool {
	if addr, ok := strings.CutPrefix(url, "redis://"); ok {
		c, err := net.DialTimeout("tcp", addr, 200*time.Millisecond)
		if err != nil {
			return false
		}
		defer c.Close()
		c.SetDeadline(time.Now().Add(time.Second))
		fmt.Fprint(c, "PING\r\n")
		buf := make([]byte, 5)
		n, _ := io.ReadFull(c, buf)
		return string(buf[:n]) == "+PONG"
	}
	client := http.Client{Timeout: time.Second}
	resp, err := client.Get(url)
	if err != nil {
		return false
	}
	resp.Body.Close()
	return resp.StatusCode == http.StatusOK
}

func tail(path string, lines int) string {
	data, _ := os.ReadFile(path)
	all := strings.Split(strings.TrimRight(string(data), "\n"), "\n")
	if len(all) > lines {
		all = all[len(all)-lines:]
	}
	return strings.Join(all, "\n")
}

// Process returns the named part.
func (s *Stack) Process(name string) *Process {
	for _, p := range s.Processes {
		if p.Name == name {
			return p
		}
	}
	return nil
}

// Pid is the process id of a running part, or 0.
func (p *Process) Pid() int {
	if p.cmd == nil || p.cmd.Process == nil {
		return 0
	}
	return p.cmd.Process.Pid
}

// DataDir is the folder a service keeps its files in.
func (s *Stack) DataDir(service string) string { return s.dir("data", service) }

// Kill stops one part at once, as a crash would.
func (s *Stack) Kill(name string) error {
	p := s.Process(name)
	if p == nil || p.cmd == nil {
		return fmt.Errorf("%s is not running", name)
	}
	syscall.Kill(-p.cmd.Process.Pid, syscall.SIGKILL)
	p.cmd.Process.Kill()
	p.cmd = nil
	os.Remove(s.dir("run", "pids", name+".pid"))
	return waitGone(p.Health, 5*time.Second)
}

// Restart starts a part stopped with Kill again and waits for its health.
func (s *Stack) Restart(ctx context.Context, name string) error {
	p := s.Process(name)
	if p == nil {
		return fmt.Errorf("no part named %s", name)
	}
	if err := s.start(p); err != nil {
		return err
	}
	return waitHealthy(ctx, p, 30*time.Second)
}

func waitGone(url string, limit time.Duration) error {
	deadline := time.Now().Add(limit)
	for time.Now().Before(deadline) {
		if !healthy(url) {
			return nil
		}
		time.Sleep(50 * time.Millisecond)
	}
	return fmt.Errorf("%s still answers", url)
}

// Stop ends every part this Stack started, nginx first, Redis last.
func (s *Stack) Stop() {
	for i := len(s.Processes) - 1; i >= 0; i-- {
		p := s.Processes[i]
		if p.cmd == nil {
			continue
		}
		terminate(p.cmd.Process.Pid, 10*time.Second)
		p.cmd = nil
		os.Remove(s.dir("run", "pids", p.Name+".pid"))
	}
}

// terminate asks a process to stop (SIGTERM), and kills it if it has not
// within grace.
func terminate(pid int, grace time.Duration) {
	syscall.Kill(pid, syscall.SIGTERM)
	deadline := time.Now().Add(grace)
	for time.Now().Before(deadline) {
		if !alive(pid) {
			return
		}
		time.Sleep(50 * time.Millisecond)
	}
	syscall.Kill(pid, syscall.SIGKILL)
}

// alive reports whether a process exists and is not a zombie.
func alive(pid int) bool {
	if syscall.Kill(pid, 0) != nil {
		return false
	}
	stat, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", pid))
	if err != nil {
		return false
	}
	// The state is the field after the parenthesised command name.
	if i := strings.LastIndexByte(string(stat), ')'); i > 0 && i+2 < len(stat) {
		return stat[i+2] != 'Z'
	}
	return true
}

// Running lists the parts recorded in dir's pid files that are still alive.
func Running(dir string) map[string]int {
	out := map[string]int{}
	files, _ := filepath.Glob(filepath.Join(dir, "run", "pids", "*.pid"))
	for _, f := range files {
		data, err := os.ReadFile(f)
		if err != nil {
			continue
		}
		pid, err := strconv.Atoi(strings.TrimSpace(string(data)))
		if err == nil && alive(pid) {
			out[strings.TrimSuffix(filepath.Base(f), ".pid")] = pid
		}
	}
	return out
}

// StopDir stops every part recorded in dir's pid files (what a detached
// Start left running), nginx first, Redis last.
func StopDir(dir string) []string {
	running := Running(dir)
	var stopped []string
	order := []string{"nginx"}
	for name := range running {
		if name != "nginx" && name != "redis" {
			order = append(order, name)
		}
	}
	order = append(order, "redis")
	for _, name := range order {
		if pid, ok := running[name]; ok {
			terminate(pid, 10*time.Second)
			os.Remove(filepath.Join(dir, "run", "pids", name+".pid"))
			stopped = append(stopped, name)
		}
	}
	return stopped
}
