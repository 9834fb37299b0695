package live

import (
	"context"
	"encoding/json"
	"fmt"
	"html/template"
	"log/slog"
	"slices"
	"strconv"
	"sync"
	"sync/atomic"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"murmur/fragments/internal/events"
	"murmur/fragments/timeline"
)

// Source is what the hub reads from the other services; timeline.Homes is one.
type Source interface {
	Following(ctx context.Context, c timeline.Caller) ([]string, error)
	Newer(ctx context.Context, c timeline.Caller, after string, limit int) ([]timeline.Tweet, error)
	Newest(ctx context.Context, c timeline.Caller) (string, error)
	Cards(ctx context.Context, c timeline.Caller, ids []string) (string, error)
}

// CatchUpLimit is how many missed tweets a reconnecting socket is sent.
// When it missed more, it is also told to read its home afresh (resync):
// the catch-up carries only the newest of them.
const CatchUpLimit = 50

// renderTimeout bounds the wait for the tweets service to render a card:
// events are handled one at a time, in order, so a slow render delays the
// next event but never by more than this.
const renderTimeout = 2 * time.Second

// audience is one viewer with open sockets on this instance, and whom they follow.
type audience struct {
	viewer    string
	following map[string]bool // nil until loaded
	sockets   map[*Socket]struct{}
	loading   bool
	// stale is set by a follow event that arrived while the set was loading.
	stale bool
}

// Hub routes tweet events to the sockets of this instance.
type Hub struct {
	// resyncing is set while a resync started by an overflowing inbox runs.
	resyncing atomic.Bool
	src       Source
	logger    *slog.Logger

	mu        sync.Mutex
	audiences map[string]*audience
	// followers indexes the audiences by whom they follow: an event by an
	// author finds its recipients without looking at anyone else.
	followers map[string]map[*audience]struct{}

	sockets   *prometheus.GaugeVec
	delivered *prometheus.CounterVec
	dropped   prometheus.Counter
	busUp     prometheus.Gauge
}

// NewHub returns a hub reading from src; its metrics go to reg (may be nil).
func NewHub(src Source, logger *slog.Logger, reg prometheus.Registerer) *Hub {
	h := &Hub{
		src: src, logger: logger,
		audiences: map[string]*audience{}, followers: map[string]map[*audience]struct{}{},
		sockets: prometheus.NewGaugeVec(prometheus.GaugeOpts{
			Name: "murmur_timeline_sockets", Help: "Open live timeline sockets on this instance, by format.",
		}, []string{"format"}),
		delivered: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "murmur_timeline_messages_total", Help: "Messages queued to live sockets, by event.",
		}, []string{"event"}),
		dropped: prometheus.NewCounter(prometheus.CounterOpts{
			Name: "murmur_timeline_slow_sockets_dropped_total", Help: "Sockets closed because their queue was full.",
		}),
		busUp: prometheus.NewGauge(prometheus.GaugeOpts{
			Name: "murmur_timeline_bus_subscribed", Help: "1 while the Redis subscription is live.",
		}),
	}
	if reg != nil {
		reg.MustRegister(h.sockets, h.delivered, h.dropped, h.busUp)
	}
	return h
}

func formatLabel(f Format) string {
	if f == JSON {
		return "json"
	}
	return "html"
}

// Join adds a socket: it loads whom its viewer follows (unless another
// socket of theirs already did), then sends what the client missed since
// the id it gave, or notes the home's newest tweet when it gave none.
func (h *Hub) Join(ctx context.Context, s *Socket) error {
	h.mu.Lock()
	a := h.audiences[s.Caller.ViewerID]
	if a == nil {
		a = &audience{viewer: s.Caller.ViewerID, sockets: map[*Socket]struct{}{}}
		h.audiences[a.viewer] = a
	}
	a.sockets[s] = struct{}{}
	load := a.following == nil && !a.loading
	if load {
		a.loading = true
	}
	h.mu.Unlock()
	h.sockets.WithLabelValues(formatLabel(s.Format)).Inc()
	if load {
		if err := h.load(ctx, a, s.Caller); err != nil {
			h.Leave(s)
			return err
		}
	}
	if err := h.catchUp(ctx, s); err != nil {
		// The handshake fails and the client retries: a socket that never
		// opened must not stay registered.
		h.Leave(s)
		return err
	}
	return nil
}

