package server_test

import (
	"fmt"
	"net/http"
	"net/url"
	"regexp"
	"slices"
	"strings"
	"testing"

	"murmur/fragments/internal/render"
)

// shell marks a request as coming through the shell's nginx.
var shell = map[string]string{render.ShellHeader: "1"}

// TestSignedOutFragments checks every fragment a signed-out viewer may see
// renders a "sign in to follow" link rather than failing, leading to the
// shell's sign-in form behind the shell and to profile's page otherwise.
func TestSignedOutFragments(t *testing.T) {
	e := mustEnv(t)
	ada := e.mustUser(t, "ada", "Ada")
	bob := e.mustUser(t, "bob", "Bob")
	e.mustFollow(t, bob, ada)
	standaloneSignIn := `href="` + e.profile.URL + `/profile/#signin"`
	tests := []struct {
		name, method, path string
		wantStatus         int
		want               []string
	}{
		{"button", "GET", "/follow/frag/button/" + ada.ID, 200, []string{"Sign in to follow"}},
		{"card", "GET", "/follow/frag/users/ada/card", 200, []string{"Sign in to follow", `data-count="followers">1<`}},
		{"who to follow", "GET", "/follow/frag/who-to-follow", 200, []string{"Who to follow", "@ada", "Sign in to follow"}},
		{"followers", "GET", "/follow/frag/users/ada/followers", 200, []string{"@bob", "Sign in to follow"}},
		{"following", "GET", "/follow/frag/users/bob/following", 200, []string{"@ada", "Sign in to follow"}},
		{"counts", "GET", "/follow/frag/counts/" + ada.ID, 200, []string{`data-count="followers">1<`}},
		{"follow from a button", "PUT", "/follow/frag/button/" + ada.ID, 401, []string{"Sign in to follow"}},
		{"unfollow from a button", "DELETE", "/follow/frag/button/" + ada.ID, 401, []string{"Sign in to follow"}},
		{"follow a suggestion", "POST", "/follow/frag/who-to-follow/" + ada.ID, 401, []string{"Sign in to follow"}},
	}
	for _, tc := range tests {
		for _, where := range []string{"shell", "standalone"} {
			t.Run(tc.name+" "+where, func(t *testing.T) {
				r := request{Method: tc.method, Path: tc.path}
				signIn := standaloneSignIn
				if where == "shell" {
					r.Header, signIn = shell, `href="/#signin"`
				}
				got := e.do(t, r)
				if got.Status != tc.wantStatus {
					t.Fatalf("status = %d, want %d; body %s", got.Status, tc.wantStatus, got.Body)
				}
				for _, w := range tc.want {
					if !strings.Contains(got.Body, w) {
						t.Errorf("body lacks %q:\n%s", w, got.Body)
					}
				}
				if strings.Contains(got.Body, "Sign in to follow") && !strings.Contains(got.Body, signIn) {
					t.Errorf("sign-in link does not lead to %s:\n%s", signIn, got.Body)
				}
				if strings.Contains(got.Body, "hx-put") || strings.Contains(got.Body, "hx-post") {
					t.Errorf("a signed-out fragment offers a follow button:\n%s", got.Body)
				}
			})
		}
	}
	t.Run("no follow was made", func(t *testing.T) {
		if s := e.mustStats(t, bob, ada); s.FollowersCount != 1 {
			t.Errorf("ada has %d followers, want 1", s.FollowersCount)
		}
	})
}

