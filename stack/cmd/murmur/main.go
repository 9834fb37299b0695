// Command murmur starts, stops and reports on the whole product on this
// machine. `murmur start` (what `make start` runs) leaves a supervisor
// running in the background, `murmur supervise`, which owns every part:
// it starts them, collects and rotates their logs, and starts again any
// that crashes. `murmur status` reads the state it keeps; `murmur stop`
// ends it and everything with it.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"os"
	"os/exec"
	"os/signal"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"text/tabwriter"
	"time"

	"murmur/nginx"
	"murmur/services"
	"murmur/shell"
	"murmur/stack"
)

func main() {
	if len(os.Args) < 2 {
		usage()
	}
	fs := flag.NewFlagSet(os.Args[1], flag.ExitOnError)
	dir := fs.String("dir", ".murmur", "folder for data, logs and the run state")
	bin := fs.String("bin", "bin", "folder of the service binaries")
	port := fs.Int("port", 4040, "the shell's port; the services take the next four")
	fs.Parse(os.Args[2:])

	switch os.Args[1] {
	case "start":
		os.Exit(start(*dir, *bin, *port))
	case "supervise":
		os.Exit(supervise(*dir, *bin, *port))
	case "stop":
		os.Exit(stop(*dir))
	case "status":
		os.Exit(status(*dir))
	case "render":
		// For the shell's container image: the pages, static files and an
		// nginx.conf whose upstreams are other containers.
		if err := render(fs.Args()); err != nil {
			fmt.Fprintln(os.Stderr, "murmur: render:", err)
			os.Exit(1)
		}
	default:
		usage()
	}
}

// options are the supervisor's: the ports of DESIGN.md (or from port on),
// and the environment's settings.
func options(dir, bin string, port int) (stack.Options, error) {
	opts := stack.DefaultOptions(dir, bin)
	opts.ShellAddr = fmt.Sprintf("127.0.0.1:%d", port)
	// Each service keeps its place after the shell's port: 4041 … as listed,
	// or 5041 … beside a murmur on 5040.
	for _, svc := range opts.Services {
		opts.Ports[svc.Name] = []int{port + svc.Port - 4040}
	}
	opts.RedisURL = os.Getenv("REDIS_URL")
	ints := map[string]*int{
		"MURMUR_REDIS_PORT": &opts.RedisPort,
		"MURMUR_LOG_MAX_MB": &opts.Logs.MaxMB,
		"MURMUR_LOG_KEEP":   &opts.Logs.Keep,
	}
	for name, v := range ints {
		if s := os.Getenv(name); s != "" {
			n, err := strconv.Atoi(s)
			if err != nil || n <= 0 {
				return opts, fmt.Errorf("%s=%q is not a positive number", name, s)
			}
			*v = n
		}
	}
	b := stack.DefaultBackoff
	opts.Restart = &b
	return opts, nil
}

// start starts whatever of murmur is missing: everything (by leaving a
// supervisor running) when nothing runs, else what the running supervisor
// has down.
func start(dir, bin string, port int) int {
	if stack.SupervisorPid(dir) != 0 {
		return startMissing(dir)
	}
	if left := stack.StopDir(dir); len(left) > 0 {
		fmt.Printf("stopped %s, left running by a supervisor that is gone\n", strings.Join(left, ", "))
	}
	if _, err := options(dir, bin, port); err != nil {
		fmt.Fprintln(os.Stderr, "murmur:", err)
		return 2
	}
	self, err := os.Executable()
	if err != nil {
		fmt.Fprintln(os.Stderr, "murmur:", err)
		return 1
	}
	if err := os.MkdirAll(filepath.Join(dir, "run"), 0o755); err != nil {
		fmt.Fprintln(os.Stderr, "murmur:", err)
		return 1
	}
	// The supervisor's own output (a start failure, a panic) lands here;
	// what it does is in logs/supervisor.log.
	outPath := filepath.Join(dir, "run", "supervisor.out")
	out, err := os.Create(outPath)
	if err != nil {
		fmt.Fprintln(os.Stderr, "murmur:", err)
		return 1
	}
	defer out.Close()
	cmd := exec.Command(self, "supervise", "-dir", dir, "-bin", bin, "-port", strconv.Itoa(port))
	cmd.Stdout, cmd.Stderr = out, out
	// Its own session: it outlives this command and the terminal.
	cmd.SysProcAttr = &syscall.SysProcAttr{Setsid: true}
	if err := cmd.Start(); err != nil {
		fmt.Fprintln(os.Stderr, "murmur: start the supervisor:", err)
		return 1
	}
	exited := make(chan error, 1)
	go func() { exited <- cmd.Wait() }()
	deadline := time.After(3 * time.Minute)
	for {
		select {
		case <-exited:
			data, _ := os.ReadFile(outPath)
			fmt.Fprintf(os.Stderr, "murmur: start failed:\n%s", data)
			return 1
		case <-deadline:
			fmt.Println("murmur is still starting; `make status` tells how far it got")
			return 1
		case <-time.After(100 * time.Millisecond):
		}
		if st, ok := stack.ReadStatus(dir); ok && st.Ready && st.Pid == cmd.Process.Pid {
			printStatus(st)
			fmt.Printf("\nmurmur is running: %s  (`make status`, logs in %s, `make stop` to end it)\n",
				localURL(st.URL), filepath.Join(dir, "logs"))
			return 0
		}
	}
}

