package server_test

import (
	"fmt"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"murmur/fragments/internal/htmx"
	"murmur/fragments/internal/render"
	"murmur/fragments/tweets/tweetstest"
)

// Texts that must show as typed and never act as markup or as an nginx
// SSI command when a fragment is included in the shell.
const (
	ssiAttack    = `<!--# include virtual="/profile/api/me" -->`
	scriptAttack = `<script>alert("x")</script>`
)

// assertEscaped checks an HTML answer holds neither attack verbatim.
func assertEscaped(t *testing.T, where string, body string) {
	t.Helper()
	for _, attack := range []string{ssiAttack, scriptAttack, "<!--#"} {
		if strings.Contains(body, attack) {
			t.Errorf("%s contains %q unescaped", where, attack)
		}
	}
}

func countCards(body string) int { return strings.Count(body, `<article class="card tweet"`) }

var cardIDs = regexp.MustCompile(`data-tweet-id="(\d+)"`)

func idsInOrder(body string) []string {
	var ids []string
	for _, m := range cardIDs.FindAllStringSubmatch(body, -1) {
		ids = append(ids, m[1])
	}
	return ids
}

func TestComposeFragment(t *testing.T) {
	s := mustStack(t)
	ada := s.mustUser(t, "ada", "Ada")
	t.Run("signed in", func(t *testing.T) {
		resp := s.do(t, "GET", "/tweets/frag/compose", "", nil, cookie(ada.Token)...)
		body := resp.String()
		if resp.Status != 200 || !strings.Contains(body, `name="text"`) || !strings.Contains(body, `data-limit="280"`) ||
			!strings.Contains(body, `hx-post="/tweets/frag/tweets"`) || !strings.Contains(body, `>280</span>`) {
			t.Errorf("compose = %d %s, want the compose form with a 280 counter", resp.Status, body)
		}
	})
	t.Run("signed out", func(t *testing.T) {
		resp := s.do(t, "GET", "/tweets/frag/compose", "", nil)
		if resp.Status != 200 || !strings.Contains(resp.String(), "Sign in") || strings.Contains(resp.String(), "<textarea") {
			t.Errorf("compose signed out = %d %s, want a sign-in prompt", resp.Status, resp)
		}
	})
}

