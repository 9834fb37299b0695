// Package stack runs the whole of murmur on one machine: a Redis server,
// every service binary and nginx with the rendered shell. It owns the
// processes it starts: each part's output goes through it into a log file
// it rotates, and, when asked to, it starts again a part that crashes,
// after a wait that grows with each crash in a row, without touching the
// others. `murmur supervise` (what `make start` leaves running) is a Stack
// kept alive until `murmur stop`; the whole-system tests and the load tool
// run a private one on free ports in their own process.
package stack

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"time"

	"gopkg.in/natefinch/lumberjack.v2"

	"murmur/nginx"
	"murmur/services"
	"murmur/shell"
)

// Options say where and how to run.
type Options struct {
	// Dir holds everything a run writes: data/, logs/, run/ and site/.
	Dir string
	// BinDir holds the service binaries (profile, tweets, ...); services
	// without a binary are not started and their slots show fallbacks
	// (StartMissing starts them once they are built).
	BinDir string
	// Services are the services that make up this murmur; nil is the
	// whole list (services.All). One taken out is neither started nor
	// proxied: its slots are empty, as if its row were deleted.
	Services services.List
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
	// Restart, when set, starts again every part that exits on its own (a
	// crash). Without it a part that exits stays down.
	Restart *Backoff
	// Logs bounds each part's log file; zero fields take DefaultLogLimits.
	Logs LogLimits
}

// Backoff is how long a crashed part waits before it is started again.
type Backoff struct {
	// First is the wait after a crash; each further crash in a row doubles
	// it, up to Max.
	First, Max time.Duration
	// Reset is how long a part must have run for its next crash to count
	// as a first one again.
	Reset time.Duration
}

// DefaultBackoff is what `murmur start` uses: 1 s, 2 s, 4 s … at most a
// minute between tries; a part that ran for a minute starts again at 1 s.
var DefaultBackoff = Backoff{First: time.Second, Max: time.Minute, Reset: time.Minute}

// wait is the pause before the next start after crashes crashes in a row.
func (b Backoff) wait(crashes int) time.Duration {
	w := b.First
	for i := 1; i < crashes && w < b.Max; i++ {
		w *= 2
	}
	return min(w, max(b.Max, b.First))
}

// LogLimits bound the log file of each part.
type LogLimits struct {
	// MaxMB is the size in megabytes at which a log file is rotated.
	MaxMB int
	// Keep is how many rotated files are kept, gzip-compressed, besides
	// the current one.
	Keep int
}

// DefaultLogLimits keep at most 10 MB of current log and five rotated,
// compressed files per part.
var DefaultLogLimits = LogLimits{MaxMB: 10, Keep: 5}

// DefaultOptions are the ports of the list of services.
func DefaultOptions(dir, binDir string) Options {
	opts := Options{
		Dir: dir, BinDir: binDir, ShellAddr: "127.0.0.1:4040", RedisPort: 6390,
		Services: services.All(), Ports: map[string][]int{},
	}
	for _, svc := range opts.Services {
		opts.Ports[svc.Name] = []int{svc.Port}
	}
	return opts
}

