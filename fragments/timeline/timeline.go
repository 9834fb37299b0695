// Package timeline is murmur's home feed: which tweets a person sees (their
// own and those of everyone they follow) and in what order. It keeps no
// tweets and no follow graph of its own: it reads both from the services
// that own them (fan-out on read), so a home timeline is always as correct
// as its sources, whatever happened to Redis. Storage-free by design; the
// live package pushes new tweets to open sockets, the server package serves
// fragments, pages and the JSON API.
package timeline

import (
	"context"
	"encoding/json"
	"fmt"
	"time"

	"murmur/fragments/internal/fault"
)

// The orders of a home timeline.
const (
	SortRecent  = "recent"
	SortPopular = "popular"
)

// Page sizes.
const (
	DefaultPageSize = 20
	MaxPageSize     = 100
)

// Caller is the person a timeline is read for, and how to speak for them
// to the other services: their session token is forwarded, so the tweets
// service marks what they liked and the follow service knows who asks.
type Caller struct {
	ViewerID string
	Handle   string
	Token    string
	// Shell is set when the request came through the shell, so the tweet
	// cards' links lead to the shell's pages.
	Shell bool
	// RequestID ties the calls to the request that made them, in the logs.
	RequestID string
}

// Author is who wrote a tweet.
type Author struct {
	ID          string  `json:"id" example:"42"`
	Handle      string  `json:"handle" example:"ada"`
	DisplayName string  `json:"display_name" example:"Ada Lovelace"`
	AvatarURL   *string `json:"avatar_url" example:"/profile/avatars/42/3f9a0c1d2e4b5a6c7d8e-96.jpg" doc:"The author's profile picture (96×96 JPEG, served by profile); null when there is none."`
}

// Media is an image attached to a tweet.
type Media struct {
	ID          string `json:"id"`
	URL         string `json:"url"`
	ContentType string `json:"content_type"`
	Width       int    `json:"width"`
	Height      int    `json:"height"`
	Alt         string `json:"alt"`
}

// Tweet is a tweet in the contract's JSON shape, as the tweets service answers it.
type Tweet struct {
	ID          string    `json:"id" example:"519324558290944001" doc:"Time-ordered: a later tweet has a larger id."`
	Author      Author    `json:"author"`
	Text        string    `json:"text"`
	Media       []Media   `json:"media"`
	InReplyToID *string   `json:"in_reply_to_id" doc:"The tweet this one replies to; null when it replies to none."`
	ReplyCount  int       `json:"reply_count" doc:"How many replies to this tweet exist."`
	LikeCount   int       `json:"like_count"`
	LikedByMe   bool      `json:"liked_by_me"`
	BoostCount  int       `json:"boost_count" doc:"How many people boosted this tweet."`
	BoostedByMe bool      `json:"boosted_by_me"`
	CreatedAt   time.Time `json:"created_at"`
	BoostedBy   *Author   `json:"boosted_by,omitempty" doc:"On an entry that is in the home because someone the reader follows boosted it (the latest of them); absent otherwise."`
	BoostID     string    `json:"boost_id,omitempty" doc:"With boosted_by: the boost's id, time-ordered like tweet ids; the entry's place in the home and what ?since= of the stream takes."`
}

// Place is where t stands in a home's order, and what a live socket's
// catch-up starts from: its boost's id when it is there as a boost, else
// its own id.
func (t Tweet) Place() string {
	if t.BoostID != "" {
		return t.BoostID
	}
	return t.ID
}

// Entry names t as the tweets service's cards take it: its id, or
// "<tweet id>:<boost id>" for an entry there as a boost.
func (t Tweet) Entry() string {
	if t.BoostID != "" {
		return t.ID + ":" + t.BoostID
	}
	return t.ID
}

// Page is one page of a timeline.
type Page struct {
	// Body is the page as the tweets service answered it, the contract's
	// TweetList: {"items": [Tweet, ...], "next": cursor or null}. The JSON
	// API answers it as it is (decoding it and encoding it again was a
	// third of the timeline's CPU); Decode reads it where the tweets
	// themselves are needed.
	Body json.RawMessage
	// Partial is set when whom the caller follows could not be read (the
	// follow service is down): the page holds the caller's own tweets alone.
	Partial bool
}

