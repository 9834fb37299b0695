package systemtest

import (
	"context"
	"database/sql"
	"encoding/json"
	"net/http"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"syscall"
	"testing"
	"time"

	_ "github.com/mattn/go-sqlite3"

	"murmur/nginx"
	"murmur/stack"
)

// Faults of real parts: a service slower than the shell waits for, and a
// service whose disk fills up or turns read-only. README, "When things
// fail", says what people and operators see in each.

// refusedWrite is what people read when a service's storage refuses a write.
const refusedWrite = "Saving is not possible right now; nothing was changed."

// hasFallback reports whether a page shows the fallback of the slot with
// the given label.
func hasFallback(page, label string) bool {
	return regexp.MustCompile(`class="fallback"[^>]*>\s*<strong>` + regexp.QuoteMeta(label) + `</strong>`).MatchString(page)
}

// hostPort is the host:port of a service's first instance.
func hostPort(s *stack.Stack, service string) string {
	return strings.TrimPrefix(s.ServiceURL(service), "http://")
}

func TestSlowServiceFallsBackWithinIncludeBudget(t *testing.T) {
	// Two instances of follow as nginx sees them, each behind its own slow
	// proxy: a timed-out include must not be tried on the other one.
	first, second := NewSlowProxy(t), NewSlowProxy(t)
	s := MustStack(t, InFrontOf("follow", first, second))
	first.To(hostPort(s, "follow"))
	second.To(hostPort(s, "follow"))
	me := NewClient(s.URL())
	me.MustSignUp(t, "patient", "password1", "Patient Reader")

	home := func(t *testing.T) (string, time.Duration) {
		t.Helper()
		start := time.Now()
		status, body, _ := me.Do(t, "GET", "/", nil)
		took := time.Since(start)
		if status != http.StatusOK {
			t.Fatalf("home: status %d\n%s", status, body)
		}
		return string(body), took
	}
	// The other slots of the home page, by what their services render.
	others := map[string]string{"Your profile": `id="my-card"`, "Posting": `id="compose"`, "Your timeline": `id="timeline"`}
	checkOthersFilled := func(t *testing.T, page string) {
		t.Helper()
		for label, mark := range others {
			if !strings.Contains(page, mark) || hasFallback(page, label) {
				t.Errorf("the %q slot is not filled (no %s, or its fallback shows)", label, mark)
			}
		}
	}

	t.Run("answering in time, the slot is filled through the proxies", func(t *testing.T) {
		page, _ := home(t)
		if !strings.Contains(page, `id="who-to-follow"`) || hasFallback(page, "Who to follow") {
			t.Errorf("who-to-follow is not filled:\n%s", page)
		}
		if first.Accepted()+second.Accepted() == 0 {
			t.Error("nginx did not reach follow through the proxies")
		}
		checkOthersFilled(t, page)
	})

	t.Run("slower than the budget, the slot falls back in time", func(t *testing.T) {
		first.SetDelay(3 * nginx.IncludeBudget)
		second.SetDelay(3 * nginx.IncludeBudget)
		page, took := home(t)
		if !hasFallback(page, "Who to follow") || strings.Contains(page, `id="who-to-follow"`) {
			t.Errorf("the slow slot does not show its fallback:\n%s", page)
		}
		checkOthersFilled(t, page)
		// The page waited for the slow slot (no failure cut it short), and
		// no longer than the budget: a margin of a second for the page's
		// own work on a busy machine, less than a second try would take.
		if took < nginx.IncludeTimeout || took > nginx.IncludeBudget+time.Second {
			t.Errorf("the page took %v; want between the include timeout %v and the budget %v (+1s)",
				took, nginx.IncludeTimeout, nginx.IncludeBudget)
		}
		data, err := os.ReadFile(filepath.Join(s.Opts.Dir, "logs", "nginx-error.log"))
		if err != nil {
			t.Fatal(err)
		}
		if !regexp.MustCompile(`upstream timed out .*/follow/frag/who-to-follow`).Match(data) {
			t.Errorf("nginx's error log does not name the timed-out include:\n%s", data)
		}
	})

	t.Run("answering in time again, the slot is filled again", func(t *testing.T) {
		first.SetDelay(0)
		second.SetDelay(0)
		page, _ := home(t)
		if !strings.Contains(page, `id="who-to-follow"`) {
			t.Errorf("who-to-follow is not back:\n%s", page)
		}
	})
}

