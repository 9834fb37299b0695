package stack

import (
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"strconv"
	"sync"
	"syscall"
	"time"

	"gopkg.in/natefinch/lumberjack.v2"
)

// State is where a part is in its life.
type State string

// The states of a part.
const (
	// NotStarted: the stack has not got to it yet.
	NotStarted State = "not started"
	// NotBuilt: its binary is missing; StartMissing starts it once built.
	NotBuilt State = "not built"
	// Starting: running, not yet answering its health check.
	Starting State = "starting"
	// Up: running and answered its health check.
	Up State = "up"
	// Restarting: it exited on its own and starts again after a wait.
	Restarting State = "restarting"
	// Down: it exited on its own and the stack does not restart parts.
	Down State = "down"
	// Stopped: stopped on purpose (Kill, Skip, Stop); it stays down.
	Stopped State = "stopped"
)

// Process is one part of murmur: a program the stack starts, logs and,
// when it crashes, starts again.
type Process struct {
	Name string
	Path string
	Args []string
	Env  []string
	// Addr is the address it serves on.
	Addr string
	// Log is the file its output goes to, rotated; StdoutLog, when set,
	// takes its standard output apart (nginx's access log).
	Log, StdoutLog string
	// Health is a URL that answers 200 once the process serves.
	Health string

	stack *Stack
	// copying counts the goroutines copying output into the logs; they
	// end when every process holding the pipes has exited.
	copying sync.WaitGroup

	// Guarded by stack.mu:
	logs       []*lumberjack.Logger // Log, then StdoutLog if set
	cmd        *exec.Cmd            // the running process, or nil
	exited     chan struct{}        // closed when cmd has exited
	state      State
	since      time.Time
	startedAt  time.Time
	restarts   int
	crashes    int  // crashes in a row, for the backoff
	crashed    bool // the last exit was a crash not yet followed by a start
	lastExit   string
	lastExitAt time.Time
	held       bool // stopped on purpose: not to be restarted
	timer      *time.Timer
	gen        int // invalidates a pending restart timer
	nextStart  time.Time
}

// setState records a change of state and when it happened.
func (p *Process) setState(st State) {
	if p.state != st {
		p.state, p.since = st, time.Now()
	}
}

// built reports whether the part's program exists.
func (p *Process) built() bool {
	_, err := exec.LookPath(p.Path)
	return err == nil
}

// cancelTimer forgets a pending restart.
func (p *Process) cancelTimer() {
	if p.timer != nil {
		p.timer.Stop()
		p.timer = nil
	}
	p.gen++
	p.nextStart = time.Time{}
}

// Pid is the process id of a running part, or 0.
func (p *Process) Pid() int {
	p.stack.mu.Lock()
	defer p.stack.mu.Unlock()
	if p.cmd == nil {
		return 0
	}
	return p.cmd.Process.Pid
}

// launch starts p's program, its output copied into its logs, and watches
// it. Called with s.mu held.
func (s *Stack) launch(p *Process) error {
	if p.cmd != nil {
		return nil
	}
	p.cancelTimer()
	if p.logs == nil {
		p.logs = []*lumberjack.Logger{s.rotatedFile(p.Log)}
		if p.StdoutLog != "" {
			p.logs = append(p.logs, s.rotatedFile(p.StdoutLog))
		}
		for _, l := range p.logs {
			l.Write(nil) // the file is there from the start, even if nothing is said
		}
	}
	cmd := exec.Command(p.Path, p.Args...)
	cmd.Env = append(os.Environ(), p.Env...)
	cmd.Dir = s.Opts.Dir
	// Each part leads its own process group, so whatever it starts itself
	// (nginx's workers) is stopped with it. Pdeathsig ends it if the
	// process that owns the stack dies: a part is never left running
	// without its supervisor, whose pipes carry its logs. (Go never ends
	// the threads that start processes unless they are locked, so the
	// signal comes only with the owner's death.)
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true, Pdeathsig: syscall.SIGKILL}
	var readEnds, writeEnds []*os.File
	for range p.logs {
		r, w, err := outputPipe()
		if err != nil {
			closeAll(readEnds)
			closeAll(writeEnds)
			return fmt.Errorf("start %s: %w", p.Name, err)
		}
		readEnds, writeEnds = append(readEnds, r), append(writeEnds, w)
	}
	cmd.Stdout, cmd.Stderr = writeEnds[0], writeEnds[0]
	if len(writeEnds) > 1 {
		cmd.Stdout = writeEnds[1]
	}
	err := cmd.Start()
	closeAll(writeEnds) // the child holds its own copies
	if err != nil {
		closeAll(readEnds)
		return fmt.Errorf("start %s: %w", p.Name, err)
	}
	for i, r := range readEnds {
		p.copying.Add(1)
		go func() {
			defer p.copying.Done()
			defer r.Close()
			copyLines(p.logs[i], r)
		}()
	}
	if p.crashed {
		p.restarts++
		p.crashed = false
	}
	p.cmd, p.exited, p.startedAt = cmd, make(chan struct{}), time.Now()
	p.setState(Starting)
	pid := cmd.Process.Pid
	if err := os.WriteFile(s.pidFile(p.Name), []byte(strconv.Itoa(pid)), 0o644); err != nil {
		s.log.Warn("cannot write pid file", "part", p.Name, "err", err)
	}
	s.log.Info("started", "part", p.Name, "pid", pid, "restarts", p.restarts)
	go s.watch(p, cmd, p.exited)
	go s.awaitHealth(p, cmd, p.exited)
	s.saveStatus()
	return nil
}

