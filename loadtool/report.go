package loadtool

import (
	"fmt"
	"io"
	"os"
	"runtime"
	"slices"
	"strings"
	"time"

	"golang.org/x/text/language"
	"golang.org/x/text/message"
)

// Report is everything one run measured.
type Report struct {
	When    time.Time
	Machine string
	Command string
	Config  Config
	Seed    *Population
	// HomeBytes is the size of the heavy reader's home page; HomeOnce how
	// long one unloaded request for it took.
	HomeBytes int
	HomeOnce  time.Duration
	Results   []Result
	// Limits names the limit each scenario is compared with.
	Limits map[string]string
	Live   *LiveResult
	// Memory is each part's resident memory after the run, in bytes.
	Memory []Usage
}

// Usage is one part's resident memory.
type Usage struct {
	Part  string
	Bytes int64
}

// Errors counts every error of the run, lost live deliveries included.
func (r *Report) Errors() int64 {
	var n int64
	for _, res := range r.Results {
		n += res.Errors
	}
	if r.Live != nil {
		n += int64(r.Live.Errors())
	}
	return n
}

// limitOf is the closed-loop throughput of the named limit.
func (r *Report) limitOf(name string) float64 {
	for _, res := range r.Results {
		if res.Scenario == name && res.Mode == "closed" {
			return res.Throughput()
		}
	}
	return 0
}

// machine names this machine: CPU model, cores and memory.
func machine() string {
	model := "unknown CPU"
	if data, err := os.ReadFile("/proc/cpuinfo"); err == nil {
		for line := range strings.SplitSeq(string(data), "\n") {
			if v, ok := strings.CutPrefix(line, "model name"); ok {
				model = strings.TrimSpace(strings.TrimPrefix(strings.TrimSpace(v), ":"))
				break
			}
		}
	}
	mem := "unknown memory"
	if data, err := os.ReadFile("/proc/meminfo"); err == nil {
		var kb int64
		if _, err := fmt.Sscanf(string(data), "MemTotal: %d kB", &kb); err == nil {
			mem = fmt.Sprintf("%.1f GiB", float64(kb)/(1<<20))
		}
	}
	return fmt.Sprintf("%d cores (%s), %s memory, %s/%s, %s", runtime.NumCPU(), model, mem, runtime.GOOS, runtime.GOARCH, runtime.Version())
}