// Leave removes a socket; the last one of a viewer takes their audience along.
func (h *Hub) Leave(s *Socket) {
	h.mu.Lock()
	defer h.mu.Unlock()
	a := h.audiences[s.Caller.ViewerID]
	if a == nil {
		return
	}
	if _, ok := a.sockets[s]; !ok {
		return
	}
	delete(a.sockets, s)
	h.sockets.WithLabelValues(formatLabel(s.Format)).Dec()
	if len(a.sockets) > 0 {
		return
	}
	delete(h.audiences, a.viewer)
	h.setFollowing(a, nil)
}

// load reads whom a's viewer follows and installs it, again if a follow
// event arrived meanwhile (the read may have missed it).
func (h *Hub) load(ctx context.Context, a *audience, c timeline.Caller) error {
	for {
		ids, err := h.src.Following(ctx, c)
		h.mu.Lock()
		if err != nil {
			a.loading = false
			h.mu.Unlock()
			return err
		}
		if a.stale {
			a.stale = false
			h.mu.Unlock()
			continue
		}
		set := make(map[string]bool, len(ids))
		for _, id := range ids {
			set[id] = true
		}
		if h.audiences[a.viewer] == a {
			h.setFollowing(a, set)
		}
		a.loading = false
		h.mu.Unlock()
		return nil
	}
}

// setFollowing replaces a's set and the index; h.mu is held.
func (h *Hub) setFollowing(a *audience, set map[string]bool) {
	for id := range a.following {
		if m := h.followers[id]; m != nil {
			delete(m, a)
			if len(m) == 0 {
				delete(h.followers, id)
			}
		}
	}
	a.following = set
	for id := range set {
		h.index(a, id)
	}
}

func (h *Hub) index(a *audience, author string) {
	m := h.followers[author]
	if m == nil {
		m = map[*audience]struct{}{}
		h.followers[author] = m
	}
	m[a] = struct{}{}
}

// catchUp sends a socket the tweets of its home newer than what it has.
func (h *Hub) catchUp(ctx context.Context, s *Socket) error {
	since, known := s.since()
	if !known {
		newest, err := h.src.Newest(ctx, s.Caller)
		if err != nil {
			return err
		}
		s.saw(newest)
		return nil
	}
	missed, err := h.src.Newer(ctx, s.Caller, since, CatchUpLimit)
	if err != nil || len(missed) == 0 {
		return err
	}
	if len(missed) >= CatchUpLimit {
		defer h.queue(s, "resync", resyncMessage(s.Format))
	}
	slices.Reverse(missed) // oldest first, as they would have arrived
	missed = slices.DeleteFunc(missed, func(t timeline.Tweet) bool { return !s.first(t.ID) })
	if len(missed) == 0 {
		return nil
	}
	if s.Format == JSON {
		for _, t := range missed {
			h.queue(s, "tweet.created", createdJSON(t), t.ID)
		}
		return nil
	}
	ids := make([]string, len(missed))
	for i, t := range missed {
		ids[i] = t.ID
	}
	cards, err := h.src.Cards(ctx, s.Caller, ids)
	if err != nil {
		return err
	}
	h.queue(s, "tweet.created", createdHTML(cards), ids...)
	return nil
}

func (h *Hub) queue(s *Socket, event string, msg []byte, ids ...string) {
	if !s.send(msg) {
		h.dropped.Inc()
		return
	}
	for _, id := range ids {
		s.saw(id)
	}
	h.delivered.WithLabelValues(event).Inc()
}

// recipients are the sockets of everyone whose home holds author's tweets:
// the author and the audiences following them.
func (h *Hub) recipients(author string) []*Socket {
	h.mu.Lock()
	defer h.mu.Unlock()
	var out []*Socket
	add := func(a *audience) {
		for s := range a.sockets {
			out = append(out, s)
		}
	}
	if a := h.audiences[author]; a != nil {
		add(a)
	}
	for a := range h.followers[author] {
		if a.viewer != author {
			add(a)
		}
	}
	return out
}

