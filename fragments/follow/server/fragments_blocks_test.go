package server_test

import (
	"net/http"
	"strings"
	"testing"
)

// TestBlockFromTheCard walks the card's block steps: Block asks first,
// the confirmed block shows "You blocked" with Unblock, the blocked person
// sees only that they cannot follow, and the settings section lists the
// block and the mute with buttons that lift them; an escaped handle.
func TestBlockFromTheCard(t *testing.T) {
	e := mustEnv(t)
	ada := e.mustUser(t, "ada", "Ada")
	bob := e.mustUser(t, "bob", "Bob <b>")
	cyd := e.mustUser(t, "cyd", "Cyd")
	e.mustFollow(t, bob, ada)
	must := func(r request, status int, wants ...string) string {
		t.Helper()
		got := e.mustDo(t, r, status)
		for _, w := range wants {
			if !strings.Contains(got.Body, w) {
				t.Errorf("%s %s lacks %q:\n%s", r.Method, r.Path, w, got.Body)
			}
		}
		return got.Body
	}
	card := must(request{Method: http.MethodGet, Path: "/follow/frag/users/bob/card", As: &ada}, 200, ">Block<", ">Mute<")
	if strings.Contains(card, "You blocked") {
		t.Errorf("card before any block says blocked:\n%s", card)
	}
	must(request{Method: http.MethodGet, Path: "/follow/frag/blocks/" + bob.ID + "/confirm", As: &ada}, 200,
		"Block @bob?", `hx-put="/follow/frag/blocks/`+bob.ID+`"`, "Cancel")
	got := e.mustDo(t, request{Method: http.MethodPut, Path: "/follow/frag/blocks/" + bob.ID, As: &ada}, 200)
	if !strings.Contains(got.Body, "You blocked @bob.") || !strings.Contains(got.Body, "Unblock") ||
		!strings.Contains(got.Header.Get("HX-Trigger"), "follow-changed") {
		t.Errorf("after the block: %v\n%s", got.Header, got.Body)
	}
	must(request{Method: http.MethodGet, Path: "/follow/frag/users/ada/card", As: &bob}, 200, "You can’t follow this person.")
	// Neither is suggested to the other any more.
	for _, w := range []struct {
		as    *user
		other string
	}{{&ada, "@bob"}, {&bob, "@ada"}} {
		if body := must(request{Method: http.MethodGet, Path: "/follow/frag/who-to-follow", As: w.as}, 200, "Who to follow"); strings.Contains(body, w.other) {
			t.Errorf("who-to-follow suggests %s across a block:\n%s", w.other, body)
		}
	}
	if body := must(request{Method: http.MethodGet, Path: "/follow/frag/users/ada/card", As: &bob}, 200); strings.Contains(body, "blocked") {
		t.Errorf("the blocked person's view of the card tells of the block:\n%s", body)
	}
	must(request{Method: http.MethodPut, Path: "/follow/frag/mutes/" + cyd.ID, As: &ada}, 200, "Unmute")
	settings := must(request{Method: http.MethodGet, Path: "/follow/frag/settings", As: &ada}, 200,
		"Blocked and muted", "@bob", "Bob &lt;b&gt;", "@cyd",
		`hx-delete="/follow/frag/blocks/`+bob.ID+`?in=settings"`, `hx-delete="/follow/frag/mutes/`+cyd.ID+`?in=settings"`)
	if strings.Contains(settings, "<b>") {
		t.Error("a display name reached the settings unescaped")
	}
	must(request{Method: http.MethodDelete, Path: "/follow/frag/blocks/" + bob.ID + "?in=settings", As: &ada}, 200, "You unblocked")
	must(request{Method: http.MethodDelete, Path: "/follow/frag/mutes/" + cyd.ID + "?in=settings", As: &ada}, 200, "You unmuted")
	must(request{Method: http.MethodGet, Path: "/follow/frag/settings", As: &ada}, 200, "You haven’t blocked anyone.", "You haven’t muted anyone.")
	must(request{Method: http.MethodPut, Path: "/follow/frag/blocks/" + ada.ID, As: &ada}, 422, "You cannot block yourself.")
	must(request{Method: http.MethodGet, Path: "/follow/frag/settings"}, 401)
}
