package loadtool

import (
	"context"
	"fmt"
	"os"
	"strconv"
	"strings"
	"time"

	"murmur/stack"
)

// The names of what partCPU measures besides the stack's parts.
const (
	cpuLoadTool = "load tool" // the load generator, and the launcher reading every part's log
	cpuRest     = "rest"      // the machine's busy time no process above was charged with
)

// ticksPerSecond is Linux's USER_HZ, the unit of /proc's CPU times (100 on
// every architecture Linux runs on).
const ticksPerSecond = 100

// partCPU samples, from the end of the warm-up for d, the CPU time each
// part of s used (with its children: nginx's workers), the load tool's own
// and the whole machine's. The returned function waits for the phase's end
// and gives the times by part, nil if the phase was cut short.
func partCPU(ctx context.Context, s *stack.Stack, warmup, d time.Duration) func() map[string]time.Duration {
	done := make(chan map[string]time.Duration, 1)
	go func() {
		sample := func() map[string]int64 {
			// The load tool's own time alone: its children are the parts.
			m := map[string]int64{cpuLoadTool: procTicks(os.Getpid()), cpuRest: machineTicks()}
			for _, p := range s.Processes {
				if pid := p.Pid(); pid > 0 {
					m[p.Name] = overTree(pid, procTicks)
				}
			}
			return m
		}
		wait := func(t time.Duration) bool {
			select {
			case <-time.After(t):
				return true
			case <-ctx.Done():
				return false
			}
		}
		if !wait(warmup) {
			done <- nil
			return
		}
		before := sample()
		if !wait(d) {
			done <- nil
			return
		}
		after := sample()
		used := map[string]time.Duration{}
		var charged int64
		for name, t := range after {
			if b, ok := before[name]; ok && name != cpuRest {
				used[name] = ticks(t - b)
				charged += t - b
			}
		}
		used[cpuRest] = ticks(max(0, after[cpuRest]-before[cpuRest]-charged))
		done <- used
	}()
	return func() map[string]time.Duration { return <-done }
}

func ticks(n int64) time.Duration { return time.Duration(n) * time.Second / ticksPerSecond }

// procTicks reads utime and stime from /proc/<pid>/stat (fields 14 and
// 15; the command name before them may hold spaces, so fields count from
// its closing parenthesis).
func procTicks(pid int) int64 {
	data, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", pid))
	if err != nil {
		return 0
	}
	s := string(data)
	f := strings.Fields(s[strings.LastIndexByte(s, ')')+1:])
	if len(f) < 13 {
		return 0
	}
	utime, _ := strconv.ParseInt(f[11], 10, 64)
	stime, _ := strconv.ParseInt(f[12], 10, 64)
	return utime + stime
}

// machineTicks is the machine's busy time: every CPU's time but idle and
// waiting for I/O, from /proc/stat's first line.
func machineTicks() int64 {
	data, err := os.ReadFile("/proc/stat")
	if err != nil {
		return 0
	}
	line, _, _ := strings.Cut(string(data), "\n")
	f := strings.Fields(line)
	var busy int64
	for i, v := range f[1:] {
		n, _ := strconv.ParseInt(v, 10, 64)
		switch i {
		case 3, 4, 7: // idle, waiting for I/O, stolen by the host
		case 8, 9: // guest time, already counted in user time
		default:
			busy += n
		}
	}
	return busy
}