// Handle routes one event from the bus.
func (h *Hub) Handle(ctx context.Context, topic string, payload []byte) {
	var err error
	switch topic {
	case events.TweetCreated:
		var e events.TweetCreatedPayload
		if err = json.Unmarshal(payload, &e); err == nil {
			h.tweetCreated(ctx, e)
		}
	case events.TweetDeleted:
		var e events.TweetDeletedPayload
		if err = json.Unmarshal(payload, &e); err == nil {
			h.tweetDeleted(e)
		}
	case events.LikeChanged:
		var e events.LikeChangedPayload
		if err = json.Unmarshal(payload, &e); err == nil {
			h.likeChanged(e)
		}
	case events.FollowCreated, events.FollowDeleted:
		var e events.FollowChangedPayload
		if err = json.Unmarshal(payload, &e); err == nil {
			h.followChanged(e, topic == events.FollowCreated)
		}
	}
	if err != nil {
		h.logger.WarnContext(ctx, "undecodable event", "topic", topic, "err", err)
	}
}

func (h *Hub) tweetCreated(ctx context.Context, e events.TweetCreatedPayload) {
	if e.AuthorID == "" {
		e.AuthorID = e.Author.ID
	}
	var jsonMsg []byte
	// A new tweet's card is the same for every reader but its author (who
	// gets a delete button) and differs between the shell and a service's
	// own page (links): render each variant once, with the session of one
	// of the sockets it is for.
	type variant struct{ shell, mine bool }
	rendered := map[variant][]byte{}
	for _, s := range h.recipients(e.AuthorID) {
		if !s.first(e.ID) {
			continue
		}
		if s.Format == JSON {
			if jsonMsg == nil {
				jsonMsg = createdJSON(apiTweet(e.Tweet))
			}
			h.queue(s, "tweet.created", jsonMsg, e.ID)
			continue
		}
		v := variant{shell: s.Caller.Shell, mine: s.Caller.ViewerID == e.AuthorID}
		msg, ok := rendered[v]
		if !ok {
			rctx, cancel := context.WithTimeout(ctx, renderTimeout)
			cards, err := h.src.Cards(rctx, s.Caller, []string{e.ID})
			cancel()
			if err != nil {
				h.logger.WarnContext(ctx, "render a live tweet card", "tweet", e.ID, "err", err)
			} else if cards != "" {
				msg = createdHTML(cards)
			}
			rendered[v] = msg
		}
		if msg != nil {
			h.queue(s, "tweet.created", msg, e.ID)
		}
	}
}

func (h *Hub) tweetDeleted(e events.TweetDeletedPayload) {
	jsonMsg, _ := json.Marshal(map[string]string{"event": "tweet.deleted", "id": e.ID})
	h.broadcast(e.AuthorID, "tweet.deleted", jsonMsg, deletedHTML(e.ID))
}

// likeChanged sends a tweet's new like count to the homes that hold it:
// pages update the count shown on its card (the reader's own liked state
// is theirs alone and stays as it is).
func (h *Hub) likeChanged(e events.LikeChangedPayload) {
	id, err := strconv.ParseInt(e.TweetID, 10, 64)
	if err != nil || e.AuthorID == "" {
		return
	}
	jsonMsg, _ := json.Marshal(struct {
		Event     string `json:"event"`
		ID        string `json:"id"`
		LikeCount int    `json:"like_count"`
	}{"like.changed", e.TweetID, e.LikeCount})
	htmlMsg := fmt.Sprintf(`<hx-partial hx-target="#tweet-%d .like-count" hx-swap="textContent">%d</hx-partial>`, id, e.LikeCount)
	h.broadcast(e.AuthorID, "like.changed", jsonMsg, []byte(htmlMsg))
}

// broadcast queues one event, the same for every reader, to the sockets of
// the homes holding author's tweets, in each socket's format.
func (h *Hub) broadcast(author, event string, jsonMsg, htmlMsg []byte) {
	for _, s := range h.recipients(author) {
		if s.Format == JSON {
			h.queue(s, event, jsonMsg)
		} else {
			h.queue(s, event, htmlMsg)
		}
	}
}

func (h *Hub) followChanged(e events.FollowChangedPayload, follows bool) {
	h.mu.Lock()
	defer h.mu.Unlock()
	a := h.audiences[e.FollowerID]
	if a == nil {
		return
	}
	if a.loading {
		a.stale = true
		return
	}
	if a.following == nil {
		return
	}
	if follows {
		a.following[e.FolloweeID] = true
		h.index(a, e.FolloweeID)
		return
	}
	delete(a.following, e.FolloweeID)
	if m := h.followers[e.FolloweeID]; m != nil {
		delete(m, a)
		if len(m) == 0 {
			delete(h.followers, e.FolloweeID)
		}
	}
}

