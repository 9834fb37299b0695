package server

import (
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
	if n := cache.cards.Len(); n != len(changes) {
		t.Fatalf("the cache holds %d cards, want one per variant (%d)", n, len(changes))
	}
}