func TestButtonFragment(t *testing.T) {
	e := mustEnv(t)
	ada := e.mustUser(t, "ada", "Ada")
	bob := e.mustUser(t, "bob", "Bob")
	followButton := `hx-put="/follow/frag/button/` + bob.ID + `"`
	unfollowButton := `hx-delete="/follow/frag/button/` + bob.ID + `"`
	steps := []struct {
		name, method, path string
		wantStatus         int
		want               string
		wantTrigger        bool
		wantFollowers      int
	}{
		{"not yet following", "GET", "/follow/frag/button/" + bob.ID, 200, followButton, false, 0},
		{"follow", "PUT", "/follow/frag/button/" + bob.ID, 200, unfollowButton, true, 1},
		{"following", "GET", "/follow/frag/button/" + bob.ID, 200, unfollowButton, false, 1},
		{"follow again", "PUT", "/follow/frag/button/" + bob.ID, 200, unfollowButton, true, 1},
		{"unfollow", "DELETE", "/follow/frag/button/" + bob.ID, 200, followButton, true, 0},
		{"unfollow again", "DELETE", "/follow/frag/button/" + bob.ID, 200, followButton, true, 0},
		{"myself", "GET", "/follow/frag/button/" + ada.ID, 200, "That’s you", false, 0},
		{"follow myself", "PUT", "/follow/frag/button/" + ada.ID, 422, "You cannot follow yourself.", false, 0},
		{"follow unknown", "PUT", "/follow/frag/button/98765", 404, "No such user.", false, 0},
		{"malformed", "GET", "/follow/frag/button/bob", 404, "No such user.", false, 0},
		{"follow malformed", "PUT", "/follow/frag/button/007", 404, "No such user.", false, 0},
	}
	for _, s := range steps {
		t.Run(s.name, func(t *testing.T) {
			got := e.do(t, request{Method: s.method, Path: s.path, As: &ada})
			if got.Status != s.wantStatus {
				t.Fatalf("status = %d, want %d; body %s", got.Status, s.wantStatus, got.Body)
			}
			if !strings.Contains(got.Body, s.want) {
				t.Errorf("body lacks %q:\n%s", s.want, got.Body)
			}
			if trig := got.Header.Get("HX-Trigger"); (trig == "follow-changed") != s.wantTrigger {
				t.Errorf("HX-Trigger = %q, want follow-changed: %v", trig, s.wantTrigger)
			}
			if ct := got.Header.Get("Content-Type"); ct != "text/html; charset=utf-8" {
				t.Errorf("Content-Type = %q, want HTML", ct)
			}
			if st := e.mustStats(t, ada, bob); st.FollowersCount != s.wantFollowers {
				t.Errorf("bob has %d followers, want %d", st.FollowersCount, s.wantFollowers)
			}
		})
	}
	t.Run("cookie session works too", func(t *testing.T) {
		req, _ := http.NewRequest(http.MethodGet, e.follow.URL+"/follow/frag/button/"+bob.ID, nil)
		req.AddCookie(&http.Cookie{Name: "murmur_session", Value: ada.Token})
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != 200 {
			t.Errorf("status = %d, want 200", resp.StatusCode)
		}
	})
	t.Run("cross-site follow is refused", func(t *testing.T) {
		got := e.do(t, request{Method: "PUT", Path: "/follow/frag/button/" + bob.ID, As: &ada,
			Header: map[string]string{"Sec-Fetch-Site": "cross-site"}})
		if got.Status != http.StatusForbidden {
			t.Errorf("status = %d, want 403", got.Status)
		}
		if st := e.mustStats(t, ada, bob); st.FollowersCount != 0 {
			t.Errorf("bob has %d followers after a refused request, want 0", st.FollowersCount)
		}
	})
}