// Decode reads the page's tweets and the cursor of the next page ("" at
// the end).
func (p Page) Decode() ([]Tweet, string, error) {
	var list struct {
		Items []Tweet `json:"items"`
		Next  *string `json:"next"`
	}
	if err := json.Unmarshal(p.Body, &list); err != nil {
		return nil, "", fmt.Errorf("decode feed: %w", err)
	}
	if list.Items == nil {
		list.Items = []Tweet{}
	}
	next := ""
	if list.Next != nil {
		next = *list.Next
	}
	return list.Items, next, nil
}

// FeedQuery asks the tweets service for a page of some authors' tweets.
type FeedQuery struct {
	Authors []string
	// Hidden are the people whose tweets and boosts stay out of the home
	// even when someone of Authors boosts them (muted, blocked, blocking).
	Hidden []string
	Sort   string
	Cursor string
	// After keeps only tweets newer than this id (recent only).
	After string
	Limit int
}

// CardPage is one page of a timeline as the tweets service's cards.
type CardPage struct {
	// Cards are the page's cards (HTML the tweets service rendered), in order.
	Cards string
	// Count is how many cards there are.
	Count int
	// Next is the cursor of the next page ("" at the end).
	Next string
	// Newest is the newest tweet id of the feed in the recent order ("0"
	// when there is none), on a first page only: where the live socket
	// starts.
	Newest string
	// Partial is set when the page holds the caller's own tweets alone, as
	// in Page.
	Partial bool
}

// Tweets is the tweets service as the timeline uses it.
type Tweets interface {
	// Feed reads a page of the tweets of a set of authors.
	Feed(ctx context.Context, c Caller, q FeedQuery) (Page, error)
	// FeedCards reads a page of the tweets of a set of authors as the
	// caller's cards, in one call.
	FeedCards(ctx context.Context, c Caller, q FeedQuery) (CardPage, error)
	// Cards renders tweets as the tweets service's cards (HTML), in the
	// order of ids, as the caller sees them.
	Cards(ctx context.Context, c Caller, ids []string) (string, error)
}

// Graph is the follow service as the timeline uses it.
type Graph interface {
	// Following lists the ids of everyone the caller follows and has not
	// muted, and the caller's hidden set.
	Following(ctx context.Context, c Caller) (Followees, error)
}

// Followees are whom the caller follows, as far as their home goes: IDs,
// less whom they muted, and Hidden, everyone whose tweets and boosts stay
// out of their home (whom they muted or blocked, who blocked them).
type Followees struct {
	IDs, Hidden []string
}

// Homes reads home timelines.
type Homes struct {
	tweets Tweets
	graph  Graph
}

// NewHomes returns home timelines read from the tweets and follow services.
func NewHomes(tweets Tweets, graph Graph) *Homes { return &Homes{tweets: tweets, graph: graph} }

// ValidSort reports whether s names an order ("" is recent).
func ValidSort(s string) bool { return s == "" || s == SortRecent || s == SortPopular }

// Authors is whose tweets make up the caller's home: the people they
// follow and themself. It asks the follow service every time (one indexed
// query, ids only), so an unfollow shows on the very next read; nothing
// here depends on an event having arrived. It fails when follow does: the
// live side (Newer, Newest) needs the whole home, while a page a person
// reads settles for a partial one (see homeAuthors).
//
// hidden is the caller's hidden set (see Followees), which the feed query
// carries so that boosts of those people's tweets stay out too.
func (h *Homes) Authors(ctx context.Context, c Caller) (authors, hidden []string, err error) {
	f, err := h.graph.Following(ctx, c)
	if err != nil {
		return nil, nil, err
	}
	return append(f.IDs, c.ViewerID), f.Hidden, nil
}

