package server_test

import (
	"bytes"
	"image"
	"image/jpeg"
	"mime/multipart"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"

	"murmur/fragments/internal/auth"
	"murmur/fragments/profile/server"
	"murmur/fragments/tweets/tweetstest"
)

// multipartFile is a multipart body with one file in the part "file".
func multipartFile(t *testing.T, name string, data []byte) (string, string) {
	t.Helper()
	var buf bytes.Buffer
	w := multipart.NewWriter(&buf)
	part, err := w.CreateFormFile("file", name)
	if err != nil {
		t.Fatal(err)
	}
	part.Write(data)
	w.Close()
	return buf.String(), w.FormDataContentType()
}

func (e *env) putAvatar(t *testing.T, tok, name string, data []byte) response {
	t.Helper()
	body, ct := multipartFile(t, name, data)
	return e.send(t, "PUT", "/profile/api/me/avatar", body, append([]string{"Content-Type", ct}, bearer(tok)...))
}

func TestAvatar(t *testing.T) {
	e := newEnv(t, 1000)
	u, tok := e.signUp(t, "ada", "analytical", "Ada")
	if u.AvatarURL != nil {
		t.Fatalf("a new account has avatar_url %q, want null", *u.AvatarURL)
	}
	if r := e.do(t, "GET", "/profile/api/users/ada", ""); !strings.Contains(r.body, `"avatar_url":null`) {
		t.Errorf("a user without a picture: %s, want avatar_url null", r.body)
	}

	for _, tt := range []struct {
		name   string
		file   string
		data   []byte
		status int
		says   string
	}{
		{"not an image", "notes.txt", []byte("just some text, not a picture at all"), 415, "not an image"},
		{"a text file that starts like a GIF", "fake.gif", []byte("GIF89a and then words"), 415, "not an image"},
		{"too large", "huge.jpg", append(tweetstest.JPEG(t, 8, 8), make([]byte, 5<<20)...), 413, "larger than 5 MB"},
		{"damaged", "broken.png", tweetstest.PNG(t, 40, 40)[:60], 422, "damaged"},
		{"too many pixels", "bomb.png", tweetstest.PNGClaiming(t, 50_000, 50_000), 422, "too large in pixels"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			checkProblem(t, e.putAvatar(t, tok, tt.file, tt.data), tt.status)
			if r := e.putAvatar(t, tok, tt.file, tt.data); !strings.Contains(r.body, tt.says) {
				t.Errorf("body %s, want it to say %q", r.body, tt.says)
			}
		})
	}
	t.Run("signed out", func(t *testing.T) {
		checkProblem(t, e.putAvatar(t, "", "a.jpg", tweetstest.JPEG(t, 10, 10)), 401)
	})
	t.Run("no file part", func(t *testing.T) {
		checkProblem(t, e.do(t, "PUT", "/profile/api/me/avatar", `{"file":"x"}`, bearer(tok)...), 415)
	})

	// A wide photo with EXIF (and a GPS-bearing APP1 segment): cropped to
	// its middle square, in three sizes, without the metadata.
	photo := tweetstest.WithExif(t, tweetstest.JPEG(t, 300, 200), 1)
	r := e.putAvatar(t, tok, "me.jpg", photo)
	if r.status != 200 {
		t.Fatalf("upload: %d %s", r.status, r.body)
	}
	var got server.User
	r.json(t, &got)
	if got.AvatarURL == nil || !strings.HasPrefix(*got.AvatarURL, "/profile/avatars/"+u.ID+"/") || !strings.HasSuffix(*got.AvatarURL, "-96.jpg") {
		t.Fatalf("avatar_url %v, want /profile/avatars/%s/<key>-96.jpg", got.AvatarURL, u.ID)
	}
	first := *got.AvatarURL
	for _, size := range []int{48, 96, 256} {
		path := strings.TrimSuffix(first, "-96.jpg") + "-" + strconv.Itoa(size) + ".jpg"
		r := e.do(t, "GET", path, "")
		if r.status != 200 || r.header.Get("Content-Type") != "image/jpeg" {
			t.Fatalf("GET %s: %d %s", path, r.status, r.header.Get("Content-Type"))
		}
		if cc := r.header.Get("Cache-Control"); !strings.Contains(cc, "immutable") || !strings.Contains(cc, "max-age=31536000") {
			t.Errorf("GET %s: Cache-Control %q, want a year, immutable", path, cc)
		}
		if tweetstest.HasExif([]byte(r.body)) {
			t.Errorf("GET %s: the picture still carries EXIF", path)
		}
		img, err := jpeg.Decode(strings.NewReader(r.body))
		if err != nil {
			t.Fatalf("GET %s: %v", path, err)
		}
		if b := img.Bounds(); b != image.Rect(0, 0, size, size) {
			t.Errorf("GET %s: %v, want %d×%d", path, b, size, size)
		}
	}
	if r := e.do(t, "GET", "/profile/api/me", "", bearer(tok)...); !strings.Contains(r.body, first) {
		t.Errorf("/me: %s, want avatar_url %s", r.body, first)
	}
	// Lists of people carry it too (other services show people from there).
	if r := e.do(t, "GET", "/profile/api/users?ids="+u.ID, ""); !strings.Contains(r.body, first) {
		t.Errorf("users by id: %s, want avatar_url %s", r.body, first)
	}

	// Another picture, another URL; the old one is gone.
	r = e.putAvatar(t, tok, "other.png", tweetstest.PNG(t, 120, 160))
	r.json(t, &got)
	if r.status != 200 || got.AvatarURL == nil || *got.AvatarURL == first {
		t.Fatalf("second upload: %d, avatar_url %v; want a new URL", r.status, got.AvatarURL)
	}
	if r := e.do(t, "GET", first, ""); r.status != 404 {
		t.Errorf("the replaced picture's URL: %d, want 404", r.status)
	}
	for _, path := range []string{
		strings.TrimSuffix(*got.AvatarURL, "-96.jpg") + "-97.jpg",
		strings.TrimSuffix(*got.AvatarURL, "-96.jpg") + ".jpg",
		"/profile/avatars/" + u.ID + "/nothing-96.jpg",
		"/profile/avatars/999/x-96.jpg",
	} {
		if r := e.do(t, "GET", path, ""); r.status != 404 {
			t.Errorf("GET %s: %d, want 404", path, r.status)
		}
	}

	// Removing it brings the initial back; removing again is fine.
	for range 2 {
		r = e.do(t, "DELETE", "/profile/api/me/avatar", "", bearer(tok)...)
		if r.status != 200 || !strings.Contains(r.body, `"avatar_url":null`) {
			t.Errorf("remove: %d %s, want the user with avatar_url null", r.status, r.body)
		}
	}
	checkProblem(t, e.do(t, "DELETE", "/profile/api/me/avatar", ""), 401)
}

