// Package sources reaches the services the timeline reads from — tweets
// (the feed query and the tweet cards) and follow (whom a person follows) —
// over their HTTP APIs, speaking for the viewer with their session token.
package sources

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"

	lru "github.com/hashicorp/golang-lru/v2"

	"murmur/fragments/internal/authorset"
	"murmur/fragments/internal/fault"
	"murmur/fragments/internal/peer"
	"murmur/fragments/internal/render"
	"murmur/fragments/internal/telemetry"
	"murmur/fragments/timeline"
)

// client is what both sources share: a base URL and an HTTP client with a
// timeout short enough for a page to wait on.
type client struct {
	base string
	http *http.Client
}

func newClient(base string) client {
	return client{base: strings.TrimRight(base, "/"), http: peer.Client(3 * time.Second)}
}

// unavailable is what a reader is told when tweets or follow do not answer.
const unavailable = "Your timeline can’t be loaded right now. Try again in a moment."

// do sends a request for the caller (see send) and returns the body of
// its 200 answer.
func (cl client) do(ctx context.Context, c timeline.Caller, method, path string, body any, accept string) ([]byte, error) {
	a, err := cl.send(ctx, c, method, path, body, accept, "")
	return a.body, err
}

// answer is a service's answer that is not an error: 200, or 304 to a
// request that sent If-None-Match.
type answer struct {
	status int
	etag   string
	header http.Header
	body   []byte
}

// send sends a request for the caller: their token as a bearer token, the
// shell header when they came through the shell (the cards' links depend on
// it), the request id, and ifNoneMatch when not "".
func (cl client) send(ctx context.Context, c timeline.Caller, method, path string, body any, accept, ifNoneMatch string) (answer, error) {
	var r io.Reader
	if body != nil {
		data, err := json.Marshal(body)
		if err != nil {
			return answer{}, err
		}
		r = bytes.NewReader(data)
	}
	req, err := http.NewRequestWithContext(ctx, method, cl.base+path, r)
	if err != nil {
		return answer{}, err
	}
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	req.Header.Set("Accept", accept)
	if c.Token != "" {
		req.Header.Set("Authorization", "Bearer "+c.Token)
	}
	if c.Shell {
		req.Header.Set(render.ShellHeader, "1")
	} else {
		// The timeline opened on its own forwards tweets under its prefix.
		req.Header.Set(render.MountHeader, "/timeline/tweets")
	}
	if c.RequestID != "" {
		req.Header.Set(telemetry.RequestIDHeader, c.RequestID)
	}
	if ifNoneMatch != "" {
		req.Header.Set("If-None-Match", ifNoneMatch)
	}
	resp, err := cl.http.Do(req)
	if err != nil {
		return answer{}, fault.Wrap(fault.Unavailable, fmt.Errorf("%s %s: %w", method, path, err), unavailable)
	}
	defer resp.Body.Close()
	data, err := readBody(resp)
	if err != nil {
		return answer{}, err
	}
	switch {
	case resp.StatusCode == http.StatusUnauthorized:
		return answer{}, fault.New(fault.Unauthorized, "Your session has ended. Sign in again.")
	case resp.StatusCode == http.StatusUnprocessableEntity:
		var p struct {
			Detail string `json:"detail"`
		}
		json.Unmarshal(data, &p)
		return answer{}, fault.New(fault.Invalid, "%s", p.Detail)
	case resp.StatusCode == http.StatusPreconditionFailed:
		return answer{}, fault.New(fault.Precondition, "%s %s: %s", method, path, resp.Status)
	case resp.StatusCode >= 500:
		return answer{}, fault.Wrap(fault.Unavailable, fmt.Errorf("%s %s: %s", method, path, resp.Status), unavailable)
	case resp.StatusCode == http.StatusNotModified && ifNoneMatch != "":
	case resp.StatusCode != http.StatusOK:
		return answer{}, fmt.Errorf("%s %s: %s", method, path, resp.Status)
	}
	return answer{status: resp.StatusCode, etag: resp.Header.Get("ETag"), header: resp.Header, body: data}, nil
}