func TestPostFragment(t *testing.T) {
	s := mustStack(t)
	ada := s.mustUser(t, "ada", "Ada")
	img := s.mustUpload(t, ada, tweetstest.PNG(t, 4, 4))

	t.Run("posts and clears the box", func(t *testing.T) {
		form := url.Values{"text": {"  hello from the box  "}, "media_ids": {img.ID}, "alt_" + img.ID: {"a small square"}}
		resp := s.do(t, "POST", "/tweets/frag/tweets", "", form, cookie(ada.Token)...)
		if resp.Status != 200 {
			t.Fatalf("status = %d %s", resp.Status, resp)
		}
		if got := resp.Header.Get("HX-Trigger"); got != htmx.TweetCreated {
			t.Errorf("HX-Trigger = %q, want %q", got, htmx.TweetCreated)
		}
		if body := resp.String(); strings.Contains(body, "hello from the box") || strings.Contains(body, img.ID) {
			t.Errorf("the answered compose box is not empty: %s", body)
		}
		list := s.do(t, "GET", "/tweets/frag/users/ada/tweets", "", nil, cookie(ada.Token)...).String()
		if !strings.Contains(list, "hello from the box") || !strings.Contains(list, `alt="a small square"`) {
			t.Errorf("ada's tweets do not show the new tweet with its described image: %s", list)
		}
	})
	refusals := []struct {
		name, text string
		media      []string
		want       string
	}{
		{"empty", "   ", nil, "cannot be empty"},
		{"too long", strings.Repeat("ab", 141), nil, "at most 280"},
		{"image used twice", "again", []string{img.ID}, "already part of another tweet"},
	}
	for _, tc := range refusals {
		t.Run(tc.name, func(t *testing.T) {
			form := url.Values{"text": {tc.text}, "media_ids": tc.media}
			resp := s.do(t, "POST", "/tweets/frag/tweets", "", form, cookie(ada.Token)...)
			if resp.Status != 422 {
				t.Fatalf("status = %d, want 422", resp.Status)
			}
			body := resp.String()
			if !strings.Contains(body, tc.want) || !strings.Contains(body, `class="problem"`) {
				t.Errorf("answer does not say %q: %s", tc.want, body)
			}
			if resp.Header.Get("HX-Trigger") != "" {
				t.Error("a refused post fired HX-Trigger")
			}
			if strings.TrimSpace(tc.text) != "" && !strings.Contains(body, tc.text) {
				t.Error("the box lost what was typed")
			}
		})
	}
	t.Run("over the limit turns the counter red", func(t *testing.T) {
		resp := s.do(t, "POST", "/tweets/frag/tweets", "", url.Values{"text": {strings.Repeat("😀", 290)}}, cookie(ada.Token)...)
		if !strings.Contains(resp.String(), `class="counter over"`) || !strings.Contains(resp.String(), ">-10</span>") {
			t.Errorf("counter not red at -10: %s", resp)
		}
	})
	t.Run("refused text and alt are escaped", func(t *testing.T) {
		form := url.Values{"text": {ssiAttack + scriptAttack + strings.Repeat("x", 280)}, "media_ids": {`"><script>alert(1)</script>`},
			`alt_"><script>alert(1)</script>`: {ssiAttack}}
		resp := s.do(t, "POST", "/tweets/frag/tweets", "", form, cookie(ada.Token)...)
		assertEscaped(t, "refused compose box", resp.String())
		if strings.Contains(resp.String(), "<script>alert(1)") {
			t.Error("a media id was echoed unescaped")
		}
	})
	t.Run("signed out", func(t *testing.T) {
		resp := s.do(t, "POST", "/tweets/frag/tweets", "", url.Values{"text": {"hi"}})
		if resp.Status != 401 || !strings.Contains(resp.String(), "Sign in") {
			t.Errorf("status = %d %s, want 401 with a sign-in prompt", resp.Status, resp)
		}
	})
	t.Run("cross-site", func(t *testing.T) {
		resp := s.do(t, "POST", "/tweets/frag/tweets", "", url.Values{"text": {"csrf"}},
			append(cookie(ada.Token), "Origin", "https://evil.example", "Sec-Fetch-Site", "cross-site")...)
		if resp.Status != 403 {
			t.Errorf("status = %d, want 403", resp.Status)
		}
	})
}

func TestUploadFragment(t *testing.T) {
	s := mustStack(t)
	ada := s.mustUser(t, "ada", "Ada")
	t.Run("previews with alt fields", func(t *testing.T) {
		resp := s.do(t, "POST", "/tweets/frag/media", "", upload(t, "file", [][]byte{tweetstest.PNG(t, 3, 3), tweetstest.JPEG(t, 3, 3)}), cookie(ada.Token)...)
		body := resp.String()
		if resp.Status != 200 || strings.Count(body, `<li class="attachment"`) != 2 || strings.Count(body, `name="media_ids"`) != 2 ||
			strings.Count(body, `placeholder="Describe the image (alt text)"`) != 2 {
			t.Errorf("upload = %d %s, want two previews with hidden ids and alt fields", resp.Status, body)
		}
	})
	t.Run("one good one bad", func(t *testing.T) {
		resp := s.do(t, "POST", "/tweets/frag/media", "", upload(t, "file", [][]byte{tweetstest.PNG(t, 3, 3), []byte("not an image")}), cookie(ada.Token)...)
		body := resp.String()
		if resp.Status != 200 || strings.Count(body, `<li class="attachment"`) != 1 || !strings.Contains(body, "not an image murmur can show") {
			t.Errorf("upload = %d %s, want one preview and one refusal", resp.Status, body)
		}
	})
	t.Run("only bad", func(t *testing.T) {
		resp := s.do(t, "POST", "/tweets/frag/media", "", upload(t, "file", [][]byte{[]byte("nope")}), cookie(ada.Token)...)
		if resp.Status != 415 || !strings.Contains(resp.String(), `class="attachment failed"`) {
			t.Errorf("upload = %d %s, want 415 with a refusal item", resp.Status, resp)
		}
	})
	t.Run("five images keep the first four", func(t *testing.T) {
		var five [][]byte
		for i := range 5 {
			five = append(five, tweetstest.PNG(t, 2+i, 2))
		}
		resp := s.do(t, "POST", "/tweets/frag/media", "", upload(t, "file", five), cookie(ada.Token)...)
		body := resp.String()
		if resp.Status != 200 || strings.Count(body, `<li class="attachment"`) != 4 || strings.Count(body, `class="attachment failed"`) != 1 {
			t.Fatalf("upload = %d %s, want four previews and one line about the fifth", resp.Status, body)
		}
		if want := "A tweet can have at most 4 images, so photo4.txt was left out."; !strings.Contains(body, want) {
			t.Errorf("upload says %s, want %q", body, want)
		}
		if i, j := strings.Index(body, `<li class="attachment"`), strings.Index(body, "left out"); i > j {
			t.Errorf("the line about what was left out comes before the previews: %s", body)
		}
	})
	t.Run("beside three attached, one of two fits", func(t *testing.T) {
		body := upload(t, "file", [][]byte{tweetstest.PNG(t, 2, 2), tweetstest.PNG(t, 3, 3)}, "media_ids", "1", "media_ids", "2", "media_ids", "3")
		resp := s.do(t, "POST", "/tweets/frag/media", "", body, cookie(ada.Token)...)
		if resp.Status != 200 || strings.Count(resp.String(), `<li class="attachment"`) != 1 || !strings.Contains(resp.String(), "so photo1.txt was left out") {
			t.Errorf("upload = %d %s, want the first image and a line about the second", resp.Status, resp)
		}
	})
	t.Run("beside four attached, none fits", func(t *testing.T) {
		body := upload(t, "file", [][]byte{tweetstest.PNG(t, 2, 2)}, "media_ids", "1", "media_ids", "2", "media_ids", "3", "media_ids", "4")
		resp := s.do(t, "POST", "/tweets/frag/media", "", body, cookie(ada.Token)...)
		if resp.Status != 422 || !strings.Contains(resp.String(), "at most 4 images") || strings.Contains(resp.String(), `<li class="attachment"`) {
			t.Errorf("upload = %d %s, want 422 at most 4", resp.Status, resp)
		}
	})
	t.Run("signed out", func(t *testing.T) {
		resp := s.do(t, "POST", "/tweets/frag/media", "", upload(t, "file", [][]byte{tweetstest.PNG(t, 2, 2)}))
		if resp.Status != 401 {
			t.Errorf("status = %d, want 401", resp.Status)
		}
	})
}

