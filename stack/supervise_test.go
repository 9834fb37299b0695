package stack

import (
	"bufio"
	"compress/gzip"
	"context"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"os/signal"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"
)

// The test binary doubles as the parts these tests supervise: run with
// STACK_TEST_PART set, it is a small real server instead of the tests.
func TestMain(m *testing.M) {
	if mode := os.Getenv("STACK_TEST_PART"); mode != "" {
		testPart(mode)
		return
	}
	os.Exit(m.Run())
}

// testPart is a part: "serve" answers /healthz at STACK_TEST_ADDR;
// "chatter" first writes STACK_TEST_LINES numbered lines to stdout;
// "forker" also starts a "serve" child at STACK_TEST_CHILD_ADDR and tells
// its pid at /child; "fail" exits at once.
func testPart(mode string) {
	ctx, stop := signal.NotifyContext(context.Background(), syscall.SIGTERM)
	defer stop()
	mux := http.NewServeMux()
	mux.HandleFunc("/healthz", func(w http.ResponseWriter, r *http.Request) { fmt.Fprintln(w, "ok") })
	switch mode {
	case "fail":
		fmt.Fprintln(os.Stderr, "cannot start: nothing works")
		os.Exit(1)
	case "chatter":
		n, _ := strconv.Atoi(os.Getenv("STACK_TEST_LINES"))
		w := bufio.NewWriterSize(os.Stdout, 64<<10)
		pad := strings.Repeat("x", 80)
		for i := range n {
			fmt.Fprintf(w, "line %07d %s\n", i, pad)
			if w.Buffered() > 60<<10 {
				w.Flush()
				// Rotated files are named to the millisecond.
				time.Sleep(2 * time.Millisecond)
			}
		}
		fmt.Fprintln(w, "chatter done")
		w.Flush()
	case "forker":
		child := exec.Command(os.Args[0], os.Args[1:]...)
		child.Env = append(os.Environ(), "STACK_TEST_PART=serve", "STACK_TEST_ADDR="+os.Getenv("STACK_TEST_CHILD_ADDR"))
		if err := child.Start(); err != nil {
			fmt.Fprintln(os.Stderr, err)
			os.Exit(1)
		}
		mux.HandleFunc("/child", func(w http.ResponseWriter, r *http.Request) { fmt.Fprint(w, child.Process.Pid) })
	}
	srv := &http.Server{Addr: os.Getenv("STACK_TEST_ADDR"), Handler: mux}
	go func() { <-ctx.Done(); srv.Close() }()
	fmt.Println("serving", srv.Addr)
	if err := srv.ListenAndServe(); err != http.ErrServerClosed {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
}

// mustTestStack is an empty stack in a temp folder, stopped when the test ends.
func mustTestStack(t *testing.T, restart *Backoff, logs LogLimits) *Stack {
	t.Helper()
	s, err := newStack(Options{Dir: t.TempDir(), BinDir: t.TempDir(), Restart: restart, Logs: logs})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		s.Stop()
		if t.Failed() {
			t.Logf("supervisor.log:\n%s", tail(s.dir("logs", "supervisor.log"), 30))
		}
	})
	return s
}

// addTestPart adds a part running this test binary in the given mode.
func (s *Stack) addTestPart(t *testing.T, name, mode string, env ...string) *Process {
	t.Helper()
	exe, err := os.Executable()
	if err != nil {
		t.Fatal(err)
	}
	addr := freeAddr(t)
	return s.add(&Process{
		Name: name, Path: exe, Args: []string{"-test.run=^$"}, Addr: addr,
		Env:    append([]string{"STACK_TEST_PART=" + mode, "STACK_TEST_ADDR=" + addr}, env...),
		Health: "http://" + addr + "/healthz",
	})
}

func freeAddr(t *testing.T) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	return ln.Addr().String()
}

func mustRun(t *testing.T, s *Stack) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	if err := s.run(ctx); err != nil {
		t.Fatal(err)
	}
}