// The settings fragments: a picture uploaded in a form shows in the form
// and the nav; bad files are refused with a readable message; the password
// and sign-out-everywhere forms renew this session's cookie.
func TestSettingsFragments(t *testing.T) {
	e := newEnv(t, 1000)
	_, tok := e.signUp(t, "ada", "analytical", "Ada")
	cookie := []string{"Cookie", auth.CookieName + "=" + tok}

	if r := e.do(t, "GET", "/profile/frag/settings", "", cookie...); r.status != 200 ||
		!strings.Contains(r.body, "Profile picture") || !strings.Contains(r.body, "Change password") || !strings.Contains(r.body, "Sign out everywhere") {
		t.Fatalf("settings: %d %s", r.status, r.body)
	}
	if r := e.do(t, "GET", "/profile/frag/settings", ""); r.status != 401 || !strings.Contains(r.body, `id="signin"`) {
		t.Errorf("settings signed out: %d, want 401 with the sign-in form", r.status)
	}
	if r := e.do(t, "GET", "/profile/settings", "", cookie...); r.status != 200 || !strings.Contains(r.body, `id="settings"`) {
		t.Errorf("profile's own settings page: %d", r.status)
	}

	upload := func(name string, data []byte) response {
		body, ct := multipartFile(t, name, data)
		return e.send(t, "POST", "/profile/frag/me/avatar", body, append([]string{"Content-Type", ct, "HX-Request", "true"}, cookie...))
	}
	r := upload("notes.txt", []byte("<script>alert(1)</script> not an image"))
	if r.status != 415 || !strings.Contains(r.body, "not an image murmur can show") || strings.Contains(r.body, "<script>") {
		t.Errorf("a text file: %d %s, want 415 saying it is not an image", r.status, r.body)
	}
	r = upload("huge.jpg", append(tweetstest.JPEG(t, 8, 8), make([]byte, 5<<20)...))
	if r.status != 413 || !strings.Contains(r.body, "larger than 5 MB") {
		t.Errorf("a large file: %d %s, want 413 saying it is too large", r.status, r.body)
	}
	r = upload("me.png", tweetstest.PNG(t, 64, 64))
	if r.status != 200 || !strings.Contains(r.body, "-256.jpg") || r.header.Get("HX-Trigger") == "" {
		t.Fatalf("upload: %d %s (HX-Trigger %q)", r.status, r.body, r.header.Get("HX-Trigger"))
	}
	if r := e.do(t, "GET", "/profile/frag/nav", "", cookie...); !strings.Contains(r.body, "-96.jpg") || !strings.Contains(r.body, "Settings") {
		t.Errorf("nav after the upload: %s, want the picture and the Settings link", r.body)
	}
	r = e.send(t, "DELETE", "/profile/frag/me/avatar", "", append([]string{"HX-Request", "true"}, cookie...))
	if r.status != 200 || strings.Contains(r.body, "-256.jpg") || !strings.Contains(r.body, "initial shows again") {
		t.Errorf("remove: %d %s", r.status, r.body)
	}

	pw := func(current, next, again string) response {
		return e.form(t, "PUT", "/profile/frag/me/password",
			url.Values{"current_password": {current}, "new_password": {next}, "new_password_again": {again}}, cookie...)
	}
	for _, tt := range []struct {
		name                 string
		current, next, again string
		status               int
		says                 string
	}{
		{"wrong current", "wrong-password", "engine-difference", "engine-difference", 401, "not your current password"},
		{"weak", "analytical", "short", "short", 422, "8 to 128"},
		{"differing", "analytical", "engine-difference", "engine-different", 422, "differ"},
	} {
		r := pw(tt.current, tt.next, tt.again)
		if r.status != tt.status || !strings.Contains(r.body, tt.says) || r.header.Get("Set-Cookie") != "" {
			t.Errorf("%s: %d %s (Set-Cookie %q), want %d saying %q", tt.name, r.status, r.body, r.header.Get("Set-Cookie"), tt.status, tt.says)
		}
	}
	r = pw("analytical", "engine-difference", "engine-difference")
	if r.status != 200 || !strings.Contains(r.body, "password is changed") {
		t.Fatalf("change: %d %s", r.status, r.body)
	}
	renewed := cookieValue(r.header)
	if renewed == "" || renewed == tok {
		t.Fatalf("the password change set no new cookie: %q", r.header.Get("Set-Cookie"))
	}
	if r := e.do(t, "GET", "/profile/frag/settings", "", cookie...); r.status != 401 {
		t.Errorf("the old cookie after a password change: %d, want 401", r.status)
	}
	cookie = []string{"Cookie", auth.CookieName + "=" + renewed}
	r = e.form(t, "POST", "/profile/frag/me/sessions/revoke", url.Values{}, cookie...)
	if r.status != 200 || !strings.Contains(r.body, "This one goes on") {
		t.Fatalf("sign out everywhere: %d %s", r.status, r.body)
	}
	if again := cookieValue(r.header); again == "" || again == renewed {
		t.Errorf("signing out everywhere set no new cookie")
	} else if r := e.do(t, "GET", "/profile/frag/settings", "", "Cookie", auth.CookieName+"="+again); r.status != 200 {
		t.Errorf("the renewed cookie: %d", r.status)
	}
	if r := e.do(t, "GET", "/profile/frag/settings", "", cookie...); r.status != 401 {
		t.Errorf("the cookie before signing out everywhere: %d, want 401", r.status)
	}
}

// cookieValue is the session cookie an answer sets, "" when none.
func cookieValue(h http.Header) string {
	for _, c := range (&http.Response{Header: h}).Cookies() {
		if c.Name == auth.CookieName {
			return c.Value
		}
	}
	return ""
}