// startMissing asks the running supervisor to start what it has down and
// waits until everything answers.
func startMissing(dir string) int {
	st, _ := stack.ReadStatus(dir)
	var missing []string
	for _, p := range st.Parts {
		if p.State != stack.Up {
			missing = append(missing, p.Name)
		}
	}
	if len(missing) == 0 && st.Ready {
		fmt.Println("murmur is already running; nothing to start")
		printStatus(st)
		return 0
	}
	if err := stack.StartMissingIn(dir); err != nil {
		fmt.Fprintln(os.Stderr, "murmur:", err)
		return 1
	}
	fmt.Printf("murmur is running; starting what is missing: %s\n", strings.Join(missing, ", "))
	deadline := time.Now().Add(time.Minute)
	for time.Now().Before(deadline) {
		time.Sleep(100 * time.Millisecond)
		now, ok := stack.ReadStatus(dir)
		if !ok {
			fmt.Fprintln(os.Stderr, "murmur: the supervisor stopped")
			return 1
		}
		if now.MissingStarts > st.MissingStarts && allUp(now) {
			st = now
			printStatus(st)
			return 0
		}
	}
	st, _ = stack.ReadStatus(dir)
	printStatus(st)
	fmt.Println("\nnot everything is up yet; its log says why")
	return 1
}

// allUp reports whether every part that can run is up.
func allUp(st stack.Status) bool {
	for _, p := range st.Parts {
		if p.State != stack.Up && p.State != stack.NotBuilt {
			return false
		}
	}
	return st.Ready
}

// supervise runs murmur in the foreground until SIGTERM or SIGINT; SIGUSR1
// starts at once whatever is down.
func supervise(dir, bin string, port int) int {
	opts, err := options(dir, bin, port)
	if err != nil {
		fmt.Fprintln(os.Stderr, "murmur:", err)
		return 2
	}
	ctx, cancel := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer cancel()
	signal.Ignore(syscall.SIGHUP, syscall.SIGPIPE)
	kick := make(chan os.Signal, 1)
	signal.Notify(kick, syscall.SIGUSR1)
	if err := stack.Supervise(ctx, opts, kick); err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	return 0
}

func stop(dir string) int {
	stopped := stack.StopSupervisor(dir, 2*time.Minute)
	if left := stack.StopDir(dir); len(left) > 0 {
		fmt.Printf("stopped %s, left running without a supervisor\n", strings.Join(left, ", "))
		stopped = true
	}
	if !stopped {
		fmt.Println("murmur was not running")
		return 0
	}
	fmt.Println("murmur stopped")
	return 0
}

func status(dir string) int {
	st, ok := stack.ReadStatus(dir)
	if !ok {
		fmt.Println("murmur is not running (`make start` starts it)")
		if left := stack.Running(dir); len(left) > 0 {
			fmt.Printf("but parts of an earlier run are still there (pids %v); `make stop` ends them\n", left)
		}
		return 0
	}
	printStatus(st)
	return 0
}