// Resync reloads whom every audience follows and sends every socket what
// it missed: after the Redis subscription was lost and is back, events of
// the gap never arrived.
func (h *Hub) Resync(ctx context.Context) {
	h.mu.Lock()
	var work []*audience
	for _, a := range h.audiences {
		if !a.loading {
			a.loading = true
			work = append(work, a)
		}
	}
	h.mu.Unlock()
	sem := make(chan struct{}, 8)
	var wg sync.WaitGroup
	for _, a := range work {
		h.mu.Lock()
		var sockets []*Socket
		for s := range a.sockets {
			sockets = append(sockets, s)
		}
		h.mu.Unlock()
		if len(sockets) == 0 {
			h.mu.Lock()
			a.loading = false
			h.mu.Unlock()
			continue
		}
		wg.Add(1)
		sem <- struct{}{}
		go func() {
			defer func() { <-sem; wg.Done() }()
			if err := h.load(ctx, a, sockets[0].Caller); err != nil {
				h.logger.WarnContext(ctx, "reload following after reconnect", "viewer", a.viewer, "err", err)
				return
			}
			for _, s := range sockets {
				if err := h.catchUp(ctx, s); err != nil {
					h.logger.WarnContext(ctx, "catch up a socket", "viewer", a.viewer, "err", err)
				}
			}
		}()
	}
	wg.Wait()
}

// Refresh reloads whom every audience follows, bounding how long a missed
// follow event can leave a set stale.
func (h *Hub) Refresh(ctx context.Context) {
	h.mu.Lock()
	type job struct {
		a *audience
		c timeline.Caller
	}
	var jobs []job
	for _, a := range h.audiences {
		if a.loading {
			continue
		}
		for s := range a.sockets {
			a.loading = true
			jobs = append(jobs, job{a, s.Caller})
			break
		}
	}
	h.mu.Unlock()
	for _, j := range jobs {
		if err := h.load(ctx, j.a, j.c); err != nil {
			h.logger.WarnContext(ctx, "refresh following", "viewer", j.a.viewer, "err", err)
		}
	}
}

// apiTweet is a tweet from tweet.created in the timeline API's shape.
func apiTweet(t events.Tweet) timeline.Tweet {
	media := make([]timeline.Media, len(t.Media))
	for i, m := range t.Media {
		media[i] = timeline.Media(m)
	}
	return timeline.Tweet{
		ID: t.ID, Author: timeline.Author(t.Author), Text: t.Text, Media: media,
		LikeCount: t.LikeCount, CreatedAt: t.CreatedAt,
	}
}

func createdJSON(t timeline.Tweet) []byte {
	t.LikedByMe = false
	if t.Media == nil {
		t.Media = []timeline.Media{}
	}
	b, _ := json.Marshal(struct {
		Event string         `json:"event"`
		Tweet timeline.Tweet `json:"tweet"`
	}{"tweet.created", t})
	return b
}

// createdHTML wraps tweet cards for hx-ws: they land in the timeline's
// hidden #timeline-incoming, from where the page's script puts them at the
// top of the list, or behind the "new tweets" pill while the reader is
// scrolled down.
func createdHTML(cards string) []byte {
	return []byte(`<hx-partial hx-target="#timeline-incoming" hx-swap="beforeend">` + cards + `</hx-partial>`)
}

// resyncMessage tells a socket that missed more than a catch-up carries to
// read its home afresh: JSON clients get {"event":"resync"}, pages a marker
// the timeline script answers by reloading the feed.
func resyncMessage(f Format) []byte {
	if f == JSON {
		return []byte(`{"event":"resync"}`)
	}
	return []byte(`<hx-partial hx-target="#timeline-incoming" hx-swap="beforeend"><div class="timeline-resync"></div></hx-partial>`)
}

// deletedHTML removes a tweet's card wherever it is on the page.
func deletedHTML(id string) []byte {
	if _, err := strconv.ParseInt(id, 10, 64); err != nil {
		id = template.HTMLEscapeString(id)
	}
	return []byte(`<div id="tweet-` + id + `" hx-swap-oob="delete"></div>`)
}
