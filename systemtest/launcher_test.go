package systemtest

import (
	"math/rand/v2"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"murmur/services"
	"murmur/stack"
)

// launcher runs the murmur command, as `make start|status|stop` do, on a
// private run folder and ports.
type launcher struct {
	bin, dir, binDir string
	port, redisPort  int
}

func (l launcher) run(t *testing.T, command string) (string, error) {
	t.Helper()
	cmd := exec.Command(l.bin, command, "-dir", l.dir, "-bin", l.binDir, "-port", strconv.Itoa(l.port))
	cmd.Env = append(os.Environ(), "MURMUR_REDIS_PORT="+strconv.Itoa(l.redisPort))
	out, err := cmd.CombinedOutput()
	return string(out), err
}

func (l launcher) mustRun(t *testing.T, command string) string {
	t.Helper()
	out, err := l.run(t, command)
	if err != nil {
		t.Fatalf("murmur %s: %v\n%s", command, err, out)
	}
	return out
}

func (l launcher) status(t *testing.T) stack.Status {
	t.Helper()
	st, ok := stack.ReadStatus(l.dir)
	if !ok {
		t.Fatal("no supervisor is running")
	}
	return st
}

// pids maps each running part to its process id.
func pids(st stack.Status) map[string]int {
	out := map[string]int{}
	for _, p := range st.Parts {
		if p.Pid != 0 {
			out[p.Name] = p.Pid
		}
	}
	return out
}

// consecutiveFreePorts finds n free loopback ports in a row (the shell's
// and the listed services' after it).
func consecutiveFreePorts(t *testing.T, n int) int {
	t.Helper()
	for range 100 {
		base := 20000 + rand.IntN(30000)
		ok := true
		for p := base; p < base+n && ok; p++ {
			ln, err := net.Listen("tcp", "127.0.0.1:"+strconv.Itoa(p))
			if err != nil {
				ok = false
				continue
			}
			ln.Close()
		}
		if ok {
			return base
		}
	}
	t.Fatal("no free run of ports")
	return 0
}