func closeAll(files []*os.File) {
	for _, f := range files {
		f.Close()
	}
}

// watch waits for one run of p to end. An exit nobody asked for is a
// crash: the part is started again after a wait (if the stack restarts
// parts), and nothing else is touched.
func (s *Stack) watch(p *Process, cmd *exec.Cmd, exited chan struct{}) {
	err := cmd.Wait()
	// What the part left behind (nginx's workers) goes with it, or it
	// would keep the port its next run needs.
	syscall.Kill(-cmd.Process.Pid, syscall.SIGKILL)
	s.mu.Lock()
	defer s.mu.Unlock()
	ran := time.Since(p.startedAt).Round(time.Millisecond)
	p.cmd = nil
	close(exited)
	os.Remove(s.pidFile(p.Name))
	exit := exitText(err)
	if p.held || s.stopping {
		p.setState(Stopped)
		s.log.Info("stopped", "part", p.Name, "exit", exit)
		s.saveStatus()
		return
	}
	p.lastExit, p.lastExitAt, p.crashed = exit, time.Now(), true
	if s.Opts.Restart == nil {
		p.setState(Down)
		s.log.Error("exited", "part", p.Name, "exit", exit, "ran", ran.String())
		s.saveStatus()
		return
	}
	if ran >= s.Opts.Restart.Reset {
		p.crashes = 0
	}
	s.restartLater(p, "exited", "exit", exit, "ran", ran.String())
}

// restartLater schedules the next start of a part that crashed (or could
// not be started), after the backoff's wait. Called with s.mu held.
func (s *Stack) restartLater(p *Process, msg string, attrs ...any) {
	p.crashes++
	wait := s.Opts.Restart.wait(p.crashes)
	p.cancelTimer()
	p.setState(Restarting)
	p.nextStart = time.Now().Add(wait)
	gen := p.gen
	p.timer = time.AfterFunc(wait, func() {
		s.mu.Lock()
		defer s.mu.Unlock()
		if p.gen != gen || p.held || s.stopping || p.cmd != nil {
			return
		}
		p.timer = nil
		if err := s.launch(p); err != nil {
			p.lastExit, p.lastExitAt = err.Error(), time.Now()
			s.restartLater(p, "could not start", "err", err.Error())
		}
	})
	s.log.Error(msg, append([]any{"part", p.Name, "crashes_in_a_row", p.crashes, "restart_in", wait.String()}, attrs...)...)
	s.saveStatus()
}

// exitText says how a process ended: "exit status 1", "signal: killed".
func exitText(err error) string {
	var ee *exec.ExitError
	if errors.As(err, &ee) {
		return ee.String()
	}
	if err != nil {
		return err.Error()
	}
	return "exit status 0"
}

// awaitHealth marks a run of p up once it answers its health check.
func (s *Stack) awaitHealth(p *Process, cmd *exec.Cmd, exited <-chan struct{}) {
	wait := 10 * time.Millisecond
	for {
		if healthy(p.Health) {
			s.mu.Lock()
			if p.cmd == cmd && p.state == Starting {
				p.setState(Up)
				s.log.Info("up", "part", p.Name, "pid", cmd.Process.Pid, "took", time.Since(p.startedAt).Round(time.Millisecond).String())
				s.saveStatus()
			}
			s.mu.Unlock()
			return
		}
		select {
		case <-exited:
			return
		case <-time.After(wait):
		}
		wait = min(wait*2, 200*time.Millisecond)
	}
}