func TestCardShowsTweet(t *testing.T) {
	s := mustStack(t)
	ada := s.mustUser(t, "ada", "Ada Lovelace")
	bob := s.mustUser(t, "bob", "Bob")
	img := s.mustUpload(t, ada, tweetstest.PNG(t, 6, 4))
	tw := s.mustPost(t, ada, "line one\nsee https://example.org/a?b=1&c=2. ok", img.ID)
	path := "/tweets/frag/tweets/" + tw.ID

	t.Run("as the author", func(t *testing.T) {
		body := s.do(t, "GET", path, "", nil, cookie(ada.Token)...).String()
		for _, want := range []string{
			`<strong class="display-name">Ada Lovelace</strong>`,
			`href="/tweets/u/ada"`,
			"line one\nsee ",
			`<a href="https://example.org/a?b=1&amp;c=2" rel="nofollow noopener noreferrer ugc" target="_blank">https://example.org/a?b=1&amp;c=2</a>. ok`,
			`<img src="/tweets/media/` + img.ID + `"`,
			`hx-put="/tweets/frag/tweets/` + tw.ID + `/like"`,
			`hx-delete="/tweets/frag/tweets/` + tw.ID + `"`,
			`<summary>Delete</summary>`,
			`<time datetime="`,
		} {
			if !strings.Contains(body, want) {
				t.Errorf("card lacks %q:\n%s", want, body)
			}
		}
	})
	t.Run("as someone else", func(t *testing.T) {
		body := s.do(t, "GET", path, "", nil, cookie(bob.Token)...).String()
		if strings.Contains(body, "<summary>Delete</summary>") || !strings.Contains(body, `class="like"`) {
			t.Errorf("card for bob: want a like button and no delete: %s", body)
		}
	})
	t.Run("signed out", func(t *testing.T) {
		resp := s.do(t, "GET", path, "", nil)
		if resp.Status != 200 || strings.Contains(resp.String(), "hx-put") || !strings.Contains(resp.String(), "like static") {
			t.Errorf("card signed out = %d, want read-only: %s", resp.Status, resp)
		}
	})
	t.Run("behind the shell", func(t *testing.T) {
		body := s.do(t, "GET", path, "", nil, render.ShellHeader, "1").String()
		if !strings.Contains(body, `href="/u/ada"`) {
			t.Errorf("card behind the shell does not link /u/ada: %s", body)
		}
	})
	t.Run("unknown", func(t *testing.T) {
		resp := s.do(t, "GET", "/tweets/frag/tweets/4242", "", nil)
		if resp.Status != 404 || !strings.Contains(resp.String(), "does not exist") {
			t.Errorf("unknown card = %d %s, want 404 with a message", resp.Status, resp)
		}
	})
}