// TestLauncher drives `murmur start`, `status` and `stop` as an operator
// does, with a supervisor left running in the background between commands.
func TestLauncher(t *testing.T) {
	bin, err := buildServices()
	if err != nil {
		t.Fatal(err)
	}
	// follow is built "later": the bin folder starts without it.
	binDir := t.TempDir()
	for _, name := range services.All().Without("follow").Names() {
		if err := os.Symlink(filepath.Join(bin, name), filepath.Join(binDir, name)); err != nil {
			t.Fatal(err)
		}
	}
	l := launcher{bin: filepath.Join(bin, "murmur"), dir: t.TempDir(), binDir: binDir,
		port: consecutiveFreePorts(t, 1+len(services.All())), redisPort: freePorts(t, 1)[0]}
	t.Cleanup(func() {
		if t.Failed() {
			logs, _ := filepath.Glob(filepath.Join(l.dir, "logs", "supervisor.log"))
			for _, f := range logs {
				data, _ := os.ReadFile(f)
				t.Logf("--- %s\n%s", f, data)
			}
		}
		l.run(t, "stop")
	})
	shell := NewClient("http://127.0.0.1:" + strconv.Itoa(l.port))

	out := l.mustRun(t, "start")
	if !strings.Contains(out, "murmur is running: http://localhost:"+strconv.Itoa(l.port)) {
		t.Errorf("start says:\n%s", out)
	}
	st := l.status(t)
	for _, p := range st.Parts {
		want := stack.Up
		if p.Name == "follow" {
			want = stack.NotBuilt
		}
		if p.State != want || p.Restarts != 0 {
			t.Errorf("after start %s is %q with %d restarts, want %q and none", p.Name, p.State, p.Restarts, want)
		}
	}
	if status, _, _ := shell.Do(t, "GET", "/", nil); status != 200 {
		t.Fatalf("the shell answers %d", status)
	}

	t.Run("status shows every part", func(t *testing.T) {
		out := l.mustRun(t, "status")
		for _, p := range st.Parts {
			state := "up"
			if p.Name == "follow" {
				state = "not built"
			}
			line := regexp.MustCompile(`(?m)^` + p.Name + `\s+` + state + `\s+\d\d:\d\d:\d\d \(\d+s ago\)\s+0\s+` + regexp.QuoteMeta(p.Addr) + `\s+\S+\s+(\S+)`).FindStringSubmatch(out)
			if line == nil {
				t.Errorf("status has no line for %s %s at %s:\n%s", p.Name, state, p.Addr, out)
				continue
			}
			if abs, _ := filepath.Abs(line[1]); abs != p.Log {
				t.Errorf("status names %s's log %s, want %s", p.Name, line[1], p.Log)
			}
		}
	})

	t.Run("a crashed service is started again by itself, alone", func(t *testing.T) {
		before := pids(l.status(t))
		syscall.Kill(before["tweets"], syscall.SIGKILL)
		deadline := time.Now().Add(30 * time.Second)
		var after stack.Status
		for {
			after = l.status(t)
			if p, _ := after.Part("tweets"); p.State == stack.Up && p.Restarts == 1 {
				break
			}
			if time.Now().After(deadline) {
				t.Fatalf("tweets did not come back: %+v", after)
			}
			time.Sleep(50 * time.Millisecond)
		}
		now := pids(after)
		if now["tweets"] == before["tweets"] {
			t.Error("tweets runs with the pid it had before its crash")
		}
		for name, pid := range before {
			if name != "tweets" && now[name] != pid {
				t.Errorf("%s was restarted too (pid %d, was %d)", name, now[name], pid)
			}
		}
		out := l.mustRun(t, "status")
		if !regexp.MustCompile(`(?m)^tweets\s+up\s+.*\s1\s+127\.0\.0\.1:`).MatchString(out) ||
			!strings.Contains(out, "tweets last crashed") || !strings.Contains(out, "signal: killed") {
			t.Errorf("status does not show the crash and the restart:\n%s", out)
		}
		if status, _, _ := shell.Do(t, "GET", "/tweets/healthz", nil); status != 200 {
			t.Errorf("tweets through the shell after its restart: %d", status)
		}
	})

	t.Run("start again starts only what is missing", func(t *testing.T) {
		before := pids(l.status(t))
		if err := os.Symlink(filepath.Join(bin, "follow"), filepath.Join(binDir, "follow")); err != nil {
			t.Fatal(err)
		}
		out := l.mustRun(t, "start")
		if !strings.Contains(out, "starting what is missing: follow") {
			t.Errorf("second start says:\n%s", out)
		}
		st := l.status(t)
		if p, _ := st.Part("follow"); p.State != stack.Up {
			t.Errorf("follow is %q after start", p.State)
		}
		now := pids(st)
		for name, pid := range before {
			if now[name] != pid {
				t.Errorf("start restarted %s, which was running", name)
			}
		}
		out = l.mustRun(t, "start")
		if !strings.Contains(out, "already running; nothing to start") {
			t.Errorf("third start says:\n%s", out)
		}
		for name, pid := range pids(l.status(t)) {
			if now[name] != pid {
				t.Errorf("a start with nothing missing restarted %s", name)
			}
		}
	})

	t.Run("every part logs into its own file", func(t *testing.T) {
		for file, want := range map[string]string{
			"profile.log": `"service":"profile"`, "redis.log": "Ready to accept connections",
			"nginx-access.log": `"GET / HTTP/1.1" 200`, "supervisor.log": `"msg":"exited","service":"supervisor","part":"tweets"`,
		} {
			data, _ := os.ReadFile(filepath.Join(l.dir, "logs", file))
			if !strings.Contains(string(data), want) {
				t.Errorf("%s lacks %s:\n%s", file, want, data)
			}
		}
	})

	t.Run("stop ends everything", func(t *testing.T) {
		running := pids(l.status(t))
		running["supervisor"] = l.status(t).Pid
		if out := l.mustRun(t, "stop"); !strings.Contains(out, "murmur stopped") {
			t.Errorf("stop says:\n%s", out)
		}
		for name, pid := range running {
			if processAlive(pid) {
				t.Errorf("%s (pid %d) still runs after stop", name, pid)
			}
		}
		if stack.Healthy(shell.Base + "/healthz") {
			t.Error("the shell still answers after stop")
		}
		if out := l.mustRun(t, "status"); !strings.Contains(out, "murmur is not running") {
			t.Errorf("status after stop says:\n%s", out)
		}
	})

	t.Run("a supervisor killed outright takes its parts with it", func(t *testing.T) {
		l.mustRun(t, "start")
		st := l.status(t)
		syscall.Kill(st.Pid, syscall.SIGKILL)
		deadline := time.Now().Add(10 * time.Second)
		// The kill is delivered in its own time: the next start must come
		// after the supervisor is gone, as it would for a person.
		gone := pids(st)
		gone["supervisor"] = st.Pid
		for name, pid := range gone {
			for processAlive(pid) {
				if time.Now().After(deadline) {
					t.Fatalf("%s (pid %d) outlived its supervisor", name, pid)
				}
				time.Sleep(50 * time.Millisecond)
			}
		}
		// What is left (nginx's workers keep its port) is cleared by the
		// next start.
		out := l.mustRun(t, "start")
		if !strings.Contains(out, "murmur is running") {
			t.Errorf("start after a killed supervisor says:\n%s", out)
		}
		if status, _, _ := shell.Do(t, "GET", "/", nil); status != 200 {
			t.Errorf("the shell answers %d after the new start", status)
		}
		l.mustRun(t, "stop")
	})
}

// processAlive reports whether a process exists and is not a zombie
// (where nothing reaps orphans, they linger as zombies).
func processAlive(pid int) bool {
	if syscall.Kill(pid, 0) != nil {
		return false
	}
	stat, err := os.ReadFile("/proc/" + strconv.Itoa(pid) + "/stat")
	if err != nil {
		return false
	}
	i := strings.LastIndexByte(string(stat), ')')
	return i < 0 || i+2 >= len(stat) || stat[i+2] != 'Z'
}
