package stack

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"time"
)

// What a run folder's run/ holds besides nginx's files:
//
//	supervisor.pid   the supervisor's process id (murmur supervise)
//	status.json      the Status, rewritten on every change
//	pids/<part>.pid  each running part's process id, which leads its process group
const supervisorPidFile = "supervisor.pid"

// pidFile is where a running part's process id is recorded, for StopDir to
// find what a supervisor that vanished left behind.
func (s *Stack) pidFile(name string) string { return s.dir("run", "pids", name+".pid") }

// Supervise runs murmur from opts.Dir until ctx ends: it starts every
// part, starts again those that crash (with opts.Restart, DefaultBackoff
// if unset), starts at once whatever is missing each time kick delivers,
// and stops everything when ctx ends. Meanwhile its process id is in
// run/supervisor.pid.
func Supervise(ctx context.Context, opts Options, kick <-chan os.Signal) error {
	if opts.Restart == nil {
		b := DefaultBackoff
		opts.Restart = &b
	}
	run := filepath.Join(opts.Dir, "run")
	if err := os.MkdirAll(run, 0o755); err != nil {
		return err
	}
	pidPath := filepath.Join(run, supervisorPidFile)
	if err := os.WriteFile(pidPath, []byte(strconv.Itoa(os.Getpid())), 0o644); err != nil {
		return err
	}
	defer os.Remove(pidPath)
	s, err := Start(ctx, opts)
	if err != nil {
		return err
	}
	defer s.Stop()
	for {
		select {
		case <-ctx.Done():
			return nil
		case <-kick:
			if started := s.StartMissing(); len(started) > 0 {
				s.log.Info("started what was missing", "parts", started)
			}
		}
	}
}

// SupervisorPid is the process id of the supervisor running murmur from
// dir, or 0 if none runs.
func SupervisorPid(dir string) int {
	pid := readPid(filepath.Join(dir, "run", supervisorPidFile))
	if pid <= 0 || !alive(pid) {
		return 0
	}
	// A pid file outliving its process may name an unrelated one since.
	cmdline, _ := os.ReadFile(fmt.Sprintf("/proc/%d/cmdline", pid))
	if !bytes.Contains(cmdline, []byte("\x00supervise\x00")) {
		return 0
	}
	return pid
}

// StartMissingIn asks the supervisor running murmur from dir to start at
// once whatever is not running (SIGUSR1).
func StartMissingIn(dir string) error {
	pid := SupervisorPid(dir)
	if pid == 0 {
		return fmt.Errorf("no supervisor runs murmur from %s", dir)
	}
	return syscall.Kill(pid, syscall.SIGUSR1)
}

// StopSupervisor stops the supervisor running murmur from dir, which stops
// every part first, and reports whether one was running. A supervisor
// that has not finished within grace is killed, and its parts with it.
func StopSupervisor(dir string, grace time.Duration) bool {
	pid := SupervisorPid(dir)
	if pid == 0 {
		return false
	}
	terminate(pid, grace)
	return true
}

func readPid(path string) int {
	data, err := os.ReadFile(path)
	if err != nil {
		return 0
	}
	pid, err := strconv.Atoi(strings.TrimSpace(string(data)))
	if err != nil {
		return 0
	}
	return pid
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
	if i := bytes.LastIndexByte(stat, ')'); i > 0 && i+2 < len(stat) {
		return stat[i+2] != 'Z'
	}
	return true
}

// groupAlive reports whether the process group a part led still has a
// live process: nginx's workers outlive a master killed on its own.
// Zombies do not count (where nothing reaps orphans, as in some
// containers, they linger).
func groupAlive(pgid int) bool {
	if alive(pgid) {
		return true
	}
	if syscall.Kill(-pgid, 0) != nil {
		return false
	}
	procs, _ := os.ReadDir("/proc")
	want := strconv.Itoa(pgid)
	for _, p := range procs {
		stat, err := os.ReadFile(filepath.Join("/proc", p.Name(), "stat"))
		if err != nil {
			continue
		}
		// After the parenthesised command name: state, ppid, pgrp, ...
		i := bytes.LastIndexByte(stat, ')')
		if i < 0 {
			continue
		}
		if f := strings.Fields(string(stat[i+1:])); len(f) > 2 && f[0] != "Z" && f[2] == want {
			return true
		}
	}
	return false
}

// Running lists the parts recorded in dir's pid files whose process (or
// process group) is still there.
func Running(dir string) map[string]int {
	out := map[string]int{}
	files, _ := filepath.Glob(filepath.Join(dir, "run", "pids", "*.pid"))
	for _, f := range files {
		if pid := readPid(f); pid > 0 && groupAlive(pid) {
			out[strings.TrimSuffix(filepath.Base(f), ".pid")] = pid
		}
	}
	return out
}

// StopDir stops every part recorded in dir's pid files, nginx first,
// Redis last, each with its whole process group: what remains when a
// supervisor was killed without the chance to stop its parts.
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
		pid, ok := running[name]
		if !ok {
			continue
		}
		syscall.Kill(-pid, syscall.SIGTERM)
		deadline := time.Now().Add(10 * time.Second)
		for groupAlive(pid) && time.Now().Before(deadline) {
			time.Sleep(50 * time.Millisecond)
		}
		syscall.Kill(-pid, syscall.SIGKILL)
		os.Remove(filepath.Join(dir, "run", "pids", name+".pid"))
		stopped = append(stopped, name)
	}
	return stopped
}