// printStatus shows every part: its state and since when, its restarts,
// address and log, and how its last crash ended.
func printStatus(st stack.Status) {
	fmt.Printf("murmur at %s, supervisor pid %d, started %s\n\n", localURL(st.URL), st.Pid, when(st.Started))
	w := tabwriter.NewWriter(os.Stdout, 0, 0, 2, ' ', 0)
	fmt.Fprintln(w, "PART\tSTATE\tSINCE\tRESTARTS\tADDRESS\tPID\tLOG")
	for _, p := range st.Parts {
		state := string(p.State)
		if p.State == stack.Up && !stack.Healthy(p.Health) {
			state = "up, not answering"
		}
		pid := "-"
		if p.Pid != 0 {
			pid = strconv.Itoa(p.Pid)
		}
		log := relative(p.Log)
		if p.StdoutLog != "" {
			log += " + " + filepath.Base(p.StdoutLog)
		}
		fmt.Fprintf(w, "%s\t%s\t%s\t%d\t%s\t%s\t%s\n", p.Name, state, when(p.Since), p.Restarts, p.Addr, pid, log)
	}
	w.Flush()
	for _, p := range st.Parts {
		if p.LastExit == "" {
			continue
		}
		line := fmt.Sprintf("  %s last crashed %s: %s", p.Name, when(p.LastExitAt), p.LastExit)
		if p.State == stack.Restarting && !p.NextStart.IsZero() {
			line += fmt.Sprintf("; next start in %s", max(0, time.Until(p.NextStart)).Round(time.Second))
		}
		fmt.Println(line)
	}
}

// when is a time of day with how long ago it was, and the date if not today.
func when(t time.Time) string {
	if t.IsZero() {
		return "-"
	}
	t, now := t.Local(), time.Now()
	layout := "15:04:05"
	if t.YearDay() != now.YearDay() || t.Year() != now.Year() {
		layout = "2006-01-02 15:04:05"
	}
	return fmt.Sprintf("%s (%s ago)", t.Format(layout), now.Sub(t).Round(time.Second))
}

// relative shortens a path under the working folder.
func relative(path string) string {
	wd, err := os.Getwd()
	if err != nil {
		return path
	}
	if rel, err := filepath.Rel(wd, path); err == nil && !strings.HasPrefix(rel, "..") {
		return rel
	}
	return path
}

// localURL is how a person on this machine opens the shell.
func localURL(u string) string { return strings.Replace(u, "127.0.0.1", "localhost", 1) }

// render writes site/ and nginx.conf into an output folder. Arguments:
// OUT LISTEN [service=host:port ...]: a service of the list not named is
// reached at its own name and port (the containers of docker-compose.yml);
// naming one several times runs instances.
func render(args []string) error {
	if len(args) < 2 {
		return errors.New("usage: murmur render OUT LISTEN [service=host:port ...]")
	}
	out, listen := args[0], args[1]
	list := services.All()
	addrs := map[string][]string{}
	for _, a := range args[2:] {
		name, addr, ok := strings.Cut(a, "=")
		if !ok {
			return fmt.Errorf("%q is not service=host:port", a)
		}
		if _, ok := list.Get(name); !ok {
			return fmt.Errorf("%q is no service of the list %v", name, list.Names())
		}
		addrs[name] = append(addrs[name], addr)
	}
	if err := shell.Render(filepath.Join(out, "site"), list); err != nil {
		return err
	}
	var ups []nginx.Upstream
	for _, svc := range list {
		a := addrs[svc.Name]
		if len(a) == 0 {
			a = []string{fmt.Sprintf("%s:%d", svc.Name, svc.Port)}
		}
		ups = append(ups, nginx.Upstream{Name: svc.Name, Addrs: a})
	}
	return nginx.WriteFile(filepath.Join(out, "nginx.conf"), nginx.Config{
		Listen: listen, SiteDir: "/srv/murmur/site", RunDir: "/var/lib/murmur-nginx", LogDir: "/var/log/nginx",
		Upstreams: ups, User: "www-data",
	})
}

func usage() {
	fmt.Fprintln(os.Stderr, `usage: murmur start|stop|status [-dir .murmur] [-bin bin] [-port 4040]
       murmur supervise [-dir .murmur] [-bin bin] [-port 4040]   (what start leaves running)
       murmur render OUT LISTEN [service=host:port ...]`)
	os.Exit(2)
}