// Markdown writes the report as markdown.
func (r *Report) Markdown(w io.Writer) {
	c := r.Config
	fmt.Fprintf(w, "## Load run of %s\n\n", r.When.UTC().Format("2006-01-02 15:04 MST"))
	fmt.Fprintf(w, "- Machine: %s; the load generator runs on the same machine.\n", r.Machine)
	if r.Command != "" {
		fmt.Fprintf(w, "- Command: `%s`\n", r.Command)
	}
	if p := r.Seed; p != nil {
		fmt.Fprintf(w, "- Seed: %s users, %s follows, %s tweets, %s likes in %.1f s; the heavy reader follows %s, the light one %s, the huge one %s.\n",
			num(len(p.Users)), num(p.Follows), num(p.TweetCount), num(p.LikeCount), p.Took.Seconds(), num(c.HeavyFollows), num(c.LightFollows), num(c.HugeFollows))
	}
	fmt.Fprintf(w, "- Each scenario: %s warm-up, then %s closed-loop at %d connections, then %s open-loop at the offered rate (latency counted from each request's scheduled time).\n",
		c.Warmup, c.Duration, c.Connections, c.Duration)
	if r.HomeBytes > 0 {
		fmt.Fprintf(w, "- The heavy reader's home page is %s bytes; one unloaded request took %s.\n", num(r.HomeBytes), ms(r.HomeOnce))
	}
	fmt.Fprintln(w)
	fmt.Fprintln(w, "| scenario | mode | answers/s | p50 | p99 | max | errors | ratio to limit |")
	fmt.Fprintln(w, "|---|---|--:|--:|--:|--:|--:|--:|")
	for _, res := range r.Results {
		mode := fmt.Sprintf("closed, %d conns", res.Connections)
		ratio := ""
		if res.Mode == "open" {
			mode = fmt.Sprintf("open, %s/s offered", num(int(res.Offered)))
		} else if l := r.limitOf(r.Limits[res.Scenario]); l > 0 {
			ratio = fmt.Sprintf("%.3f", res.Throughput()/l)
		}
		fmt.Fprintf(w, "| %s | %s | %s | %s | %s | %s | %s | %s |\n", res.Scenario, mode, num(int(res.Throughput()+0.5)),
			ms(res.Percentile(50)), ms(res.Percentile(99)), ms(res.Percentile(100)), num(int(res.Errors)), ratio)
	}
	if l := r.Live; l != nil {
		res := l.Latency
		fmt.Fprintf(w, "| %s | push, %d posts | | %s | %s | %s | %s lost | |\n", res.Scenario, l.Posts,
			ms(res.Percentile(50)), ms(res.Percentile(99)), ms(res.Percentile(100)), num(l.Errors()))
		fmt.Fprintf(w, "\nLive delivery: %s of %s deliveries received (from each POST's answer to the client's read); %s of %s sockets opened in %.1f s; the timeline's resident memory grew %.1f KiB per idle socket.\n",
			num(l.Received), num(l.Expected), num(l.Connected), num(l.Sockets), l.ConnectTook.Seconds(), l.RSSPerSocket/1024)
	}
	r.cpuTable(w)
	var errs []string
	for _, res := range r.Results {
		if res.FirstError != "" {
			errs = append(errs, fmt.Sprintf("- %s (%s): %s", res.Scenario, res.Mode, res.FirstError))
		}
	}
	if r.Live != nil && r.Live.Latency.FirstError != "" {
		errs = append(errs, "- live delivery: "+r.Live.Latency.FirstError)
	}
	if len(errs) > 0 {
		fmt.Fprintf(w, "\nErrors (the first of each row):\n%s\n", strings.Join(errs, "\n"))
	}
	if len(r.Memory) > 0 {
		var total int64
		var parts []string
		for _, u := range r.Memory {
			total += u.Bytes
			parts = append(parts, fmt.Sprintf("%s %.0f MiB", u.Part, float64(u.Bytes)/(1<<20)))
		}
		fmt.Fprintf(w, "\nResident memory after the run: %.0f MiB in all (%s).\n", float64(total)/(1<<20), strings.Join(parts, ", "))
	}
}

func ms(d time.Duration) string {
	switch {
	case d >= 10*time.Second:
		return fmt.Sprintf("%.0f s", d.Seconds())
	case d >= 100*time.Millisecond:
		return fmt.Sprintf("%.0f ms", float64(d)/float64(time.Millisecond))
	default:
		return fmt.Sprintf("%.1f ms", float64(d)/float64(time.Millisecond))
	}
}

// num writes a whole number with thousands separators.
func num(n int) string { return english.Sprintf("%d", n) }

var english = message.NewPrinter(language.English)

// cpuTable writes what each part spent per answer during each closed loop.
func (r *Report) cpuTable(w io.Writer) {
	seen := map[string]bool{}
	var parts []string
	for _, res := range r.Results {
		for name := range res.CPU {
			if !seen[name] && name != cpuLoadTool && name != cpuRest {
				seen[name] = true
				parts = append(parts, name)
			}
		}
	}
	if len(parts) == 0 {
		return
	}
	slices.Sort(parts)
	parts = append(parts, cpuLoadTool, cpuRest)
	fmt.Fprintf(w, "\nCPU per answer while each closed loop was measured, in µs (from /proc: each part with its children; %q is the load generator and the launcher reading every part's log; %q is the machine's busy time no process was charged with):\n\n", cpuLoadTool, cpuRest)
	fmt.Fprintf(w, "| scenario | %s | all |\n|---|%s--:|\n", strings.Join(parts, " | "), strings.Repeat("--:|", len(parts)))
	for _, res := range r.Results {
		if res.CPU == nil || res.OK == 0 {
			continue
		}
		var all time.Duration
		cells := make([]string, len(parts))
		for i, name := range parts {
			all += res.CPU[name]
			cells[i] = perAnswer(res.CPU[name], res.OK)
		}
		fmt.Fprintf(w, "| %s | %s | %s |\n", res.Scenario, strings.Join(cells, " | "), perAnswer(all, res.OK))
	}
}

func perAnswer(d time.Duration, answers int64) string {
	return num(int(float64(d.Microseconds())/float64(answers) + 0.5))
}
