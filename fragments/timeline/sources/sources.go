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
	"strconv"
	"strings"
	"time"

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

// do sends a request for the caller: their token as a bearer token, the
// shell header when they came through the shell (the cards' links depend on
// it), and the request id.
func (cl client) do(ctx context.Context, c timeline.Caller, method, path string, body any, accept string) ([]byte, error) {
	data, _, err := cl.doHeaders(ctx, c, method, path, body, accept)
	return data, err
}

// doHeaders is do that also answers the response's headers.
func (cl client) doHeaders(ctx context.Context, c timeline.Caller, method, path string, body any, accept string) ([]byte, http.Header, error) {
	var r io.Reader
	if body != nil {
		data, err := json.Marshal(body)
		if err != nil {
			return nil, nil, err
		}
		r = bytes.NewReader(data)
	}
	req, err := http.NewRequestWithContext(ctx, method, cl.base+path, r)
	if err != nil {
		return nil, nil, err
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
	resp, err := cl.http.Do(req)
	if err != nil {
		return nil, nil, fault.Wrap(fault.Unavailable, fmt.Errorf("%s %s: %w", method, path, err), unavailable)
	}
	defer resp.Body.Close()
	data, err := io.ReadAll(io.LimitReader(resp.Body, 8<<20))
	if err != nil {
		return nil, nil, err
	}
	switch {
	case resp.StatusCode == http.StatusUnauthorized:
		return nil, nil, fault.New(fault.Unauthorized, "Your session has ended. Sign in again.")
	case resp.StatusCode == http.StatusUnprocessableEntity:
		var p struct {
			Detail string `json:"detail"`
		}
		json.Unmarshal(data, &p)
		return nil, nil, fault.New(fault.Invalid, "%s", p.Detail)
	case resp.StatusCode >= 500:
		return nil, nil, fault.Wrap(fault.Unavailable, fmt.Errorf("%s %s: %s", method, path, resp.Status), unavailable)
	case resp.StatusCode != http.StatusOK:
		return nil, nil, fmt.Errorf("%s %s: %s", method, path, resp.Status)
	}
	return data, resp.Header, nil
}

// Tweets is the tweets service.
type Tweets struct{ client }

// NewTweets returns a client of the tweets service at base (http://host:port).
func NewTweets(base string) *Tweets { return &Tweets{newClient(base)} }

// Feed asks the tweets service for a page of some authors' tweets.
func (t *Tweets) Feed(ctx context.Context, c timeline.Caller, q timeline.FeedQuery) (timeline.Page, error) {
	body := map[string]any{"authors": q.Authors, "sort": q.Sort, "limit": q.Limit}
	if q.Cursor != "" {
		body["cursor"] = q.Cursor
	}
	if q.After != "" {
		body["after"] = q.After
	}
	data, err := t.do(ctx, c, http.MethodPost, "/tweets/api/feed", body, "application/json")
	if err != nil {
		return timeline.Page{}, err
	}
	var list struct {
		Items []timeline.Tweet `json:"items"`
		Next  *string          `json:"next"`
	}
	if err := json.Unmarshal(data, &list); err != nil {
		return timeline.Page{}, fmt.Errorf("decode feed: %w", err)
	}
	p := timeline.Page{Tweets: list.Items}
	if p.Tweets == nil {
		p.Tweets = []timeline.Tweet{}
	}
	if list.Next != nil {
		p.Next = *list.Next
	}
	return p, nil
}

// FeedCards asks the tweets service for a page of some authors' tweets as
// the caller's cards, in one call (POST /tweets/frag/feed).
func (t *Tweets) FeedCards(ctx context.Context, c timeline.Caller, q timeline.FeedQuery) (timeline.CardPage, error) {
	body := map[string]any{"authors": q.Authors, "sort": q.Sort, "limit": q.Limit}
	if q.Cursor != "" {
		body["cursor"] = q.Cursor
	}
	data, h, err := t.doHeaders(ctx, c, http.MethodPost, "/tweets/frag/feed", body, "text/html")
	if err != nil {
		return timeline.CardPage{}, err
	}
	p := timeline.CardPage{Cards: string(data), Next: h.Get(render.FeedNextHeader), Newest: h.Get(render.FeedNewestHeader)}
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
type Follow struct{ client }

// NewFollow returns a client of the follow service at base.
func NewFollow(base string) *Follow { return &Follow{newClient(base)} }

// Following lists the ids of everyone the caller follows, a thousand per request.
func (f *Follow) Following(ctx context.Context, c timeline.Caller) ([]string, error) {
	ids := []string{}
	cursor := ""
	for range 100 {
		path := "/follow/api/users/" + url.PathEscape(c.ViewerID) + "/following/ids?limit=1000"
		if cursor != "" {
			path += "&cursor=" + url.QueryEscape(cursor)
		}
		data, err := f.do(ctx, c, http.MethodGet, path, nil, "application/json")
		if err != nil {
			return nil, err
		}
		var list struct {
			Items []string `json:"items"`
			Next  *string  `json:"next"`
		}
		if err := json.Unmarshal(data, &list); err != nil {
			return nil, fmt.Errorf("decode following: %w", err)
		}
		ids = append(ids, list.Items...)
		if list.Next == nil {
			return ids, nil
		}
		cursor = *list.Next
	}
	return ids, nil
}