func TestEverythingIsEscaped(t *testing.T) {
	s := mustStack(t)
	evil := s.mustUser(t, "evil", ssiAttack[:40]) // display names are at most 50 characters
	evil2 := s.mustUser(t, "evil2", `<script>alert("x")</script>`)
	img := s.mustUpload(t, evil, tweetstest.PNG(t, 2, 2))
	alt := ssiAttack + scriptAttack
	resp := s.do(t, "POST", "/tweets/frag/tweets", "", url.Values{"text": {ssiAttack + "\n" + scriptAttack + " http://x.org/\"><script>"},
		"media_ids": {img.ID}, "alt_" + img.ID: {alt}}, cookie(evil.Token)...)
	if resp.Status != 200 {
		t.Fatalf("post = %d %s", resp.Status, resp)
	}
	tw := s.mustPost(t, evil2, scriptAttack)

	pages := map[string]string{
		"user tweets fragment":  "/tweets/frag/users/evil/tweets",
		"user tweets 2":         "/tweets/frag/users/evil2/tweets",
		"cards fragment":        "/tweets/frag/cards?ids=" + tw.ID,
		"card fragment":         "/tweets/frag/tweets/" + tw.ID,
		"standalone user page":  "/tweets/u/evil",
		"standalone home page":  "/tweets/",
		"standalone user page2": "/tweets/u/evil2",
	}
	for name, path := range pages {
		t.Run(name, func(t *testing.T) {
			resp := s.do(t, "GET", path, "", nil, cookie(evil.Token)...)
			if resp.Status != 200 {
				t.Fatalf("GET %s = %d", path, resp.Status)
			}
			assertEscaped(t, path, resp.String())
			if !strings.Contains(resp.String(), "&lt;") {
				t.Errorf("%s shows no escaped markup at all; is the text there?", path)
			}
		})
	}
	t.Run("text shows as typed", func(t *testing.T) {
		body := s.do(t, "GET", "/tweets/frag/users/evil/tweets", "", nil).String()
		if !strings.Contains(body, `&lt;!--# include virtual=&#34;/profile/api/me&#34; --&gt;`) {
			t.Errorf("the SSI text is not shown escaped: %s", body)
		}
	})
	t.Run("upload errors escape file names", func(t *testing.T) {
		resp := s.do(t, "POST", "/tweets/frag/media", "", evilFilename(t), cookie(evil.Token)...)
		assertEscaped(t, "upload refusal", resp.String())
	})
	t.Run("handle in path", func(t *testing.T) {
		resp := s.do(t, "GET", "/tweets/frag/users/"+url.PathEscape(scriptAttack)+"/tweets", "", nil)
		if resp.Status != 404 {
			t.Errorf("status = %d, want 404", resp.Status)
		}
		assertEscaped(t, "unknown handle", resp.String())
	})
}

// evilFilename is an upload whose file name is an attack and whose bytes are no image.
func evilFilename(t *testing.T) multipartBody {
	t.Helper()
	b := upload(t, "file", [][]byte{[]byte("nope")})
	data := strings.Replace(string(b.data), `filename="photo0.txt"`, `filename="`+strings.ReplaceAll(scriptAttack, `"`, `'`)+`<!--# include virtual='/x' -->"`, 1)
	return multipartBody{data: []byte(data), contentType: b.contentType}
}

