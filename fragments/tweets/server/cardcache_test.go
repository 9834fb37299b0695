package server

import (
	"strings"
	"testing"
	"time"

	"murmur/fragments/internal/auth"
	"murmur/fragments/internal/render"
	"murmur/fragments/layout"
	"murmur/fragments/tweets"
)

// TestCardCacheAnswersWhatTheTemplateWould renders a card through the
// cache, then changes one thing a card shows at a time: each time the
// cache must answer exactly what the template renders now, never the card
// it remembered.
func TestCardCacheAnswersWhatTheTemplateWould(t *testing.T) {
	tmpl := parseTemplates()
	cache := newCardCache(tmpl)
	author := &auth.Viewer{ID: "7", Handle: "ada"}
	other := &auth.Viewer{ID: "8", Handle: "bob"}
	base := card{
		Links:  render.Links{Service: service, Mount: "/" + service},
		Viewer: other,
		Tweet: tweets.Tweet{
			ID: "519324558290944001", Author: tweets.Author{ID: "7", Handle: "ada", DisplayName: "Ada"},
			Text: "hello https://example.org <b>", Media: []tweets.Media{}, LikeCount: 3,
			CreatedAt: time.Now().Add(-90 * time.Second),
		},
	}
	picture, nextPicture := "/profile/avatars/7/aaaa-96.jpg", "/profile/avatars/7/bbbb-96.jpg"
	changes := []struct {
		name   string
		change func(*card)
	}{
		{"as it was", func(*card) {}},
		{"liked by the viewer", func(c *card) { c.Tweet.LikedByMe = true }},
		{"one more like", func(c *card) { c.Tweet.LikeCount++ }},
		{"one more reply", func(c *card) { c.Tweet.ReplyCount++ }},
		{"signed out with a reply", func(c *card) { c.Viewer, c.Tweet.ReplyCount = nil, 1 }},
		{"boosted by the viewer", func(c *card) { c.Tweet.BoostedByMe = true }},
		{"one more boost", func(c *card) { c.Tweet.BoostCount++ }},
		{"seen by its author", func(c *card) { c.Viewer = author }},
		{"signed out", func(c *card) { c.Viewer = nil }},
		{"through the shell", func(c *card) { c.Links.Shell = true }},
		{"mounted in the timeline", func(c *card) { c.Links.Mount = "/timeline/tweets" }},
		{"an hour older", func(c *card) { c.Tweet.CreatedAt = c.Tweet.CreatedAt.Add(-time.Hour) }},
		{"author renamed", func(c *card) { c.Tweet.Author.DisplayName = "Ada L." }},
		{"author's new handle", func(c *card) { c.Tweet.Author.Handle = "ada2" }},
		{"author's picture", func(c *card) { c.Tweet.Author.AvatarURL = &picture }},
		{"author's next picture", func(c *card) { c.Tweet.Author.AvatarURL = &nextPicture }},
	}
	seen := map[string]string{}
	for _, ch := range changes {
		c := base
		ch.change(&c)
		want, err := layout.Execute(tmpl, "card", c)
		if err != nil {
			t.Fatal(err)
		}
		for round := range 2 { // the second time from the cache
			got, err := cache.html(c)
			if err != nil {
				t.Fatal(err)
			}
			if got != want {
				t.Fatalf("%s (round %d): the cache answered\n%s\nthe template renders\n%s", ch.name, round, got, want)
			}
		}
		if prev, dup := seen[string(want)]; dup {
			t.Fatalf("%s renders the same card as %s: the change is not one a card shows", ch.name, prev)
		}
		seen[string(want)] = ch.name
	}
	if n := cache.memo.Len(); n != len(changes) {
		t.Fatalf("the cache holds %d cards, want one per variant (%d)", n, len(changes))
	}
}

// A card shows its author's picture in the avatar link when there is one
// (with the initial to fall back on), else the initial.
func TestCardShowsTheAuthorsPicture(t *testing.T) {
	tmpl := parseTemplates()
	url := "/profile/avatars/7/aaaa-96.jpg"
	c := card{
		Links: render.Links{Service: service, Mount: "/" + service, Shell: true},
		Tweet: tweets.Tweet{ID: "1", Author: tweets.Author{ID: "7", Handle: "ada", DisplayName: "ada", AvatarURL: &url}, Media: []tweets.Media{}},
	}
	with, err := layout.Execute(tmpl, "card", c)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(with), `<img src="`+url+`" alt="" loading="lazy" data-initial="A">`) {
		t.Errorf("a card of an author with a picture:\n%s\nwant the picture in the avatar link", with)
	}
	c.Tweet.Author.AvatarURL = nil
	without, err := layout.Execute(tmpl, "card", c)
	if err != nil {
		t.Fatal(err)
	}
	if strings.Contains(string(without), "<img") || !strings.Contains(string(without), `tabindex="-1">A</a>`) {
		t.Errorf("a card of an author without a picture:\n%s\nwant the initial", without)
	}
}