// checkRefused requires the JSON API's answer to a write the storage
// refused: a 503 problem saying nothing was changed.
func checkRefused(t *testing.T, what string, status int, data []byte, h http.Header) {
	t.Helper()
	checkProblem(t, what, http.StatusServiceUnavailable, status, data, h)
	var p struct{ Detail string }
	json.Unmarshal(data, &p)
	if p.Detail != refusedWrite {
		t.Errorf("%s: detail %q, want %q", what, p.Detail, refusedWrite)
	}
}

// checkRefusedFragment requires a fragment's answer to a write the storage
// refused: a 503 from the service itself (not nginx's "can't be reached")
// whose HTML says so.
func checkRefusedFragment(t *testing.T, what string, status int, data []byte, h http.Header) {
	t.Helper()
	if status != http.StatusServiceUnavailable || h.Get("X-Murmur-Unreachable") != "" ||
		!strings.Contains(string(data), refusedWrite) {
		t.Errorf("%s: status %d, headers %v; want the service's 503 saying %q:\n%s",
			what, status, h, refusedWrite, data)
	}
}

// mustIntegrityCheck runs SQLite's own check of a database file, beside
// the service that has it open.
func mustIntegrityCheck(t *testing.T, path string) {
	t.Helper()
	db, err := sql.Open("sqlite3", "file:"+path+"?mode=ro")
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	var result string
	if err := db.QueryRow(`PRAGMA integrity_check`).Scan(&result); err != nil || result != "ok" {
		t.Errorf("integrity_check of %s: %q (%v), want ok", path, result, err)
	}
}

// mustLogSay requires a line of a part's log to contain every given text.
func mustLogSay(t *testing.T, s *stack.Stack, part string, texts ...string) {
	t.Helper()
	data, err := os.ReadFile(s.Process(part).Log)
	if err != nil {
		t.Fatal(err)
	}
	for line := range strings.SplitSeq(string(data), "\n") {
		if !slices.ContainsFunc(texts, func(s string) bool { return !strings.Contains(line, s) }) {
			return
		}
	}
	t.Errorf("no line of %s's log says %q", part, texts)
}

type tweetList struct {
	Items []struct{ ID, Text string }
}

func (l tweetList) texts() []string {
	var out []string
	for _, it := range l.Items {
		out = append(out, it.Text)
	}
	return out
}

func TestFullDiskRefusesWritesAndKeepsReads(t *testing.T) {
	disk, onTmpfs := WithTmpfsData(t, "tweets", "8m")
	s := MustStack(t, onTmpfs)
	me := NewClient(s.URL())
	u := me.MustSignUp(t, "fuller", "password1", "Disk Fuller")
	var kept []string
	for _, text := range []string{"written before the disk filled", "also written before"} {
		me.MustJSON(t, http.StatusCreated, "POST", "/tweets/api/tweets", map[string]any{"text": text}, nil)
		kept = append([]string{text}, kept...)
	}
	mine := "/tweets/api/users/" + u.ID + "/tweets"

	disk.Fill(t)

	t.Run("posting through the API is a 503 problem", func(t *testing.T) {
		status, data, h := me.Do(t, "POST", "/tweets/api/tweets", map[string]any{"text": "lost to a full disk"})
		checkRefused(t, "POST /tweets/api/tweets", status, data, h)
	})
	t.Run("posting from the compose box says so and keeps the text", func(t *testing.T) {
		status, data, h := me.Do(t, "POST", "/tweets/frag/tweets", "text=typed+on+a+full+disk",
			"Content-Type", "application/x-www-form-urlencoded", "HX-Request", "true")
		checkRefusedFragment(t, "POST /tweets/frag/tweets", status, data, h)
		if !strings.Contains(string(data), ">typed on a full disk</textarea>") {
			t.Errorf("the compose box lost what was typed:\n%s", data)
		}
	})
	t.Run("reading keeps working", func(t *testing.T) {
		var l tweetList
		me.MustJSON(t, http.StatusOK, "GET", mine, nil, &l)
		if !slices.Equal(l.texts(), kept) {
			t.Errorf("my tweets: %q, want %q", l.texts(), kept)
		}
		_, body, _ := me.Do(t, "GET", "/u/fuller", nil)
		page := string(body)
		if hasFallback(page, "Tweets") || !strings.Contains(page, kept[0]) || !strings.Contains(page, kept[1]) {
			t.Errorf("/u/fuller does not show my tweets:\n%s", page)
		}
	})
	t.Run("the operator sees why in the service's log", func(t *testing.T) {
		mustLogSay(t, s, "tweets", "storage refused a write", "database or disk is full")
	})

	disk.Free(t)

	t.Run("with space again, posting works without a restart", func(t *testing.T) {
		me.MustJSON(t, http.StatusCreated, "POST", "/tweets/api/tweets", map[string]any{"text": "written after space was freed"}, nil)
		kept = append([]string{"written after space was freed"}, kept...)
	})
	t.Run("nothing is corrupted or lost", func(t *testing.T) {
		mustIntegrityCheck(t, filepath.Join(disk.Dir, "tweets.db"))
		var l tweetList
		me.MustJSON(t, http.StatusOK, "GET", mine, nil, &l)
		if !slices.Equal(l.texts(), kept) {
			t.Errorf("my tweets: %q, want every acknowledged one and nothing else: %q", l.texts(), kept)
		}
	})
}

