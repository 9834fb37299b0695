package live

import (
	"context"
	"sync"

	"murmur/fragments/internal/events"
)

// A tweet's page learns of new replies through a socket of its own (the
// conversation socket): it names the tweets it shows, the tweet and its
// replies, and is sent every reply to any of them. Its viewer need not
// follow anyone in the conversation, so the sockets are found by the
// replied-to tweet, not by whom their viewers follow.

// MaxWatched bounds the tweets one conversation socket watches: those the
// page named (at most MaxWatchedAtOpen) and the replies it was sent since.
const (
	MaxWatched       = 2000
	MaxWatchedAtOpen = 500
)

// watchers are the conversation sockets by the tweets they watch. Its
// methods are safe for concurrent use.
type watchers struct {
	mu      sync.Mutex
	byTweet map[string]map[*Socket]struct{}
	sockets map[*Socket]map[string]struct{}
}

func newWatchers() *watchers {
	return &watchers{byTweet: map[string]map[*Socket]struct{}{}, sockets: map[*Socket]map[string]struct{}{}}
}

// watch registers a socket watching tweets; x.mu is held.
func (x *watchers) watch(s *Socket, id string) {
	set := x.sockets[s]
	if set == nil || len(set) >= MaxWatched {
		return
	}
	if _, ok := set[id]; ok {
		return
	}
	set[id] = struct{}{}
	m := x.byTweet[id]
	if m == nil {
		m = map[*Socket]struct{}{}
		x.byTweet[id] = m
	}
	m[s] = struct{}{}
}

// add registers a socket watching ids.
func (x *watchers) add(s *Socket, ids []string) {
	x.mu.Lock()
	defer x.mu.Unlock()
	if x.sockets[s] == nil {
		x.sockets[s] = map[string]struct{}{}
	}
	for i, id := range ids {
		if i == MaxWatchedAtOpen {
			break
		}
		x.watch(s, id)
	}
}

// remove unregisters a socket and reports whether it was registered.
func (x *watchers) remove(s *Socket) bool {
	x.mu.Lock()
	defer x.mu.Unlock()
	set, ok := x.sockets[s]
	if !ok {
		return false
	}
	for id := range set {
		if m := x.byTweet[id]; m != nil {
			delete(m, s)
			if len(m) == 0 {
				delete(x.byTweet, id)
			}
		}
	}
	delete(x.sockets, s)
	return true
}

// replied returns the sockets watching parent, which from now on watch
// its new reply too (replies to the reply belong to the same page).
func (x *watchers) replied(parent, reply string) []*Socket {
	x.mu.Lock()
	defer x.mu.Unlock()
	var out []*Socket
	for s := range x.byTweet[parent] {
		out = append(out, s)
	}
	for _, s := range out {
		x.watch(s, reply)
	}
	return out
}

// watching returns the sockets watching a tweet.
func (x *watchers) watching(id string) []*Socket {
	x.mu.Lock()
	defer x.mu.Unlock()
	var out []*Socket
	for s := range x.byTweet[id] {
		out = append(out, s)
	}
	return out
}

// all returns every conversation socket.
func (x *watchers) all() []*Socket {
	x.mu.Lock()
	defer x.mu.Unlock()
	out := make([]*Socket, 0, len(x.sockets))
	for s := range x.sockets {
		out = append(out, s)
	}
	return out
}

// JoinConversation adds a conversation socket watching the tweets a page
// shows (ids, the page's tweet first): it is sent the replies to them.
func (h *Hub) JoinConversation(_ context.Context, s *Socket, ids []string) {
	h.watchers.add(s, ids)
	h.sockets.WithLabelValues("conversation").Inc()
}

// replyCreated tells the pages about a new reply: the homes that hold the
// replied-to tweet get its new count, the conversation sockets watching it
// the reply itself, to read their replies afresh.
func (h *Hub) replyCreated(e events.TweetCreatedPayload) {
	if e.InReplyToID == nil {
		return
	}
	parent := *e.InReplyToID
	count := -1
	if e.InReplyToReplyCount != nil {
		count = *e.InReplyToReplyCount
	}
	if count >= 0 && e.InReplyToAuthorID != nil {
		h.broadcast(message{event: RepliesChanged, json: replyCountJSON(parent, count), html: h.Markup.ReplyCount(parent, count)}, *e.InReplyToAuthorID)
	}
	for _, s := range h.watchers.replied(parent, e.ID) {
		h.queue(s, message{event: events.TweetCreated, html: h.Markup.ConversationChanged(ConversationChange{ReplyID: e.ID, InReplyToID: parent, ReplyCount: count})})
	}
}

// conversationDeleted tells the pages showing a deleted tweet to read
// their replies afresh.
func (h *Hub) conversationDeleted(id string) {
	for _, s := range h.watchers.watching(id) {
		h.queue(s, message{event: events.TweetDeleted, html: h.Markup.ConversationChanged(ConversationChange{DeletedID: id})})
	}
}

// resyncConversations tells every conversation socket to read its replies
// afresh: events of a gap never arrived.
func (h *Hub) resyncConversations() {
	for _, s := range h.watchers.all() {
		h.queue(s, message{event: "resync", html: h.Markup.ConversationChanged(ConversationChange{})})
	}
}