// Home returns a page of the caller's home timeline in the given order.
// When the follow service is down the page is partial (see homeAuthors).
func (h *Homes) Home(ctx context.Context, c Caller, sort, cursor string, limit int) (Page, error) {
	q, partial, err := h.query(ctx, c, sort, cursor, limit)
	if err != nil {
		return Page{}, err
	}
	p, err := h.tweets.Feed(ctx, c, q)
	if err != nil {
		return Page{}, err
	}
	p.Partial = partial
	return p, nil
}

// HomeCards returns a page of the caller's home timeline as the tweets
// service's cards, partial as Home's when the follow service is down.
func (h *Homes) HomeCards(ctx context.Context, c Caller, sort, cursor string, limit int) (CardPage, error) {
	q, partial, err := h.query(ctx, c, sort, cursor, limit)
	if err != nil {
		return CardPage{}, err
	}
	p, err := h.tweets.FeedCards(ctx, c, q)
	if err != nil {
		return CardPage{}, err
	}
	p.Partial = partial
	return p, nil
}

// homeAuthors is whose tweets a page of the caller's home shows. When the
// follow service cannot be reached, the caller's own tweets still can be:
// the home degrades to them alone (partial) instead of failing whole, and
// says so. Any other failure of follow fails the read.
func (h *Homes) homeAuthors(ctx context.Context, c Caller) (authors, hidden []string, partial bool, err error) {
	authors, hidden, err = h.Authors(ctx, c)
	if fault.Is(err, fault.Unavailable) && ctx.Err() == nil {
		return []string{c.ViewerID}, nil, true, nil
	}
	return authors, hidden, false, err
}

// query is the feed query of a page of the caller's home, and whether it
// is partial (see homeAuthors).
func (h *Homes) query(ctx context.Context, c Caller, sort, cursor string, limit int) (FeedQuery, bool, error) {
	if !ValidSort(sort) {
		return FeedQuery{}, false, fault.New(fault.Invalid, "sort must be %q or %q.", SortRecent, SortPopular)
	}
	if sort == "" {
		sort = SortRecent
	}
	if limit <= 0 {
		limit = DefaultPageSize
	}
	authors, hidden, partial, err := h.homeAuthors(ctx, c)
	if err != nil {
		return FeedQuery{}, false, err
	}
	return FeedQuery{Authors: authors, Hidden: hidden, Sort: sort, Cursor: cursor, Limit: min(limit, MaxPageSize)}, partial, nil
}

// Newer returns up to limit entries of the caller's home placed after
// after ("0" for any; a tweet's id or a boost's), newest first: what a
// socket that was away missed.
func (h *Homes) Newer(ctx context.Context, c Caller, after string, limit int) ([]Tweet, error) {
	authors, hidden, err := h.Authors(ctx, c)
	if err != nil {
		return nil, err
	}
	q := FeedQuery{Authors: authors, Hidden: hidden, Sort: SortRecent, Limit: min(max(limit, 1), MaxPageSize)}
	if after != "0" {
		q.After = after
	}
	p, err := h.tweets.Feed(ctx, c, q)
	if err != nil {
		return nil, err
	}
	ts, _, err := p.Decode()
	return ts, err
}

// Newest is the place of the newest entry in the caller's home (a tweet's
// id, or a boost's), "0" when it is empty. Like Newer it never settles for a partial home: a live socket
// starts only from the whole of it.
func (h *Homes) Newest(ctx context.Context, c Caller) (string, error) {
	authors, hidden, err := h.Authors(ctx, c)
	if err != nil {
		return "0", err
	}
	p, err := h.tweets.Feed(ctx, c, FeedQuery{Authors: authors, Hidden: hidden, Sort: SortRecent, Limit: 1})
	if err != nil {
		return "0", err
	}
	ts, _, err := p.Decode()
	if err != nil || len(ts) == 0 {
		return "0", err
	}
	return ts[0].Place(), nil
}

// Cards renders tweets as the tweets service's cards, for the caller.
func (h *Homes) Cards(ctx context.Context, c Caller, ids []string) (string, error) {
	return h.tweets.Cards(ctx, c, ids)
}
