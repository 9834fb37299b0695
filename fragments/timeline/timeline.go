// Package timeline is murmur's home feed: which tweets a person sees (their
// own and those of everyone they follow) and in what order. It keeps no
// tweets and no follow graph of its own: it reads both from the services
// that own them (fan-out on read), so a home timeline is always as correct
// as its sources, whatever happened to Redis. Storage-free by design; the
// live package pushes new tweets to open sockets, the server package serves
// fragments, pages and the JSON API.
package timeline

import (
	"cmp"
	"context"
	"slices"
	"strconv"
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
	ID          string `json:"id" example:"42"`
	Handle      string `json:"handle" example:"ada"`
	DisplayName string `json:"display_name" example:"Ada Lovelace"`
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
	ID        string    `json:"id" example:"519324558290944001" doc:"Time-ordered: a later tweet has a larger id."`
	Author    Author    `json:"author"`
	Text      string    `json:"text"`
	Media     []Media   `json:"media"`
	LikeCount int       `json:"like_count"`
	LikedByMe bool      `json:"liked_by_me"`
	CreatedAt time.Time `json:"created_at"`
}

// Page is one page of a timeline and the cursor of the next ("" at the end).
type Page struct {
	Tweets []Tweet
	Next   string
}

// FeedQuery asks the tweets service for a page of some authors' tweets.
type FeedQuery struct {
	Authors []string
	Sort    string
	Cursor  string
	// After keeps only tweets newer than this id (recent only).
	After string
	Limit int
}

// Tweets is the tweets service as the timeline uses it.
type Tweets interface {
	// Feed reads a page of the tweets of a set of authors.
	Feed(ctx context.Context, c Caller, q FeedQuery) (Page, error)
	// Cards renders tweets as the tweets service's cards (HTML), in the
	// order of ids, as the caller sees them.
	Cards(ctx context.Context, c Caller, ids []string) (string, error)
}

// Graph is the follow service as the timeline uses it.
type Graph interface {
	// Following lists the ids of everyone the caller follows.
	Following(ctx context.Context, c Caller) ([]string, error)
}

// Homes reads home timelines.
type Homes struct {
	tweets Tweets
	graph  Graph
	// group is how many authors one feed query names (see feed).
	group int
}

// Option adjusts Homes.
type Option func(*Homes)

// FeedGroup sets how many authors one feed query to tweets names; tweets
// accepts at most MaxFeedAuthors.
func FeedGroup(n int) Option { return func(h *Homes) { h.group = max(1, min(n, MaxFeedAuthors)) } }

// NewHomes returns home timelines read from the tweets and follow services.
func NewHomes(tweets Tweets, graph Graph, opts ...Option) *Homes {
	h := &Homes{tweets: tweets, graph: graph, group: MaxFeedAuthors}
	for _, o := range opts {
		o(h)
	}
	return h
}

// ValidSort reports whether s names an order ("" is recent).
func ValidSort(s string) bool { return s == "" || s == SortRecent || s == SortPopular }

// Authors is whose tweets make up the caller's home: the people they
// follow and themself. It asks the follow service every time (one indexed
// query, ids only), so an unfollow shows on the very next read; nothing
// here depends on an event having arrived.
func (h *Homes) Authors(ctx context.Context, c Caller) ([]string, error) {
	ids, err := h.graph.Following(ctx, c)
	if err != nil {
		return nil, err
	}
	return append(ids, c.ViewerID), nil
}

// Home returns a page of the caller's home timeline in the given order.
func (h *Homes) Home(ctx context.Context, c Caller, sort, cursor string, limit int) (Page, error) {
	if !ValidSort(sort) {
		return Page{}, fault.New(fault.Invalid, "sort must be %q or %q.", SortRecent, SortPopular)
	}
	if sort == "" {
		sort = SortRecent
	}
	if limit <= 0 {
		limit = DefaultPageSize
	}
	authors, err := h.Authors(ctx, c)
	if err != nil {
		return Page{}, err
	}
	return h.feed(ctx, c, FeedQuery{Authors: authors, Sort: sort, Cursor: cursor, Limit: min(limit, MaxPageSize)})
}

// MaxFeedAuthors is how many authors one feed query to tweets may name.
const MaxFeedAuthors = 5000

// feed reads a page of the authors' tweets. Someone following more people
// than one query may name gets a query per group of authors, merged: every
// group answers its best limit tweets below the same cursor, and the best
// limit of those are the page (cursors are positions in the order, so the
// next page continues every group from the same place).
func (h *Homes) feed(ctx context.Context, c Caller, q FeedQuery) (Page, error) {
	if len(q.Authors) <= h.group {
		return h.tweets.Feed(ctx, c, q)
	}
	var all []Tweet
	more := false
	for group := range slices.Chunk(q.Authors, h.group) {
		gq := q
		gq.Authors = group
		p, err := h.tweets.Feed(ctx, c, gq)
		if err != nil {
			return Page{}, err
		}
		all = append(all, p.Tweets...)
		more = more || p.Next != ""
	}
	popular := q.Sort == SortPopular
	slices.SortFunc(all, func(a, b Tweet) int {
		if popular && a.LikeCount != b.LikeCount {
			return cmp.Compare(b.LikeCount, a.LikeCount)
		}
		return cmp.Compare(idNumber(b.ID), idNumber(a.ID))
	})
	page := Page{Tweets: all}
	if len(all) > q.Limit {
		page.Tweets, more = all[:q.Limit], true
	}
	if more && len(page.Tweets) > 0 {
		last := page.Tweets[len(page.Tweets)-1]
		// The tweets service's cursors: the id, or likes_id when popular.
		page.Next = last.ID
		if popular {
			page.Next = strconv.Itoa(last.LikeCount) + "_" + last.ID
		}
	}
	return page, nil
}

func idNumber(id string) int64 {
	n, _ := strconv.ParseInt(id, 10, 64)
	return n
}

// Newer returns up to limit tweets of the caller's home newer than the
// tweet id after ("0" for any), newest first: what a socket that was away
// missed.
func (h *Homes) Newer(ctx context.Context, c Caller, after string, limit int) ([]Tweet, error) {
	authors, err := h.Authors(ctx, c)
	if err != nil {
		return nil, err
	}
	q := FeedQuery{Authors: authors, Sort: SortRecent, Limit: min(max(limit, 1), MaxPageSize)}
	if after != "0" {
		q.After = after
	}
	p, err := h.feed(ctx, c, q)
	return p.Tweets, err
}

// Newest is the id of the newest tweet in the caller's home, "0" when it is empty.
func (h *Homes) Newest(ctx context.Context, c Caller) (string, error) {
	p, err := h.Home(ctx, c, SortRecent, "", 1)
	if err != nil || len(p.Tweets) == 0 {
		return "0", err
	}
	return p.Tweets[0].ID, nil
}

// Following lists whom the caller follows.
func (h *Homes) Following(ctx context.Context, c Caller) ([]string, error) {
	return h.graph.Following(ctx, c)
}

// Cards renders tweets as the tweets service's cards, for the caller.
func (h *Homes) Cards(ctx context.Context, c Caller, ids []string) (string, error) {
	return h.tweets.Cards(ctx, c, ids)
}
