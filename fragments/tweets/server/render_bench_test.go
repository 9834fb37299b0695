package server

import (
	"fmt"
	"html/template"
	"strings"
	"testing"
	"time"

	"murmur/fragments/internal/auth"
	"murmur/fragments/internal/render"
	"murmur/fragments/layout"
	"murmur/fragments/tweets"
)

// BenchmarkRenderCards measures rendering 20 cards of tweets already read
// and filled in, by the template and from the card cache: the part of GET /tweets/frag/cards that is
// neither the store nor the session check (see BenchmarkCardsFragment).
// The tweets mix what cards show: links to turn into anchors, markup to
// escape, images, liked and unliked, the viewer's own (a delete button).
func BenchmarkRenderCards(b *testing.B) {
	tmpl := parseTemplates()
	viewer := &auth.Viewer{ID: "1", Handle: "author0"}
	for _, shell := range []bool{false, true} {
		links := render.Links{Shell: shell, Service: service, Mount: "/" + service}
		cards := make([]card, 20)
		created := time.Now().Add(-3 * time.Hour)
		for i := range cards {
			t := tweets.Tweet{
				ID:        tweets.FormatID(int64(519324558290944001 + i)),
				Author:    tweets.Author{ID: fmt.Sprint(i%5 + 1), Handle: fmt.Sprintf("author%d", i%5), DisplayName: fmt.Sprintf("Author Number %d", i%5)},
				Text:      []string{"Good morning, murmur!", "Reading https://example.org/articles/2026/why-small-services and thinking.", "Quotes \"and\" <angle brackets> & ampersands 👋"}[i%3],
				Media:     []tweets.Media{},
				LikeCount: i * 7,
				LikedByMe: i%3 == 0,
				CreatedAt: created.Add(time.Duration(i) * time.Minute),
			}
			if i%5 == 0 {
				id := tweets.FormatID(int64(619324558290944001 + i))
				t.Media = append(t.Media, tweets.Media{ID: id, URL: tweets.MediaURL(id), ContentType: "image/png", Width: 40, Height: 30, Alt: "a gradient"})
			}
			cards[i] = card{Links: links, Viewer: viewer, Tweet: t}
		}
		// template: every card rendered by html/template (what a card the
		// cache has not seen costs); cached: the same cards again.
		cache := newCardCache(tmpl)
		for _, mode := range []string{"template", "cached"} {
			b.Run(fmt.Sprintf("cards=20/shell=%t/%s", shell, mode), func(b *testing.B) {
				for b.Loop() {
					var out strings.Builder
					for _, c := range cards {
						var h template.HTML
						var err error
						if mode == "cached" {
							h, err = cache.html(c)
						} else {
							h, err = layout.Execute(tmpl, "card", c)
						}
						if err != nil {
							b.Fatal(err)
						}
						out.WriteString(string(h))
					}
					if got := strings.Count(out.String(), `<article class="card tweet"`); got != len(cards) {
						b.Fatalf("rendered %d cards, want %d", got, len(cards))
					}
				}
				b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N)/float64(len(cards)), "ns/card")
			})
		}
	}
}
