package live

import (
	"context"
	"encoding/json"
	"log/slog"
	"slices"
	"sync"
	"sync/atomic"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"murmur/fragments/internal/events"
	"murmur/fragments/timeline"
)

// Homes is what the hub reads of home timelines; timeline.Homes is one.
type Homes interface {
	Newer(ctx context.Context, c timeline.Caller, after string, limit int) ([]timeline.Tweet, error)
	Newest(ctx context.Context, c timeline.Caller) (string, error)
}

// Cards renders tweets as tweets' cards for a caller; timeline.Tweets is one.
type Cards interface {
	Cards(ctx context.Context, c timeline.Caller, ids []string) (string, error)
}

// Clock is what the hub waits on between retries and refreshes; tests
// drive it by hand.
type Clock interface {
	After(d time.Duration) <-chan time.Time
}

type realClock struct{}

func (realClock) After(d time.Duration) <-chan time.Time { return time.After(d) }

// Deps are what a hub reads from and renders with.
type Deps struct {
	Homes Homes
	// Graph tells whom a viewer follows.
	Graph  timeline.Graph
	Cards  Cards
	Markup Markup
	// Clock defaults to the real one.
	Clock  Clock
	Logger *slog.Logger
	// Metrics registers the hub's metrics (may be nil).
	Metrics prometheus.Registerer
	// InboxSize is how many received events may wait for routing
	// (default 4096; see inboxSize).
	InboxSize int
}

// CatchUpLimit is how many missed tweets a reconnecting socket is sent.
// When it missed more, it is also told to read its home afresh (resync):
// the catch-up carries only the newest of them.
const CatchUpLimit = 50

// renderTimeout bounds the wait for the tweets service to render a card:
// events are handled one at a time, in order, so a slow render delays the
// next event but never by more than this.
const renderTimeout = 2 * time.Second

// Hub routes tweet events to the sockets of this instance.
type Hub struct {
	Deps
	// resyncing is set while a resync started by an overflowing inbox runs.
	resyncing atomic.Bool
	// resyncAgain is set by every drop; the running resync goes round
	// again while it is set.
	resyncAgain atomic.Bool
	audiences   *audiences
	watchers    *watchers

	sockets   *prometheus.GaugeVec
	delivered *prometheus.CounterVec
	dropped   prometheus.Counter
	busUp     prometheus.Gauge
}