func TestCardAndCounts(t *testing.T) {
	e := mustEnv(t)
	ada := e.mustUser(t, "ada", "Ada")
	bob := e.mustUser(t, "bob", "Bob")
	cyd := e.mustUser(t, "cyd", "Cyd")
	e.mustFollow(t, bob, ada)
	e.mustFollow(t, cyd, ada)
	e.mustFollow(t, ada, bob)
	tests := []struct {
		name       string
		path       string
		as         *user
		wantStatus int
		want       []string
		dontWant   []string
	}{
		{"someone else's card", "/follow/frag/users/ada/card", &bob, 200,
			[]string{`data-count="followers">2</strong> followers`, `data-count="following">1</strong> following`,
				`href="/follow/u/ada#followers"`, `href="/follow/u/ada#following"`,
				`hx-trigger="follow-changed from:body"`, `hx-delete="/follow/frag/button/` + ada.ID + `"`}, nil},
		{"card of someone not followed", "/follow/frag/users/ADA/card", &cyd, 200,
			[]string{`hx-delete="/follow/frag/button/` + ada.ID + `"`}, nil},
		{"a follower, singular", "/follow/frag/users/bob/card", &cyd, 200,
			[]string{`data-count="followers">1</strong> follower</a>`, `hx-put="/follow/frag/button/` + bob.ID + `"`}, nil},
		{"my own card has no button", "/follow/frag/users/ada/card", &ada, 200,
			[]string{`data-count="followers">2<`}, []string{"hx-put", "hx-delete"}},
		{"unknown handle", "/follow/frag/users/nobody/card", &ada, 404, []string{"doesn’t exist"}, nil},
		{"counts by id", "/follow/frag/counts/" + ada.ID, &ada, 200,
			[]string{`hx-get="/follow/frag/counts/` + ada.ID + `"`, `data-count="followers">2<`, `data-count="following">1<`}, nil},
		{"counts of unknown id", "/follow/frag/counts/4040", &ada, 404, []string{"No such user."}, nil},
		{"counts of malformed id", "/follow/frag/counts/ada", &ada, 404, []string{"No such user."}, nil},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got := e.do(t, request{Method: "GET", Path: tc.path, As: tc.as})
			if got.Status != tc.wantStatus {
				t.Fatalf("status = %d, want %d; body %s", got.Status, tc.wantStatus, got.Body)
			}
			for _, w := range tc.want {
				if !strings.Contains(got.Body, w) {
					t.Errorf("body lacks %q:\n%s", w, got.Body)
				}
			}
			for _, w := range tc.dontWant {
				if strings.Contains(got.Body, w) {
					t.Errorf("body has %q:\n%s", w, got.Body)
				}
			}
		})
	}
}

var moreCursor = regexp.MustCompile(`hx-get="/follow/frag/users/star/followers\?cursor=([^"]+)"`)