func TestCardsFragment(t *testing.T) {
	s := mustStack(t)
	ada, bob := s.mustUser(t, "ada", "Ada"), s.mustUser(t, "bob", "Bob")
	a, b, c := s.mustPost(t, ada, "a"), s.mustPost(t, bob, "b"), s.mustPost(t, ada, "c")
	resp := s.do(t, "GET", "/tweets/frag/cards?ids="+strings.Join([]string{c.ID, "999", b.ID, "x", a.ID}, ","), "", nil, cookie(bob.Token)...)
	if resp.Status != 200 {
		t.Fatalf("status = %d", resp.Status)
	}
	got, want := idsInOrder(resp.String()), []string{c.ID, b.ID, a.ID}
	if fmt.Sprint(got) != fmt.Sprint(want) {
		t.Errorf("cards = %v, want %v (in the order asked, unknown skipped)", got, want)
	}
	if empty := s.do(t, "GET", "/tweets/frag/cards?ids=", "", nil); empty.Status != 200 || countCards(empty.String()) != 0 {
		t.Errorf("no ids = %d %s, want 200 and no cards", empty.Status, empty)
	}
	many := strings.TrimSuffix(strings.Repeat("1,", 101), ",")
	if got := s.do(t, "GET", "/tweets/frag/cards?ids="+many, "", nil).Status; got != 422 {
		t.Errorf("101 ids = %d, want 422", got)
	}
}

func TestUserTweetsFragment(t *testing.T) {
	s := mustStack(t)
	ada, bob := s.mustUser(t, "ada", "Ada"), s.mustUser(t, "bob", "Bob")
	var posted []string
	for i := range 25 {
		posted = append(posted, s.mustPost(t, ada, fmt.Sprintf("tweet number %d", i)).ID)
	}
	s.mustPost(t, bob, "bob's")

	resp := s.do(t, "GET", "/tweets/frag/users/Ada/tweets", "", nil, cookie(bob.Token)...)
	body := resp.String()
	if resp.Status != 200 {
		t.Fatalf("status = %d %s", resp.Status, body)
	}
	for _, want := range []string{
		`hx-trigger="tweet-created from:body, tweet-deleted from:body"`,
		`hx-get="/tweets/frag/users/ada/tweets"`,
		`Load more`,
	} {
		if !strings.Contains(body, want) {
			t.Errorf("list lacks %q", want)
		}
	}
	first := idsInOrder(body)
	if len(first) != 20 || first[0] != posted[24] || first[19] != posted[5] {
		t.Fatalf("first page = %d cards starting %v, want the 20 newest", len(first), first[:1])
	}
	next := regexp.MustCompile(`hx-get="(/tweets/frag/users/ada/tweets\?cursor=\d+)"`).FindStringSubmatch(body)
	if next == nil {
		t.Fatal("no load-more link")
	}
	more := s.do(t, "GET", next[1], "", nil, cookie(bob.Token)...)
	rest := idsInOrder(more.String())
	if len(rest) != 5 || rest[0] != posted[4] || rest[4] != posted[0] || strings.Contains(more.String(), "Load more") ||
		strings.Contains(more.String(), "<section") {
		t.Errorf("second page = %v, want the 5 oldest as bare rows without more", rest)
	}

	t.Run("signed out reads", func(t *testing.T) {
		resp := s.do(t, "GET", "/tweets/frag/users/ada/tweets", "", nil)
		if resp.Status != 200 || countCards(resp.String()) != 20 || strings.Contains(resp.String(), "hx-put") {
			t.Errorf("signed out = %d with %d cards, want 20 read-only cards", resp.Status, countCards(resp.String()))
		}
	})
	t.Run("no tweets", func(t *testing.T) {
		s.mustUser(t, "quiet", "Quiet")
		resp := s.do(t, "GET", "/tweets/frag/users/quiet/tweets", "", nil)
		if resp.Status != 200 || !strings.Contains(resp.String(), "No tweets yet") {
			t.Errorf("empty list = %d %s", resp.Status, resp)
		}
	})
	t.Run("unknown handle", func(t *testing.T) {
		resp := s.do(t, "GET", "/tweets/frag/users/nobody/tweets", "", nil)
		if resp.Status != 404 || !strings.Contains(resp.String(), "doesn’t exist") {
			t.Errorf("unknown = %d %s, want 404 with a message", resp.Status, resp)
		}
	})
	t.Run("profile down", func(t *testing.T) {
		s.profile.Close()
		resp := s.do(t, "GET", "/tweets/frag/users/someone_new/tweets", "", nil)
		if resp.Status < 500 {
			t.Errorf("status = %d, want a 5xx so the shell shows its fallback", resp.Status)
		}
	})
}