// maxBody is the most of an answer read.
const maxBody = 8 << 20

// readBody reads an answer's body (at most maxBody) into one buffer of the
// size the answer gave, where it gave one: a page of cards is some 30 KB,
// and growing a buffer to it step by step made garbage on every read.
func readBody(resp *http.Response) ([]byte, error) {
	n := resp.ContentLength
	if n < 0 || n > maxBody {
		return io.ReadAll(io.LimitReader(resp.Body, maxBody))
	}
	data := make([]byte, n)
	if _, err := io.ReadFull(resp.Body, data); err != nil {
		return nil, err
	}
	return data, nil
}

// Tweets is the tweets service.
type Tweets struct{ client }

// NewTweets returns a client of the tweets service at base (http://host:port).
func NewTweets(base string) *Tweets { return &Tweets{newClient(base)} }

// Feed asks the tweets service for a page of some authors' tweets.
func (t *Tweets) Feed(ctx context.Context, c timeline.Caller, q timeline.FeedQuery) (timeline.Page, error) {
	body := map[string]any{"sort": q.Sort, "limit": q.Limit}
	if len(q.Hidden) > 0 {
		body["hidden"] = q.Hidden
	}
	if q.Cursor != "" {
		body["cursor"] = q.Cursor
	}
	if q.After != "" {
		body["after"] = q.After
	}
	a, err := t.feed(ctx, c, "/tweets/api/feed", body, q.Authors, "application/json")
	if err != nil {
		return timeline.Page{}, err
	}
	// The page stays as tweets wrote it (see timeline.Page); it must be JSON.
	if !json.Valid(a.body) {
		return timeline.Page{}, fmt.Errorf("decode feed: the answer is not JSON")
	}
	return timeline.Page{Body: a.body}, nil
}

// feed posts a feed query naming its authors by their list's name alone
// (authorset.Name): tweets remembers the lists it was sent, so a home
// read again costs neither side the thousands of ids. When tweets does
// not know the name (412: it restarted, or forgot the list, or never saw
// it), the query goes again with the ids.
func (t *Tweets) feed(ctx context.Context, c timeline.Caller, path string, body map[string]any, authors []string, accept string) (answer, error) {
	key := authorset.Name(authors)
	if key == "" {
		body["authors"] = authors // the service will say what is wrong with them
		return t.send(ctx, c, http.MethodPost, path, body, accept, "")
	}
	body["authors_key"] = key
	a, err := t.send(ctx, c, http.MethodPost, path, body, accept, "")
	if !fault.Is(err, fault.Precondition) {
		return a, err
	}
	body["authors"] = authors
	return t.send(ctx, c, http.MethodPost, path, body, accept, "")
}

// FeedCards asks the tweets service for a page of some authors' tweets as
// the caller's cards, in one call (POST /tweets/frag/feed).
func (t *Tweets) FeedCards(ctx context.Context, c timeline.Caller, q timeline.FeedQuery) (timeline.CardPage, error) {
	body := map[string]any{"sort": q.Sort, "limit": q.Limit}
	if len(q.Hidden) > 0 {
		body["hidden"] = q.Hidden
	}
	if q.Cursor != "" {
		body["cursor"] = q.Cursor
	}
	a, err := t.feed(ctx, c, "/tweets/frag/feed", body, q.Authors, "text/html")
	if err != nil {
		return timeline.CardPage{}, err
	}
	h := a.header
	p := timeline.CardPage{Cards: string(a.body), Next: h.Get(render.FeedNextHeader), Newest: h.Get(render.FeedNewestHeader)}
	if p.Count, err = strconv.Atoi(h.Get(render.FeedCountHeader)); err != nil {
		return timeline.CardPage{}, fmt.Errorf("POST /tweets/frag/feed: no card count: %w", err)
	}
	if q.Cursor == "" && p.Newest == "" {
		return timeline.CardPage{}, fmt.Errorf("POST /tweets/frag/feed: no newest tweet on a first page")
	}
	return p, nil
}