func TestListFragments(t *testing.T) {
	e := mustEnv(t)
	star := e.mustUser(t, "star", "Star")
	var fans []user
	for i := range 25 {
		u := e.mustUser(t, fmt.Sprintf("fan%02d", i), fmt.Sprintf("Fan %d", i))
		fans = append(fans, u)
		e.mustFollow(t, u, star)
	}
	viewer := fans[0]
	e.mustFollow(t, viewer, fans[24])

	first := e.mustDo(t, request{Method: "GET", Path: "/follow/frag/users/star/followers", As: &viewer}, 200)
	t.Run("first page", func(t *testing.T) {
		if !strings.Contains(first.Body, `<section class="card follow-list" id="followers"`) {
			t.Errorf("no followers section:\n%s", first.Body)
		}
		if !strings.Contains(first.Body, `hx-get="/follow/frag/users/star/followers" hx-trigger="follow-changed from:outside"`) {
			t.Errorf("the list does not refresh itself on a follow elsewhere:\n%s", first.Body)
		}
		if n := strings.Count(first.Body, `class="person"`); n != 20 {
			t.Errorf("%d people, want 20", n)
		}
		if !inOrder(first.Body, "@fan24", "@fan23", "@fan05") || strings.Contains(first.Body, "@fan04") {
			t.Errorf("first page is not fan24 down to fan05:\n%s", first.Body)
		}
		// fan24 is followed by the viewer; fan23 is not; fan00 is the viewer.
		if !inOrder(first.Body, "@fan24", `hx-delete="/follow/frag/button/`+fans[24].ID+`"`, "@fan23", `hx-put="/follow/frag/button/`+fans[23].ID+`"`) {
			t.Errorf("buttons do not show the viewer's follow state:\n%s", first.Body)
		}
		if !strings.Contains(first.Body, `href="/follow/u/fan24"`) {
			t.Errorf("standalone person links do not lead to the follow page:\n%s", first.Body)
		}
	})
	m := moreCursor.FindStringSubmatch(first.Body)
	if m == nil {
		t.Fatalf("no Show more with a cursor:\n%s", first.Body)
	}
	t.Run("next rows", func(t *testing.T) {
		next := e.mustDo(t, request{Method: "GET", Path: "/follow/frag/users/star/followers?cursor=" + m[1], As: &viewer, Header: shell}, 200)
		if strings.Contains(next.Body, "<section") {
			t.Errorf("a next page should be rows only:\n%s", next.Body)
		}
		if n := strings.Count(next.Body, `class="person"`); n != 5 {
			t.Errorf("%d people, want 5", n)
		}
		if !inOrder(next.Body, "@fan04", "@fan03", "@fan02", "@fan01", "@fan00", "That’s you") {
			t.Errorf("rows are not fan04 down to fan00 (the viewer):\n%s", next.Body)
		}
		if moreCursor.MatchString(next.Body) {
			t.Errorf("the last page offers more:\n%s", next.Body)
		}
		if !strings.Contains(next.Body, `href="/u/fan04"`) {
			t.Errorf("person links behind the shell do not lead to /u/<handle>:\n%s", next.Body)
		}
	})
	tests := []struct {
		name, path string
		wantStatus int
		want       string
	}{
		{"following", "/follow/frag/users/fan00/following", 200, "@fan24"},
		{"empty following", "/follow/frag/users/star/following", 200, "Not following anyone yet."},
		{"empty followers", "/follow/frag/users/fan00/followers", 200, "No followers yet."},
		{"unknown", "/follow/frag/users/nobody/followers", 404, "doesn’t exist"},
		{"bad cursor", "/follow/frag/users/star/followers?cursor=zzz", 422, "cursor"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got := e.do(t, request{Method: "GET", Path: tc.path, As: &viewer})
			if got.Status != tc.wantStatus || !strings.Contains(got.Body, tc.want) {
				t.Errorf("status %d, want %d with %q; body:\n%s", got.Status, tc.wantStatus, tc.want, got.Body)
			}
		})
	}
}

// suggested returns the handles a who-to-follow answer shows, in order.
func suggested(body string) []string {
	var out []string
	for _, m := range regexp.MustCompile(`<span class="handle">@([a-z0-9_]+)</span>`).FindAllStringSubmatch(body, -1) {
		out = append(out, m[1])
	}
	return out
}