// Stack is a running murmur.
type Stack struct {
	Opts      Options
	RedisURL  string
	Processes []*Process

	// mu guards every part's running state and the fields below.
	mu       sync.Mutex
	started  time.Time
	ready    bool
	stopping bool
	closed   bool // stopped: the status file is gone for good
	// missingStarts counts the calls of StartMissing.
	missingStarts int
	log           *slog.Logger
	logFile       *lumberjack.Logger
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
// waits until each answers its health check. If one does not, everything
// is stopped again and the error tells why.
func Start(ctx context.Context, opts Options) (*Stack, error) {
	s, err := newStack(opts)
	if err != nil {
		return nil, err
	}
	opts = s.Opts
	if s.RedisURL == "" {
		s.RedisURL = fmt.Sprintf("redis://127.0.0.1:%d/0", opts.RedisPort)
		addr := "127.0.0.1:" + strconv.Itoa(opts.RedisPort)
		s.add(&Process{
			Name: "redis", Path: "redis-server", Addr: addr,
			Args: []string{"--port", strconv.Itoa(opts.RedisPort), "--bind", "127.0.0.1", "--dir", s.dir("data"),
				"--save", "", "--appendonly", "no"},
			Health: "redis://" + addr,
		})
	}
	env := []string{"MURMUR_REDIS_URL=" + s.RedisURL}
	for _, svc := range opts.Services {
		if len(opts.Ports[svc.Name]) == 0 {
			return nil, fmt.Errorf("no port for %s", svc.Name)
		}
		env = append(env, svc.URLVariable()+"="+s.ServiceURL(svc.Name))
	}
	env = append(env, opts.Env...)
	var upstreams []nginx.Upstream
	for _, svc := range opts.Services {
		name := svc.Name
		up := nginx.Upstream{Name: name}
		for i, port := range opts.Ports[name] {
			addr := fmt.Sprintf("127.0.0.1:%d", port)
			up.Addrs = append(up.Addrs, addr)
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
			p := s.add(&Process{
				Name: pname, Path: filepath.Join(opts.BinDir, name), Addr: addr,
				Env:    append(penv, env...),
				Health: fmt.Sprintf("http://%s/%s/healthz", addr, name),
			})
			if slices.Contains(opts.Skip, name) {
				p.held, p.state = true, Stopped
			}
		}
		if addrs := opts.ShellUpstreams[name]; len(addrs) > 0 {
			up.Addrs = addrs
		}
		upstreams = append(upstreams, up)
	}
	if err := shell.Render(s.dir("site"), opts.Services); err != nil {
		return nil, fmt.Errorf("render shell: %w", err)
	}
	// No log folder: nginx writes its error log to stderr and its access
	// log to stdout, which the stack collects and rotates like any part's.
	cfg := nginx.Config{
		Listen: opts.ShellAddr, SiteDir: s.dir("site"), RunDir: s.dir("run"),
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
	args := []string{"-e", "stderr", "-p", s.dir("run"), "-c", conf}
	if out, err := exec.Command(nginxBin, append([]string{"-t", "-q"}, args...)...).CombinedOutput(); err != nil {
		return nil, fmt.Errorf("nginx rejects its configuration: %v\n%s", err, out)
	}
	s.add(&Process{
		Name: "nginx", Path: nginxBin, Args: args, Addr: opts.ShellAddr,
		Health: "http://" + opts.ShellAddr + "/healthz",
		// nginx's stderr carries its error log, its stdout the access log.
		Log: s.dir("logs", "nginx-error.log"), StdoutLog: s.dir("logs", "nginx-access.log"),
	})
	if err := s.run(ctx); err != nil {
		return nil, err
	}
	return s, nil
}

// newStack prepares a stack's folders and its own log, where it tells
// what it does with the parts (logs/supervisor.log).
func newStack(opts Options) (*Stack, error) {
	abs, err := filepath.Abs(opts.Dir)
	if err != nil {
		return nil, err
	}
	opts.Dir = abs
	if opts.BinDir, err = filepath.Abs(opts.BinDir); err != nil {
		return nil, err
	}
	if opts.Logs.MaxMB <= 0 {
		opts.Logs.MaxMB = DefaultLogLimits.MaxMB
	}
	if opts.Logs.Keep <= 0 {
		opts.Logs.Keep = DefaultLogLimits.Keep
	}
	if opts.Services == nil {
		opts.Services = services.All()
	}
	s := &Stack{Opts: opts, RedisURL: opts.RedisURL, started: time.Now()}
	raiseOpenFileLimit()
	for _, d := range []string{"data", "logs", "run/pids", "site"} {
		if err := os.MkdirAll(s.dir(d), 0o755); err != nil {
			return nil, err
		}
	}
	s.logFile = s.rotatedFile(s.dir("logs", "supervisor.log"))
	s.log = slog.New(slog.NewJSONHandler(s.logFile, nil)).With("service", "supervisor")
	return s, nil
}

// run starts every part and waits until each answers. If one does not,
// it stops them all again.
func (s *Stack) run(ctx context.Context) error {
	for _, p := range s.Processes {
		if !p.held && p.built() && healthy(p.Health) {
			return fmt.Errorf("%s: something already answers at %s; is murmur running already (make stop)?", p.Name, p.Health)
		}
	}
	for _, p := range s.Processes {
		if err := s.startPart(p); err != nil {
			s.Stop()
			return err
		}
	}
	for _, p := range s.Processes {
		if err := s.waitUp(ctx, p, 30*time.Second); err != nil {
			s.Stop()
			return err
		}
	}
	s.mu.Lock()
	s.ready = true
	s.saveStatus()
	s.mu.Unlock()
	s.log.Info("murmur is up", "url", s.URL())
	return nil
}

// add registers a part, with its log files.
func (s *Stack) add(p *Process) *Process {
	p.stack = s
	if p.Log == "" {
		p.Log = s.dir("logs", p.Name+".log")
	}
	p.state = NotStarted
	s.Processes = append(s.Processes, p)
	return p
}

// startPart starts p at Start, unless it is held or not built.
func (s *Stack) startPart(p *Process) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if p.held {
		s.saveStatus()
		return nil
	}
	if !p.built() {
		p.setState(NotBuilt)
		s.saveStatus()
		return nil
	}
	return s.launch(p)
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

// Healthy reports whether a part's health URL (http://… answering 200, or
// redis://address answering PING) answers now.
func Healthy(url string) bool { return healthy(url) }

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

// DataDir is the folder a service keeps its files in.
func (s *Stack) DataDir(service string) string { return s.dir("data", service) }

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

// Stop ends every part this Stack started, nginx first, Redis last, and
// stops restarting them. It is safe to call more than once.
func (s *Stack) Stop() {
	s.mu.Lock()
	if s.stopping {
		s.mu.Unlock()
		return
	}
	s.stopping = true
	s.mu.Unlock()
	for _, p := range slices.Backward(s.Processes) {
		p.stop(10 * time.Second)
	}
	for _, p := range s.Processes {
		p.closeLogs()
	}
	s.mu.Lock()
	s.closed = true
	os.Remove(s.dir("run", statusFile))
	s.mu.Unlock()
	s.log.Info("murmur stopped")
	s.logFile.Close()
}