// Cards fetches the tweets service's cards of the given tweets, in order,
// as the caller sees them (liked state, delete button, links).
func (t *Tweets) Cards(ctx context.Context, c timeline.Caller, ids []string) (string, error) {
	if len(ids) == 0 {
		return "", nil
	}
	data, err := t.do(ctx, c, http.MethodGet, "/tweets/frag/cards?ids="+url.QueryEscape(strings.Join(ids, ",")), nil, "text/html")
	return string(data), err
}

// Follow is the follow service.
type Follow struct {
	client
	// pages keeps the pages of followee ids read last, with their ETags.
	pages *lru.Cache[followingPageKey, followingPage]
}

// followingPages is how many pages of followee ids a Follow keeps, the
// least recently read going first: one a reader for all but those following
// over five thousand. A page of a thousand ids takes some 40 KB, so the
// bound is some 40 MB while most pages are under a thousand (most people
// follow a few dozen), 200 MB at worst.
const followingPages = 1024

// followPage is how many ids one request for followee ids asks for: follow's
// largest page, so a home of up to five thousand followees is one request.
const followPage = 5000

// followingPageKey names a page of someone's followee ids.
type followingPageKey struct{ userID, cursor string }

// followingPage is a page of followee ids as follow last answered it.
type followingPage struct {
	etag   string
	ids    []string
	hidden []string
	next   string
}

// NewFollow returns a client of the follow service at base.
func NewFollow(base string) *Follow {
	pages, err := lru.New[followingPageKey, followingPage](followingPages)
	if err != nil {
		panic(err) // only for a size below 1
	}
	return &Follow{client: newClient(base), pages: pages}
}

// Following lists the ids of everyone the caller follows, five thousand per
// request. It asks follow every time, so an unfollow shows on the very next
// read, but sends the ETag of the page it read last: while the list is
// unchanged follow answers 304 without a body, and the ids kept from before
// are used without decoding anything. Each timeline instance keeps its own
// pages; none is used without follow saying it is current, so instances
// cannot disagree, and when follow is down the read fails as without them.
//
// The hidden set comes with every page, the same on each: the first page's
// is kept.
func (f *Follow) Following(ctx context.Context, c timeline.Caller) (timeline.Followees, error) {
	ids := []string{}
	var hidden []string
	cursor := ""
	for range 100 {
		path := "/follow/api/users/" + url.PathEscape(c.ViewerID) + "/following/ids?limit=" + strconv.Itoa(followPage)
		if cursor != "" {
			path += "&cursor=" + url.QueryEscape(cursor)
		}
		key := followingPageKey{userID: c.ViewerID, cursor: cursor}
		page, held := f.pages.Get(key)
		a, err := f.send(ctx, c, http.MethodGet, path, nil, "application/json", page.etag)
		if err != nil {
			return timeline.Followees{}, err
		}
		if a.status != http.StatusNotModified {
			if page, err = decodeFollowing(a); err != nil {
				return timeline.Followees{}, err
			}
			if page.etag != "" {
				f.pages.Add(key, page)
			} else if held {
				f.pages.Remove(key)
			}
		}
		// Appended, never handed out: callers get a slice of their own.
		ids = append(ids, page.ids...)
		if hidden == nil {
			hidden = slices.Clone(page.hidden)
		}
		if page.next == "" {
			return timeline.Followees{IDs: ids, Hidden: hidden}, nil
		}
		cursor = page.next
	}
	return timeline.Followees{IDs: ids, Hidden: hidden}, nil
}

// decodeFollowing reads a page of followee ids from follow's 200 answer.
func decodeFollowing(a answer) (followingPage, error) {
	var list struct {
		Items  []string `json:"items"`
		Hidden []string `json:"hidden"`
		Next   *string  `json:"next"`
	}
	if err := json.Unmarshal(a.body, &list); err != nil {
		return followingPage{}, fmt.Errorf("decode following: %w", err)
	}
	p := followingPage{etag: a.etag, ids: list.Items, hidden: list.Hidden}
	if list.Next != nil {
		p.next = *list.Next
	}
	return p, nil
}