func TestWhoToFollow(t *testing.T) {
	e := mustEnv(t)
	us := map[string]user{}
	for _, h := range []string{"amy", "ben", "cat", "dan", "eve", "pop", "fay", "gus"} {
		us[h] = e.mustUser(t, h, strings.ToUpper(h[:1])+h[1:])
	}
	me := e.mustUser(t, "zed", "Zed") // signs up last, so the directory lists them last
	// me follows amy and ben. amy follows cat and dan; ben follows cat and
	// eve: cat is followed by two of my followees, dan and eve by one.
	// pop is followed by fay, gus and dan: the most followed.
	for _, edge := range [][2]string{{"amy", "cat"}, {"amy", "dan"}, {"ben", "cat"}, {"ben", "eve"},
		{"fay", "pop"}, {"gus", "pop"}, {"dan", "pop"}} {
		e.mustFollow(t, us[edge[0]], us[edge[1]])
	}
	e.mustFollow(t, me, us["amy"])
	e.mustFollow(t, me, us["ben"])

	t.Run("signed in", func(t *testing.T) {
		got := e.mustDo(t, request{Method: "GET", Path: "/follow/frag/who-to-follow", As: &me}, 200)
		// People followed by my followees (cat 2, then dan and eve), then
		// the most followed (pop), then anyone else (by handle: fay).
		want := []string{"cat", "dan", "eve", "pop", "fay"}
		if h := suggested(got.Body); strings.Join(h, ",") != strings.Join(want, ",") {
			t.Errorf("suggestions = %v, want %v", h, want)
		}
		for _, h := range []string{"zed", "amy", "ben"} {
			if strings.Contains(got.Body, "@"+h+"<") {
				t.Errorf("suggests @%s (me or followed):\n%s", h, got.Body)
			}
		}
		if !strings.Contains(got.Body, `hx-trigger="follow-changed from:outside"`) {
			t.Errorf("the widget does not refresh on follows made elsewhere:\n%s", got.Body)
		}
		if !strings.Contains(got.Body, `<input type="hidden" name="shown" value="`+us["cat"].ID+`">`) {
			t.Errorf("entries do not carry their ids as shown:\n%s", got.Body)
		}
	})
	t.Run("signed out: the most followed", func(t *testing.T) {
		got := e.mustDo(t, request{Method: "GET", Path: "/follow/frag/who-to-follow"}, 200)
		// pop 3, cat 2, then one follower each by age: amy, ben, dan.
		want := []string{"pop", "cat", "amy", "ben", "dan"}
		if h := suggested(got.Body); strings.Join(h, ",") != strings.Join(want, ",") {
			t.Errorf("suggestions = %v, want %v", h, want)
		}
	})
	shown := func(handles ...string) url.Values {
		v := url.Values{}
		for _, h := range handles {
			v.Add("shown", us[h].ID)
		}
		return v
	}
	t.Run("following replaces the entry with someone not shown", func(t *testing.T) {
		got := e.mustDo(t, request{Method: "POST", Path: "/follow/frag/who-to-follow/" + us["cat"].ID, As: &me,
			Form: shown("cat", "dan", "eve", "pop", "fay")}, 200)
		if h := suggested(got.Body); strings.Join(h, ",") != "gus" {
			t.Errorf("replacement = %v, want [gus]:\n%s", h, got.Body)
		}
		if !strings.HasPrefix(got.Body, `<li class="suggestion">`) {
			t.Errorf("the answer is not one entry:\n%s", got.Body)
		}
		if got.Header.Get("HX-Trigger") != "follow-changed" {
			t.Errorf("HX-Trigger = %q, want follow-changed", got.Header.Get("HX-Trigger"))
		}
		if s := e.mustStats(t, me, us["cat"]); !s.FollowedByMe {
			t.Error("cat is not followed after following from the widget")
		}
	})
	t.Run("no one left", func(t *testing.T) {
		got := e.mustDo(t, request{Method: "POST", Path: "/follow/frag/who-to-follow/" + us["gus"].ID, As: &me,
			Form: shown("dan", "eve", "pop", "fay", "gus")}, 200)
		if !strings.Contains(got.Body, "You now follow") || !strings.Contains(got.Body, "@gus") {
			t.Errorf("answer = %s, want a note that gus is followed", got.Body)
		}
	})
	t.Run("the widget no longer offers whom I follow", func(t *testing.T) {
		got := e.mustDo(t, request{Method: "GET", Path: "/follow/frag/who-to-follow", As: &me}, 200)
		// pop is now followed by one of my followees (gus), and is the
		// most followed of those tied at one.
		want := []string{"pop", "dan", "eve", "fay"}
		if h := suggested(got.Body); strings.Join(h, ",") != strings.Join(want, ",") {
			t.Errorf("suggestions = %v, want %v", h, want)
		}
	})
	errs := []struct {
		name, id   string
		wantStatus int
		want       string
	}{
		{"myself", me.ID, 422, "You cannot follow yourself."},
		{"unknown", "55555", 404, "No such user."},
		{"malformed", "x1", 404, "No such user."},
	}
	for _, tc := range errs {
		t.Run(tc.name, func(t *testing.T) {
			got := e.do(t, request{Method: "POST", Path: "/follow/frag/who-to-follow/" + tc.id, As: &me, Form: url.Values{}})
			if got.Status != tc.wantStatus || !strings.Contains(got.Body, tc.want) || !strings.HasPrefix(got.Body, "<li") {
				t.Errorf("status %d, want %d with an entry saying %q; body %s", got.Status, tc.wantStatus, tc.want, got.Body)
			}
		})
	}
}