func TestReadOnlyDiskRefusesWritesAndKeepsReads(t *testing.T) {
	disk, onExt4 := WithExt4Data(t, "follow")
	s := MustStack(t, onExt4)
	me := NewClient(s.URL())
	u := me.MustSignUp(t, "reader", "password1", "Read Only")
	ids := map[string]string{}
	for _, handle := range []string{"bea", "cal", "dee"} {
		var p User
		NewClient(s.URL()).MustJSON(t, http.StatusCreated, "POST", "/profile/api/users",
			map[string]string{"handle": handle, "password": "password1", "display_name": handle}, &p)
		ids[handle] = p.ID
	}
	for _, handle := range []string{"bea", "cal"} {
		me.MustJSON(t, http.StatusNoContent, "PUT", "/follow/api/following/"+ids[handle], nil, nil)
	}
	following := func(t *testing.T) []string {
		t.Helper()
		var l struct{ Items []struct{ Handle string } }
		me.MustJSON(t, http.StatusOK, "GET", "/follow/api/users/"+u.ID+"/following", nil, &l)
		var out []string
		for _, p := range l.Items {
			out = append(out, p.Handle)
		}
		slices.Sort(out)
		return out
	}

	// The acknowledged follows reach the disk before it fails. SQLite
	// (synchronous=NORMAL) leaves the last commits to the kernel, and the
	// error aborts the kernel's journal: without this, what was written
	// in the last seconds could be lost with it, whatever murmur did.
	syscall.Sync()
	disk.FailReadOnly(t)

	t.Run("following and unfollowing through the API are 503 problems", func(t *testing.T) {
		status, data, h := me.Do(t, "PUT", "/follow/api/following/"+ids["dee"], nil)
		checkRefused(t, "PUT following", status, data, h)
		status, data, h = me.Do(t, "DELETE", "/follow/api/following/"+ids["bea"], nil)
		checkRefused(t, "DELETE following", status, data, h)
	})
	t.Run("a follow button says so", func(t *testing.T) {
		status, data, h := me.Do(t, "PUT", "/follow/frag/button/"+ids["dee"], nil, "HX-Request", "true")
		checkRefusedFragment(t, "PUT /follow/frag/button", status, data, h)
	})
	t.Run("reading keeps working", func(t *testing.T) {
		if got, want := following(t), []string{"bea", "cal"}; !slices.Equal(got, want) {
			t.Errorf("following %q, want %q", got, want)
		}
		_, body, _ := me.Do(t, "GET", "/u/bea", nil)
		page := string(body)
		if hasFallback(page, "Following") || !strings.Contains(page, `data-count="followers">1<`) {
			t.Errorf("/u/bea does not show its follow card with 1 follower:\n%s", page)
		}
	})
	t.Run("the operator sees why in the service's log", func(t *testing.T) {
		mustLogSay(t, s, "follow", "storage refused a write", "disk I/O error")
	})

	// The operator's repair: stop the service, check and remount the disk,
	// start the service again.
	if err := s.Kill("follow"); err != nil {
		t.Fatal(err)
	}
	disk.Repair(t)
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	if err := s.Restart(ctx, "follow"); err != nil {
		t.Fatal(err)
	}

	t.Run("after the repair nothing is corrupted or lost, and writes work", func(t *testing.T) {
		mustIntegrityCheck(t, filepath.Join(disk.Dir, "follow.db"))
		if got, want := following(t), []string{"bea", "cal"}; !slices.Equal(got, want) {
			t.Errorf("following %q, want every acknowledged follow and nothing else: %q", got, want)
		}
		me.MustJSON(t, http.StatusNoContent, "PUT", "/follow/api/following/"+ids["dee"], nil, nil)
		if got, want := following(t), []string{"bea", "cal", "dee"}; !slices.Equal(got, want) {
			t.Errorf("following %q after following dee, want %q", got, want)
		}
	})
}