// waitUp waits until p answers its health check, failing early if it
// exits first.
func (s *Stack) waitUp(ctx context.Context, p *Process, limit time.Duration) error {
	deadline := time.Now().Add(limit)
	for {
		s.mu.Lock()
		st, exit := p.state, p.lastExit
		s.mu.Unlock()
		switch st {
		case Up, Stopped, NotBuilt:
			return nil
		case Restarting, Down:
			return fmt.Errorf("%s exited (%s) before it answered at %s (see %s):\n%s", p.Name, exit, p.Health, p.Log, tail(p.Log, 20))
		}
		if err := ctx.Err(); err != nil {
			return err
		}
		if time.Now().After(deadline) {
			return fmt.Errorf("%s did not become healthy within %s (see %s):\n%s", p.Name, limit, p.Log, tail(p.Log, 20))
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// stop ends p for good: SIGTERM to its process group, SIGKILL after grace.
func (p *Process) stop(grace time.Duration) {
	s := p.stack
	s.mu.Lock()
	p.held = true
	p.cancelTimer()
	cmd, exited := p.cmd, p.exited
	if cmd == nil && p.state != NotBuilt {
		p.setState(Stopped)
		s.saveStatus()
	}
	s.mu.Unlock()
	if cmd == nil {
		return
	}
	pid := cmd.Process.Pid
	syscall.Kill(-pid, syscall.SIGTERM)
	select {
	case <-exited:
	case <-time.After(grace):
		syscall.Kill(-pid, syscall.SIGKILL)
		<-exited
	}
}

// closeLogs closes p's log files once its output has been copied.
func (p *Process) closeLogs() {
	copied := make(chan struct{})
	go func() { p.copying.Wait(); close(copied) }()
	select {
	case <-copied:
	case <-time.After(2 * time.Second): // something outside the stack holds the pipe
	}
	p.stack.mu.Lock()
	defer p.stack.mu.Unlock()
	for _, l := range p.logs {
		l.Close()
	}
}

// Kill stops one part at once (SIGKILL to its process group), as a crash
// would, and keeps it down until Restart or StartMissing: a part down on
// purpose.
func (s *Stack) Kill(name string) error {
	p, cmd, exited, err := s.running(name, true)
	if err != nil {
		return err
	}
	syscall.Kill(-cmd.Process.Pid, syscall.SIGKILL)
	<-exited
	return waitGone(p.Health, 5*time.Second)
}

// Crash kills one part's process at once (SIGKILL) behind the stack's
// back, as a crash would: what it started itself (nginx's workers) is left
// for the stack to clean up, and with Options.Restart the stack starts it
// again by itself. It returns once the process has exited.
func (s *Stack) Crash(name string) error {
	_, cmd, exited, err := s.running(name, false)
	if err != nil {
		return err
	}
	cmd.Process.Kill()
	<-exited
	return nil
}

// running finds a running part, marking it held (down on purpose) if asked.
func (s *Stack) running(name string, hold bool) (*Process, *exec.Cmd, chan struct{}, error) {
	p := s.Process(name)
	if p == nil {
		return nil, nil, nil, fmt.Errorf("no part named %s", name)
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if hold {
		p.held = true
		p.cancelTimer()
	}
	if p.cmd == nil {
		if hold && p.state != NotBuilt {
			p.setState(Stopped)
			s.saveStatus()
		}
		return nil, nil, nil, fmt.Errorf("%s is not running", name)
	}
	return p, p.cmd, p.exited, nil
}

// Restart starts a part stopped with Kill (or one that is down) again and
// waits for its health.
func (s *Stack) Restart(ctx context.Context, name string) error {
	p := s.Process(name)
	if p == nil {
		return fmt.Errorf("no part named %s", name)
	}
	s.mu.Lock()
	p.held = false
	err := s.launch(p)
	s.mu.Unlock()
	if err != nil {
		return err
	}
	return s.waitUp(ctx, p, 30*time.Second)
}

// StartMissing starts at once every part that is not running — waiting to
// be restarted after a crash, stopped with Kill, or not built when the
// stack started and built since — and returns their names. It does not
// wait for them to answer (WaitUp does).
func (s *Stack) StartMissing() []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.stopping {
		return nil
	}
	var started []string
	for _, p := range s.Processes {
		if p.cmd != nil {
			continue
		}
		if !p.built() {
			p.setState(NotBuilt)
			continue
		}
		p.held = false
		if err := s.launch(p); err != nil {
			s.log.Error("could not start", "part", p.Name, "err", err.Error())
			continue
		}
		started = append(started, p.Name)
	}
	s.missingStarts++
	s.saveStatus()
	return started
}

// WaitUp waits until every part that runs answers its health check, or
// ctx ends.
func (s *Stack) WaitUp(ctx context.Context) error {
	for _, p := range s.Processes {
		if err := s.waitUp(ctx, p, time.Minute); err != nil {
			return err
		}
	}
	return nil
}
