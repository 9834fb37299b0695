package stack

import (
	"encoding/json"
	"os"
	"path/filepath"
	"time"
)

// statusFile, under run/, holds the stack's Status, rewritten on every
// change, for `murmur status` and `murmur start` to read.
const statusFile = "status.json"

// PartStatus is what the stack knows of one part.
type PartStatus struct {
	Name  string `json:"name"`
	State State  `json:"state"`
	// Since is when the part entered its state: for a part that is up,
	// when it first answered after its last start.
	Since time.Time `json:"since"`
	Pid   int       `json:"pid,omitempty"`
	// Restarts counts the starts that followed a crash.
	Restarts int `json:"restarts"`
	// LastExit says how the last crash ended ("signal: killed") and when.
	LastExit   string    `json:"last_exit,omitempty"`
	LastExitAt time.Time `json:"last_exit_at,omitzero"`
	// NextStart is when a part waiting to restart is started again.
	NextStart time.Time `json:"next_start,omitzero"`
	Addr      string    `json:"addr"`
	// Health is the URL (or redis://address) that answers while it serves.
	Health string `json:"health"`
	// Log is its log file; StdoutLog, if any, the one its standard output
	// goes to (nginx's access log).
	Log       string `json:"log"`
	StdoutLog string `json:"stdout_log,omitempty"`
}

// Status is the state of a whole stack.
type Status struct {
	// Pid is the process that runs the stack (`murmur supervise`).
	Pid     int       `json:"pid"`
	Started time.Time `json:"started"`
	// Ready is set once every part has answered after the stack started.
	Ready bool `json:"ready"`
	// MissingStarts counts the calls of StartMissing, so that whoever asked
	// for one can tell when it has been done.
	MissingStarts int          `json:"missing_starts"`
	URL           string       `json:"url"`
	Parts         []PartStatus `json:"parts"`
}

// Part returns the named part's status.
func (st Status) Part(name string) (PartStatus, bool) {
	for _, p := range st.Parts {
		if p.Name == name {
			return p, true
		}
	}
	return PartStatus{}, false
}

// Status returns the state of every part.
func (s *Stack) Status() Status {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.status()
}

// Part returns the state of the named part.
func (s *Stack) Part(name string) PartStatus {
	p, _ := s.Status().Part(name)
	return p
}

func (s *Stack) status() Status {
	st := Status{Pid: os.Getpid(), Started: s.started, Ready: s.ready, MissingStarts: s.missingStarts, URL: s.URL()}
	for _, p := range s.Processes {
		ps := PartStatus{
			Name: p.Name, State: p.state, Since: p.since, Restarts: p.restarts,
			LastExit: p.lastExit, LastExitAt: p.lastExitAt, NextStart: p.nextStart,
			Addr: p.Addr, Health: p.Health, Log: p.Log, StdoutLog: p.StdoutLog,
		}
		if p.cmd != nil {
			ps.Pid = p.cmd.Process.Pid
		}
		st.Parts = append(st.Parts, ps)
	}
	return st
}

// saveStatus writes the status file, whole or not at all (a reader never
// sees half of one). Called with s.mu held.
func (s *Stack) saveStatus() {
	if s.closed {
		return
	}
	data, err := json.MarshalIndent(s.status(), "", "  ")
	if err != nil {
		return
	}
	path := s.dir("run", statusFile)
	tmp := path + ".tmp"
	if err := os.WriteFile(tmp, data, 0o644); err != nil {
		s.log.Warn("cannot write the status file", "err", err)
		return
	}
	os.Rename(tmp, path)
}

// ReadStatus reads the status of the murmur running from dir. ok is false
// when none runs there: no status file, or its process is gone.
func ReadStatus(dir string) (st Status, ok bool) {
	data, err := os.ReadFile(filepath.Join(dir, "run", statusFile))
	if err != nil || json.Unmarshal(data, &st) != nil {
		return Status{}, false
	}
	return st, alive(st.Pid)
}