func TestLikeAndDeleteFragments(t *testing.T) {
	s := mustStack(t)
	ada, bob := s.mustUser(t, "ada", "Ada"), s.mustUser(t, "bob", "Bob")
	tw := s.mustPost(t, ada, "like me")
	likePath := "/tweets/frag/tweets/" + tw.ID + "/like"

	steps := []struct {
		method, want string
	}{
		{"PUT", `class="like liked" aria-pressed="true"`},
		{"PUT", `class="like liked" aria-pressed="true"`},
		{"DELETE", `class="like" aria-pressed="false"`},
	}
	counts := []string{"1", "1", "0"}
	for i, st := range steps {
		resp := s.do(t, st.method, likePath, "", nil, cookie(bob.Token)...)
		if resp.Status != 200 || resp.Header.Get("HX-Trigger") != htmx.LikeChanged {
			t.Fatalf("step %d: %d HX-Trigger %q, want 200 like-changed", i, resp.Status, resp.Header.Get("HX-Trigger"))
		}
		body := resp.String()
		if !strings.Contains(body, st.want) || !strings.Contains(body, `<span class="like-count" data-like-count-for="`+tw.ID+`">`+counts[i]+`</span>`) {
			t.Errorf("step %d: button = %s, want %s with count %s", i, body, st.want, counts[i])
		}
		// The answer is the next button: it must toggle at the same place.
		if !strings.Contains(body, `="`+likePath+`"`) {
			t.Errorf("step %d: button = %s, want it to send its next toggle to %s", i, body, likePath)
		}
	}
	if resp := s.do(t, "PUT", likePath, "", nil); resp.Status != 401 {
		t.Errorf("like signed out = %d, want 401", resp.Status)
	}

	del := "/tweets/frag/tweets/" + tw.ID
	if resp := s.do(t, "DELETE", del, "", nil, cookie(bob.Token)...); resp.Status != 403 || !strings.Contains(resp.String(), "Only its author") {
		t.Errorf("delete by bob = %d %s, want 403", resp.Status, resp)
	}
	resp := s.do(t, "DELETE", del, "", nil, cookie(ada.Token)...)
	if resp.Status != 200 || resp.Header.Get("HX-Trigger") != `{"tweet-deleted":{"target":"body"}}` || len(resp.Body) != 0 {
		t.Errorf("delete by ada = %d %q %q, want 200, tweet-deleted and an empty body", resp.Status, resp.Header.Get("HX-Trigger"), resp)
	}
	if resp := s.do(t, "DELETE", del, "", nil, cookie(ada.Token)...); resp.Status != 200 {
		t.Errorf("delete again = %d, want 200", resp.Status)
	}
	if got := countCards(s.do(t, "GET", "/tweets/frag/users/ada/tweets", "", nil).String()); got != 0 {
		t.Errorf("ada still shows %d tweets", got)
	}
}

func TestStandalonePages(t *testing.T) {
	s := mustStack(t)
	ada := s.mustUser(t, "ada", "Ada")
	s.mustPost(t, ada, "my own tweet")
	t.Run("home signed in", func(t *testing.T) {
		resp := s.do(t, "GET", "/tweets/", "", nil, cookie(ada.Token)...)
		body := resp.String()
		for _, want := range []string{"<!doctype html>", `id="compose"`, "my own tweet", "Signed in as", `/tweets/static/murmur.`} {
			if !strings.Contains(body, want) {
				t.Errorf("home lacks %q", want)
			}
		}
	})
	t.Run("home signed out", func(t *testing.T) {
		resp := s.do(t, "GET", "/tweets/", "", nil)
		if resp.Status != 200 || !strings.Contains(resp.String(), "Sign in") || strings.Contains(resp.String(), `id="compose"`) {
			t.Errorf("home signed out = %d, want a sign-in prompt", resp.Status)
		}
		if !strings.Contains(resp.String(), `href="http://127.0.0.1:`) || !strings.Contains(resp.String(), `/profile/"`) {
			t.Errorf("sign-in link does not lead to profile's page: %s", resp)
		}
	})
	t.Run("user page", func(t *testing.T) {
		resp := s.do(t, "GET", "/tweets/u/ada", "", nil)
		if resp.Status != 200 || !strings.Contains(resp.String(), "my own tweet") || !strings.Contains(resp.String(), "<!doctype html>") {
			t.Errorf("user page = %d", resp.Status)
		}
	})
	t.Run("unknown user page", func(t *testing.T) {
		if got := s.do(t, "GET", "/tweets/u/nobody", "", nil).Status; got != http.StatusNotFound {
			t.Errorf("status = %d, want 404", got)
		}
	})
}
