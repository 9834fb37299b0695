package server

import (
	"html/template"

	"murmur/fragments/internal/render"
	"murmur/fragments/layout"
	"murmur/fragments/tweets"
)

// cardCacheSize bounds the rendered cards kept: about 1.5 KB each, so the
// cache holds at most a few tens of megabytes.
const cardCacheSize = 20_000

// cardKey is everything a rendered card depends on besides what never
// changes once a tweet is posted (its text, images and time, and which of
// its mentions named an account, Tweet.Mentioned, decided then and kept
// with it; its hashtags come from the text): a card found
// under its key is the card the template would render now. Nothing has to
// be invalidated: a like, a reply, a renamed author or a minute passing gives a new
// key, a deleted tweet is never asked for, and stale entries age out.
type cardKey struct {
	ID       string
	Likes    int
	Replies  int
	Liked    bool
	Boosts   int
	Boosted  bool
	Mine     bool
	SignedIn bool
	Links    render.Links
	Ago      string
	Name     string
	Handle   string
	Avatar   string
}

func keyOf(c card) cardKey {
	return cardKey{
		ID: c.Tweet.ID, Likes: c.Tweet.LikeCount, Replies: c.Tweet.ReplyCount, Liked: c.Tweet.LikedByMe,
		Boosts: c.Tweet.BoostCount, Boosted: c.Tweet.BoostedByMe, Mine: c.Mine(),
		SignedIn: c.Viewer != nil, Links: c.Links, Ago: layout.Ago(c.Tweet.CreatedAt),
		Name: c.Tweet.Author.DisplayName, Handle: c.Tweet.Author.Handle, Avatar: avatarOf(c.Tweet.Author),
	}
}

// avatarOf is the author's picture URL, "" for none.
func avatarOf(a tweets.Author) string {
	if a.AvatarURL == nil {
		return ""
	}
	return *a.AvatarURL
}

// cardCache remembers rendered tweet cards: html/template costs about
// 30 µs a card, the largest part of every page of tweets.
type cardCache struct{ memo *render.Memo[cardKey] }

func newCardCache(tmpl *template.Template) *cardCache {
	return &cardCache{memo: render.NewMemo[cardKey](tmpl, "card", cardCacheSize)}
}

// html is c's card, rendered once per key.
func (cc *cardCache) html(c card) (template.HTML, error) { return cc.memo.HTML(keyOf(c), c) }
