package server

import (
	"bytes"
	"html/template"

	"murmur/fragments/layout"
	"murmur/fragments/timeline/live"
)

// liveMarkup renders the live socket's messages from the timeline's
// templates, next to the page they change.
type liveMarkup struct{ tmpl *template.Template }

// LiveMarkup returns the HTML messages the live hub sends to pages.
func LiveMarkup() live.Markup {
	return liveMarkup{layout.Parse(templates, "templates/*.html")}
}

func (m liveMarkup) render(name string, data any) []byte {
	var b bytes.Buffer
	// The templates are fixed and their data plain, so execution cannot
	// fail once they parsed.
	_ = m.tmpl.ExecuteTemplate(&b, name, data)
	return b.Bytes()
}

// Arrived trusts the cards: tweets rendered them with html/template.
func (m liveMarkup) Arrived(cards string) []byte {
	return m.render("live-arrived", template.HTML(cards))
}

func (m liveMarkup) Deleted(tweetID string) []byte { return m.render("live-deleted", tweetID) }

func (m liveMarkup) LikeCount(tweetID string, count int) []byte {
	return m.render("live-like-count", struct {
		TweetID string
		Count   int
	}{tweetID, count})
}

func (m liveMarkup) BoostCount(tweetID string, count int) []byte {
	return m.render("live-boost-count", struct {
		TweetID string
		Count   int
	}{tweetID, count})
}

func (m liveMarkup) Resync() []byte { return m.render("live-resync", nil) }

func (m liveMarkup) ReplyCount(tweetID string, count int) []byte {
	return m.render("live-reply-count", struct {
		TweetID string
		Count   int
	}{tweetID, count})
}

func (m liveMarkup) ConversationChanged(c live.ConversationChange) []byte {
	return m.render("live-conversation", c)
}