// NewHub returns a hub over d.
func NewHub(d Deps) *Hub {
	if d.Clock == nil {
		d.Clock = realClock{}
	}
	if d.Logger == nil {
		d.Logger = slog.Default()
	}
	if d.InboxSize <= 0 {
		d.InboxSize = inboxSize
	}
	h := &Hub{
		Deps: d, audiences: newAudiences(), watchers: newWatchers(),
		sockets: prometheus.NewGaugeVec(prometheus.GaugeOpts{
			Name: "murmur_timeline_sockets", Help: "Open live sockets on this instance, by format (html, json, conversation).",
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
	if d.Metrics != nil {
		d.Metrics.MustRegister(h.sockets, h.delivered, h.dropped, h.busUp)
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
	a, load := h.audiences.add(s)
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

// Leave removes a socket, a home's or a conversation's.
func (h *Hub) Leave(s *Socket) {
	if h.audiences.remove(s) {
		h.sockets.WithLabelValues(formatLabel(s.Format)).Dec()
	}
	if h.watchers.remove(s) {
		h.sockets.WithLabelValues("conversation").Dec()
	}
}

// load reads whom a's viewer follows and installs it, again if a follow
// event arrived meanwhile (the read may have missed it).
func (h *Hub) load(ctx context.Context, a *audience, c timeline.Caller) error {
	for {
		ids, err := h.Graph.Following(ctx, c)
		if err != nil {
			h.audiences.failed(a)
			return err
		}
		if h.audiences.loaded(a, ids) {
			return nil
		}
	}
}

// catchUp sends a socket the tweets of its home newer than what it has,
// or, after a gap in the events, newer than what it had when the gap
// began (tweets it got live since are not sent again).
func (h *Hub) catchUp(ctx context.Context, s *Socket) (err error) {
	since, known, restore := s.catchUpFrom()
	defer func() {
		if err != nil {
			restore()
		}
	}()
	if !known {
		newest, err := h.Homes.Newest(ctx, s.Caller)
		if err != nil {
			return err
		}
		s.saw(newest)
		return nil
	}
	missed, err := h.Homes.Newer(ctx, s.Caller, since, CatchUpLimit)
	if err != nil || len(missed) == 0 {
		return err
	}
	if len(missed) >= CatchUpLimit {
		defer h.queue(s, message{event: "resync", json: resyncJSON, html: h.Markup.Resync()})
	}
	slices.Reverse(missed) // oldest first, as they would have arrived
	missed = slices.DeleteFunc(missed, func(t timeline.Tweet) bool { return !s.first(t.ID) })
	if len(missed) == 0 {
		return nil
	}
	// An entry that is a boost is placed by the boost's id: the socket
	// notes that as what it has.
	if s.Format == JSON {
		for _, t := range missed {
			h.queue(s, message{event: events.TweetCreated, json: createdJSON(t)}, t.Place())
		}
		return nil
	}
	entries, places := make([]string, len(missed)), make([]string, len(missed))
	for i, t := range missed {
		entries[i], places[i] = t.Entry(), t.Place()
	}
	cards, err := h.Cards.Cards(ctx, s.Caller, entries)
	if err != nil {
		return err
	}
	h.queue(s, message{event: events.TweetCreated, html: h.Markup.Arrived(cards)}, places...)
	return nil
}

// queue sends a socket the message in its format and notes the tweets it
// now has.
func (h *Hub) queue(s *Socket, m message, ids ...string) {
	msg := m.html
	if s.Format == JSON {
		msg = m.json
	}
	if !s.send(msg) {
		h.dropped.Inc()
		return
	}
	for _, id := range ids {
		s.saw(id)
	}
	h.delivered.WithLabelValues(m.event).Inc()
}

// Handle routes one event from the bus.
func (h *Hub) Handle(ctx context.Context, topic string, payload []byte) {
	var err error
	switch topic {
	case events.TweetCreated:
		var e events.TweetCreatedPayload
		if err = json.Unmarshal(payload, &e); err == nil {
			h.tweetCreated(ctx, e)
			h.replyCreated(e)
		}
	case events.TweetDeleted:
		// The homes that held it are its author's followers' and, through
		// its boosts, its boosters'.
		var e events.TweetDeletedPayload
		if err = json.Unmarshal(payload, &e); err == nil {
			h.broadcast(message{event: topic, json: deletedJSON(e.ID), html: h.Markup.Deleted(e.ID)}, append([]string{e.AuthorID}, e.BoosterIDs...)...)
			h.conversationDeleted(e.ID)
		}
	case events.LikeChanged:
		// The homes that hold the tweet update the count on its cards; the
		// reader's own liked state is theirs alone and stays as it is.
		var e events.LikeChangedPayload
		if err = json.Unmarshal(payload, &e); err == nil && e.TweetID != "" {
			h.broadcast(message{event: topic, json: likeCountJSON(e.TweetID, e.LikeCount), html: h.Markup.LikeCount(e.TweetID, e.LikeCount)}, e.AuthorID)
		}
	case events.BoostChanged:
		var e events.BoostChangedPayload
		if err = json.Unmarshal(payload, &e); err == nil && e.TweetID != "" {
			h.boostChanged(ctx, e)
		}
	case events.FollowCreated, events.FollowDeleted:
		var e events.FollowChangedPayload
		if err = json.Unmarshal(payload, &e); err == nil {
			h.audiences.follow(e.FollowerID, e.FolloweeID, topic == events.FollowCreated)
		}
	case events.BlockChanged:
		// Both homes change: each loses the other's tweets and boosts.
		var e events.BlockChangedPayload
		if err = json.Unmarshal(payload, &e); err == nil {
			h.reloadViewers(ctx, e.BlockerID, e.BlockedID)
		}
	case events.MuteChanged:
		var e events.MuteChangedPayload
		if err = json.Unmarshal(payload, &e); err == nil {
			h.reloadViewers(ctx, e.MuterID)
		}
	}
	if err != nil {
		h.Logger.WarnContext(ctx, "undecodable event", "topic", topic, "err", err)
	}
}

func (h *Hub) tweetCreated(ctx context.Context, e events.TweetCreatedPayload) {
	if e.AuthorID == "" {
		e.AuthorID = e.Author.ID
	}
	replyTo := ""
	if e.InReplyToAuthorID != nil {
		replyTo = *e.InReplyToAuthorID
	}
	t := apiTweet(e.Tweet)
	h.arrive(ctx, h.audiences.tweetRecipients(e.AuthorID, replyTo), t, e.AuthorID)
}

// boostChanged shows a tweet's new boost count on the cards of the homes
// that hold it through its author or the booster, and a boost arrives in
// the homes of the booster's followers that do not hold the tweet itself,
// as a tweet.created of the entry (with boosted_by), once: a socket that
// already got the tweet gets no second entry of it. An unboost takes
// nothing off open pages (another boost may still hold the entry there);
// the next read is exact.
func (h *Hub) boostChanged(ctx context.Context, e events.BoostChangedPayload) {
	h.broadcast(message{event: events.BoostChanged, json: boostCountJSON(e.TweetID, e.BoostCount),
		html: h.Markup.BoostCount(e.TweetID, e.BoostCount)}, e.AuthorID, e.UserID)
	if !e.Boosted || e.Tweet == nil || e.BoostID == "" {
		return
	}
	replyTo := ""
	if e.InReplyToAuthorID != nil {
		replyTo = *e.InReplyToAuthorID
	}
	h.arrive(ctx, h.audiences.boostRecipients(e.UserID, e.AuthorID, replyTo), boostedTweet(e), e.AuthorID)
}

// arrive queues a new home entry (a tweet, or a boost of one) to sockets,
// as tweet.created, unless a socket already got that tweet.
func (h *Hub) arrive(ctx context.Context, sockets []*Socket, t timeline.Tweet, author string) {
	var jsonMsg []byte
	// A new entry's card is the same for every reader but its author (who
	// gets a delete button) and differs between the shell and a service's
	// own page (links): render each variant once, with the session of one
	// of the sockets it is for.
	type variant struct{ shell, mine bool }
	rendered := map[variant][]byte{}
	for _, s := range sockets {
		if !s.first(t.ID) {
			continue
		}
		if s.Format == JSON {
			if jsonMsg == nil {
				jsonMsg = createdJSON(t)
			}
			h.queue(s, message{event: events.TweetCreated, json: jsonMsg}, t.Place())
			continue
		}
		v := variant{shell: s.Caller.Shell, mine: s.Caller.ViewerID == author}
		msg, ok := rendered[v]
		if !ok {
			rctx, cancel := context.WithTimeout(ctx, renderTimeout)
			cards, err := h.Cards.Cards(rctx, s.Caller, []string{t.Entry()})
			cancel()
			if err != nil {
				h.Logger.WarnContext(ctx, "render a live tweet card", "tweet", t.ID, "err", err)
			} else if cards != "" {
				msg = h.Markup.Arrived(cards)
			}
			rendered[v] = msg
		}
		if msg != nil {
			h.queue(s, message{event: events.TweetCreated, html: msg}, t.Place())
		}
	}
}

// broadcast queues one event, the same for every reader, to the sockets of
// the homes holding the tweets of any of authors, once each.
func (h *Hub) broadcast(m message, authors ...string) {
	seen := map[*Socket]bool{}
	for _, author := range authors {
		if author == "" {
			continue
		}
		for _, s := range h.audiences.recipients(author) {
			if !seen[s] {
				seen[s] = true
				h.queue(s, m)
			}
		}
	}
}

// noteGap marks where every open socket stands as events begin to go
// missing, for the next resync to catch each up from there.
func (h *Hub) noteGap() {
	for _, s := range h.audiences.all() {
		s.markGap()
	}
}

// Resync reloads whom every audience follows and sends every socket what
// it missed: after the Redis subscription was lost and is back, events of
// the gap never arrived.
func (h *Hub) Resync(ctx context.Context) {
	h.resyncConversations()
	h.reload(ctx, true)
}

// Refresh reloads whom every audience follows, bounding how long a missed
// follow event can leave a set stale.
func (h *Hub) Refresh(ctx context.Context) {
	h.reload(ctx, false)
}

// reload reads every audience's following set again, eight at a time, and
// catches their sockets up when asked to.
// reloadViewers reads again whom the viewers with sockets here follow and
// hide, in the background: the event loop does not wait on follow.
func (h *Hub) reloadViewers(ctx context.Context, viewers ...string) {
	for _, v := range viewers {
		r, ok := h.audiences.startReload(v)
		if !ok {
			continue
		}
		go func() {
			if err := h.load(context.WithoutCancel(ctx), r.a, r.sockets[0].Caller); err != nil {
				h.Logger.WarnContext(ctx, "reload following after a block or mute", "viewer", v, "err", err)
			}
		}()
	}
}

func (h *Hub) reload(ctx context.Context, catchUp bool) {
	sem := make(chan struct{}, 8)
	var wg sync.WaitGroup
	for _, r := range h.audiences.startReloads() {
		wg.Add(1)
		sem <- struct{}{}
		go func() {
			defer func() { <-sem; wg.Done() }()
			if err := h.load(ctx, r.a, r.sockets[0].Caller); err != nil {
				h.Logger.WarnContext(ctx, "reload following", "viewer", r.a.viewer, "err", err)
				return
			}
			if !catchUp {
				return
			}
			for _, s := range r.sockets {
				if err := h.catchUp(ctx, s); err != nil {
					h.Logger.WarnContext(ctx, "catch up a socket", "viewer", r.a.viewer, "err", err)
				}
			}
		}()
	}
	wg.Wait()
}