// TestWhoToFollowRemembered checks the widget's remembered picks: my own
// follows and unfollows, made anywhere, show at once; what others do waits
// for the picks to expire.
func TestWhoToFollowRemembered(t *testing.T) {
	e := mustEnv(t)
	us := map[string]user{}
	for _, h := range []string{"amy", "ben", "cat", "dan"} {
		us[h] = e.mustUser(t, h, strings.ToUpper(h[:1])+h[1:])
	}
	me := e.mustUser(t, "zed", "Zed")
	e.mustFollow(t, me, us["amy"])
	e.mustFollow(t, us["amy"], us["cat"])
	widget := func(t *testing.T, want ...string) {
		t.Helper()
		got := e.mustDo(t, request{Method: "GET", Path: "/follow/frag/who-to-follow", As: &me}, 200)
		if h := suggested(got.Body); !slices.Equal(h, want) {
			t.Errorf("suggestions = %v, want %v", h, want)
		}
	}

	// cat, followed by amy whom I follow; then the directory.
	widget(t, "cat", "ben", "dan")
	t.Run("someone I follow elsewhere leaves at once", func(t *testing.T) {
		e.mustFollow(t, me, us["cat"]) // the API, not the widget
		widget(t, "ben", "dan")
	})
	t.Run("what others do waits", func(t *testing.T) {
		e.mustFollow(t, us["amy"], us["dan"]) // dan would now come first
		widget(t, "ben", "dan")
	})
	t.Run("someone I unfollow comes back at once, with what others did", func(t *testing.T) {
		e.mustDo(t, request{Method: http.MethodDelete, Path: "/follow/api/following/" + us["cat"].ID, As: &me}, http.StatusNoContent)
		widget(t, "cat", "dan", "ben")
	})
}

// TestEscaping checks that names people choose reach every fragment and
// page escaped: unescaped, they would run scripts or, behind the shell's
// SSI, include other services' responses into the page.
func TestEscaping(t *testing.T) {
	e := mustEnv(t)
	star := e.mustUser(t, "star", "Star")
	nasty := []user{
		e.mustUser(t, "script", `<script>alert(1)</script>`),
		e.mustUser(t, "ssi", `<!--# include virtual="/profile/api/me" -->`),
		e.mustUser(t, "quote", `" onmouseover="alert(1)`),
	}
	viewer := e.mustUser(t, "viewer", "Viewer")
	for _, u := range nasty {
		e.mustFollow(t, u, star)
		e.mustFollow(t, star, u)
	}
	e.mustFollow(t, viewer, star) // so the nasty ones are suggested to the viewer
	paths := []string{
		"/follow/frag/users/star/followers",
		"/follow/frag/users/star/following",
		"/follow/frag/who-to-follow",
		"/follow/frag/users/script/card",
		"/follow/u/star",
		"/follow/u/script",
		"/follow/",
	}
	for _, p := range paths {
		for _, as := range []*user{&viewer, nil} {
			name := p + " signed out"
			if as != nil {
				name = p + " signed in"
			}
			t.Run(name, func(t *testing.T) {
				got := e.mustDo(t, request{Method: "GET", Path: p, As: as, Header: shell}, 200)
				for _, raw := range []string{"<script>alert", "<!--#", `" onmouseover="`} {
					if strings.Contains(got.Body, raw) {
						t.Errorf("body has %q unescaped:\n%s", raw, got.Body)
					}
				}
			})
		}
	}
	t.Run("names are shown, escaped", func(t *testing.T) {
		got := e.mustDo(t, request{Method: "GET", Path: "/follow/frag/users/star/followers", As: &viewer}, 200)
		for _, want := range []string{"&lt;script&gt;alert(1)&lt;/script&gt;", "&lt;!--# include virtual=&#34;/profile/api/me&#34; --&gt;"} {
			if !strings.Contains(got.Body, want) {
				t.Errorf("body lacks %q:\n%s", want, got.Body)
			}
		}
	})
}