// waitUntil polls cond for up to limit.
func waitUntil(t *testing.T, limit time.Duration, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(limit)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out after %s waiting for %s", limit, what)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

func TestBackoffWait(t *testing.T) {
	b := Backoff{First: time.Second, Max: time.Minute}
	for _, c := range []struct {
		crashes int
		want    time.Duration
	}{{1, time.Second}, {2, 2 * time.Second}, {3, 4 * time.Second}, {6, 32 * time.Second}, {7, time.Minute}, {50, time.Minute}} {
		if got := b.wait(c.crashes); got != c.want {
			t.Errorf("wait after %d crashes in a row = %s, want %s", c.crashes, got, c.want)
		}
	}
}

func TestCrashedPartStartsAgainAlone(t *testing.T) {
	s := mustTestStack(t, &Backoff{First: 200 * time.Millisecond, Max: time.Second, Reset: time.Minute}, LogLimits{})
	s.addTestPart(t, "crashy", "serve")
	other := s.addTestPart(t, "other", "serve")
	mustRun(t, s)
	before, otherBefore := s.Part("crashy"), s.Part("other")

	// A connection to the other part, open across the crash.
	conn, err := net.Dial("tcp", other.Addr)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	mustGetOn(t, conn)

	if err := s.Crash("crashy"); err != nil {
		t.Fatal(err)
	}
	waitUntil(t, 10*time.Second, "crashy to be started again", func() bool {
		p := s.Part("crashy")
		return p.State == Up && p.Restarts == 1
	})
	after := s.Part("crashy")
	if after.Pid == before.Pid || after.Pid == 0 {
		t.Errorf("crashy runs as pid %d after its crash, want a new process (was %d)", after.Pid, before.Pid)
	}
	if after.LastExit != "signal: killed" || after.LastExitAt.IsZero() {
		t.Errorf("crashy's last exit = %q at %v, want signal: killed and a time", after.LastExit, after.LastExitAt)
	}
	if !Healthy(after.Health) {
		t.Error("crashy does not answer after its restart")
	}
	if o := s.Part("other"); o.Pid != otherBefore.Pid || o.Restarts != 0 || o.State != Up || !o.Since.Equal(otherBefore.Since) {
		t.Errorf("the other part was touched: %+v, was %+v", o, otherBefore)
	}
	mustGetOn(t, conn) // the same connection still serves

	st, ok := ReadStatus(s.Opts.Dir)
	if !ok {
		t.Fatal("no status file while the stack runs")
	}
	if p, _ := st.Part("crashy"); p.Restarts != 1 || p.State != Up || p.Pid != after.Pid {
		t.Errorf("status file says crashy is %+v", p)
	}
	log, _ := os.ReadFile(s.dir("logs", "supervisor.log"))
	if !regexp.MustCompile(`"msg":"exited".*"part":"crashy".*"restart_in":"200ms".*"exit":"signal: killed"`).Match(log) {
		t.Errorf("supervisor.log does not tell of the crash:\n%s", log)
	}
}

// mustGetOn sends a health request on an open connection and reads the answer.
func mustGetOn(t *testing.T, conn net.Conn) {
	t.Helper()
	conn.SetDeadline(time.Now().Add(5 * time.Second))
	fmt.Fprint(conn, "GET /healthz HTTP/1.1\r\nHost: test\r\n\r\n")
	resp, err := http.ReadResponse(bufio.NewReader(conn), nil)
	if err != nil {
		t.Fatalf("request on the open connection: %v", err)
	}
	io.Copy(io.Discard, resp.Body)
	resp.Body.Close()
	if resp.StatusCode != 200 {
		t.Fatalf("request on the open connection: %s", resp.Status)
	}
}

func TestCrashLoopWaitsLongerEachTime(t *testing.T) {
	s := mustTestStack(t, &Backoff{First: 50 * time.Millisecond, Max: 200 * time.Millisecond, Reset: time.Minute}, LogLimits{})
	s.addTestPart(t, "broken", "fail")
	if got := s.StartMissing(); !slices.Equal(got, []string{"broken"}) {
		t.Fatalf("StartMissing started %v", got)
	}
	waitUntil(t, 10*time.Second, "five restarts", func() bool { return s.Part("broken").Restarts >= 5 })
	if p := s.Part("broken"); p.LastExit != "exit status 1" {
		t.Errorf("last exit = %q, want exit status 1", p.LastExit)
	}
	log, _ := os.ReadFile(s.dir("logs", "supervisor.log"))
	var waits []string
	for _, m := range regexp.MustCompile(`"restart_in":"([^"]+)"`).FindAllSubmatch(log, 5) {
		waits = append(waits, string(m[1]))
	}
	if want := []string{"50ms", "100ms", "200ms", "200ms", "200ms"}; !slices.Equal(waits, want) {
		t.Errorf("waits before restarts = %v, want %v", waits, want)
	}
	if data, _ := os.ReadFile(s.dir("logs", "broken.log")); !strings.Contains(string(data), "cannot start: nothing works") {
		t.Errorf("broken.log does not hold what the part said:\n%s", data)
	}
}

func TestKilledPartStaysDownUntilRestarted(t *testing.T) {
	s := mustTestStack(t, &Backoff{First: 50 * time.Millisecond, Max: time.Second, Reset: time.Minute}, LogLimits{})
	p := s.addTestPart(t, "held", "serve")
	mustRun(t, s)
	if err := s.Kill("held"); err != nil {
		t.Fatal(err)
	}
	time.Sleep(300 * time.Millisecond) // six times the restart wait
	if got := s.Part("held"); got.State != Stopped || got.Pid != 0 || Healthy(p.Health) {
		t.Fatalf("a part stopped on purpose came back: %+v", got)
	}
	if err := s.Restart(context.Background(), "held"); err != nil {
		t.Fatal(err)
	}
	if got := s.Part("held"); got.State != Up || got.Restarts != 0 {
		t.Errorf("after Restart: %+v, want up and no crash restart counted", got)
	}
}

func TestStartMissingStartsWhatIsBuiltSince(t *testing.T) {
	s := mustTestStack(t, nil, LogLimits{})
	other := s.addTestPart(t, "other", "serve")
	late := s.addTestPart(t, "late", "serve")
	exe := late.Path
	late.Path = filepath.Join(s.Opts.BinDir, "late")
	mustRun(t, s)
	if got := s.Part("late"); got.State != NotBuilt {
		t.Fatalf("a part without its program is %q, want %q", got.State, NotBuilt)
	}
	otherPid := other.Pid()
	if err := os.Symlink(exe, late.Path); err != nil {
		t.Fatal(err)
	}
	if got := s.StartMissing(); !slices.Equal(got, []string{"late"}) {
		t.Errorf("StartMissing started %v, want only late", got)
	}
	if err := s.WaitUp(context.Background()); err != nil {
		t.Fatal(err)
	}
	if got := s.Part("late"); got.State != Up {
		t.Errorf("late is %q after StartMissing", got.State)
	}
	if other.Pid() != otherPid {
		t.Error("StartMissing restarted a part that was running")
	}
}

func TestPartGoesWithEverythingItStarted(t *testing.T) {
	s := mustTestStack(t, &Backoff{First: 50 * time.Millisecond, Max: time.Second, Reset: time.Minute}, LogLimits{})
	childAddr := freeAddr(t)
	p := s.addTestPart(t, "forker", "forker", "STACK_TEST_CHILD_ADDR="+childAddr)
	mustRun(t, s)
	child := mustChildPid(t, p)
	if err := s.Crash("forker"); err != nil {
		t.Fatal(err)
	}
	waitUntil(t, 5*time.Second, "the crashed part's child to end", func() bool { return !alive(child) })
	waitUntil(t, 10*time.Second, "forker to be back", func() bool { return s.Part("forker").State == Up })
	// Its new child could take the address only because the old one is gone.
	newChild := mustChildPid(t, p)
	waitUntil(t, 5*time.Second, "the new child to serve", func() bool { return Healthy("http://" + childAddr + "/healthz") })

	leader := p.Pid()
	s.Stop()
	if alive(leader) {
		t.Errorf("the part (pid %d) still runs after Stop", leader)
	}
	// The child got its SIGTERM with its parent, and may take a moment.
	waitUntil(t, 5*time.Second, "the part's child to end with it", func() bool { return !alive(newChild) })
	if Healthy("http://"+childAddr+"/healthz") || Healthy(p.Health) {
		t.Error("something still answers after Stop")
	}
	if _, err := os.Stat(s.dir("run", statusFile)); !os.IsNotExist(err) {
		t.Errorf("the status file outlived Stop: %v", err)
	}
	if left := Running(s.Opts.Dir); len(left) != 0 {
		t.Errorf("pid files name running parts after Stop: %v", left)
	}
	s.Stop() // twice is harmless
}

func mustChildPid(t *testing.T, p *Process) int {
	t.Helper()
	resp, err := http.Get("http://" + p.Addr + "/child")
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	pid, err := strconv.Atoi(string(body))
	if err != nil || !alive(pid) {
		t.Fatalf("child pid %q is not a running process", body)
	}
	return pid
}

func TestLogsRotateWithinLimits(t *testing.T) {
	s := mustTestStack(t, nil, LogLimits{MaxMB: 1, Keep: 2})
	// About 3.5 MB of 94-byte lines: the log rotates three times.
	s.addTestPart(t, "chatter", "chatter", "STACK_TEST_LINES=37000")
	mustRun(t, s)
	current := s.dir("logs", "chatter.log")
	waitUntil(t, 20*time.Second, "every line to reach the log", func() bool {
		data, _ := os.ReadFile(current)
		return strings.Contains(string(data), "chatter done")
	})
	var backups []string
	waitUntil(t, 10*time.Second, "two compressed backups, the older ones removed", func() bool {
		backups, _ = filepath.Glob(s.dir("logs", "chatter-*"))
		return len(backups) == 2 && strings.HasSuffix(backups[0], ".log.gz") && strings.HasSuffix(backups[1], ".log.gz")
	})
	if fi, err := os.Stat(current); err != nil || fi.Size() > 1<<20 {
		t.Errorf("current log is %d bytes, want at most 1 MB (%v)", fi.Size(), err)
	}
	// The kept files, oldest first, hold whole, consecutive lines.
	var lines []string
	for _, b := range backups { // their names sort by time
		lines = append(lines, readGzipLines(t, b)...)
	}
	data, _ := os.ReadFile(current)
	lines = append(lines, strings.Split(strings.TrimSuffix(string(data), "\n"), "\n")...)
	want := -1
	for i, l := range lines {
		if strings.HasPrefix(l, "serving ") || l == "chatter done" {
			continue
		}
		var n int
		if _, err := fmt.Sscanf(l, "line %d", &n); err != nil || len(l) != 93 {
			t.Fatalf("kept line %d is not a whole line: %q", i, l)
		}
		if want >= 0 && n != want {
			t.Fatalf("kept line %d is number %d, want %d: a line was lost or split", i, n, want)
		}
		want = n + 1
	}
	if want != 37000 {
		t.Errorf("the last kept line is %d, want 36999", want-1)
	}
}

func readGzipLines(t *testing.T, path string) []string {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	z, err := gzip.NewReader(f)
	if err != nil {
		t.Fatalf("%s: %v", path, err)
	}
	data, err := io.ReadAll(z)
	if err != nil {
		t.Fatalf("%s: %v", path, err)
	}
	return strings.Split(strings.TrimSuffix(string(data), "\n"), "\n")
}

func TestCopyLinesKeepsLinesWhole(t *testing.T) {
	var writes []string
	w := writerFunc(func(p []byte) (int, error) { writes = append(writes, string(p)); return len(p), nil })
	r, pw := io.Pipe()
	go func() {
		pw.Write([]byte("one\ntw"))
		pw.Write([]byte("o\nthr"))
		pw.Write([]byte("ee"))
		pw.Close()
	}()
	copyLines(w, r)
	if want := []string{"one\n", "two\n", "three"}; !slices.Equal(writes, want) {
		t.Errorf("writes = %q, want %q", writes, want)
	}
}

// A buffer filled to the brim with lines, the last one cut by the buffer's
// end, still writes only whole lines: the cut line goes with its rest.
func TestCopyLinesKeepsLinesWholeWhenTheBufferFills(t *testing.T) {
	var writes []string
	w := writerFunc(func(p []byte) (int, error) { writes = append(writes, string(p)); return len(p), nil })
	line := strings.Repeat("x", 99) + "\n"
	input := strings.Repeat(line, 1000) // 100,000 bytes: more than the 64 KB buffer
	copyLines(w, strings.NewReader(input))
	if got := strings.Join(writes, ""); got != input {
		t.Fatalf("copied %d bytes, want %d", len(got), len(input))
	}
	for i, wr := range writes {
		if !strings.HasSuffix(wr, "\n") {
			t.Errorf("write %d of %d ends inside a line", i, len(writes))
		}
	}
}

type writerFunc func([]byte) (int, error)

func (f writerFunc) Write(p []byte) (int, error) { return f(p) }
