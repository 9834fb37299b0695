package live

import (
	"sync"

	"murmur/fragments/timeline"
)

// audience is one viewer with open sockets on this instance, and whom they follow.
type audience struct {
	viewer    string
	following map[string]bool // nil until loaded
	// hidden are the people whose tweets and boosts stay out of the home
	// (muted, blocked, blocking), loaded with following.
	hidden  map[string]bool
	sockets map[*Socket]struct{}
	loading bool
	// stale is set by a follow event that arrived while the set was loading.
	stale bool
}

// audiences are the viewers with open sockets, indexed by whom they
// follow: an event by an author finds its recipients without looking at
// anyone else. Its methods are safe for concurrent use.
type audiences struct {
	mu         sync.Mutex
	byID       map[string]*audience
	byFollowee map[string]map[*audience]struct{}
}

func newAudiences() *audiences {
	return &audiences{byID: map[string]*audience{}, byFollowee: map[string]map[*audience]struct{}{}}
}

// add registers a socket and reports its viewer's audience, and whether
// the caller is to load whom they follow (nobody else is loading it).
func (x *audiences) add(s *Socket) (a *audience, load bool) {
	x.mu.Lock()
	defer x.mu.Unlock()
	a = x.byID[s.Caller.ViewerID]
	if a == nil {
		a = &audience{viewer: s.Caller.ViewerID, sockets: map[*Socket]struct{}{}}
		x.byID[a.viewer] = a
	}
	a.sockets[s] = struct{}{}
	load = a.following == nil && !a.loading
	if load {
		a.loading = true
	}
	return a, load
}

// all returns every registered socket.
func (x *audiences) all() []*Socket {
	x.mu.Lock()
	defer x.mu.Unlock()
	var out []*Socket
	for _, a := range x.byID {
		for s := range a.sockets {
			out = append(out, s)
		}
	}
	return out
}

// remove unregisters a socket and reports whether it was registered; the
// last socket of a viewer takes their audience along.
func (x *audiences) remove(s *Socket) bool {
	x.mu.Lock()
	defer x.mu.Unlock()
	a := x.byID[s.Caller.ViewerID]
	if a == nil {
		return false
	}
	if _, ok := a.sockets[s]; !ok {
		return false
	}
	delete(a.sockets, s)
	if len(a.sockets) == 0 {
		delete(x.byID, a.viewer)
		x.setFollowing(a, nil)
	}
	return true
}

// loaded installs whom a's viewer follows, as read by a load that began
// before; it reports false, and installs nothing, when a follow event
// arrived meanwhile (the read may have missed it: read again).
func (x *audiences) loaded(a *audience, f timeline.Followees) bool {
	x.mu.Lock()
	defer x.mu.Unlock()
	if a.stale {
		a.stale = false
		return false
	}
	set := make(map[string]bool, len(f.IDs))
	for _, id := range f.IDs {
		set[id] = true
	}
	hidden := make(map[string]bool, len(f.Hidden))
	for _, id := range f.Hidden {
		hidden[id] = true
	}
	if x.byID[a.viewer] == a {
		x.setFollowing(a, set)
		a.hidden = hidden
	}
	a.loading = false
	return true
}

// failed ends a load that could not read the set.
func (x *audiences) failed(a *audience) {
	x.mu.Lock()
	defer x.mu.Unlock()
	a.loading = false
}

// setFollowing replaces a's set and the index; x.mu is held.
func (x *audiences) setFollowing(a *audience, set map[string]bool) {
	for id := range a.following {
		x.unindex(a, id)
	}
	a.following = set
	for id := range set {
		x.index(a, id)
	}
}

func (x *audiences) index(a *audience, followee string) {
	m := x.byFollowee[followee]
	if m == nil {
		m = map[*audience]struct{}{}
		x.byFollowee[followee] = m
	}
	m[a] = struct{}{}
}

func (x *audiences) unindex(a *audience, followee string) {
	if m := x.byFollowee[followee]; m != nil {
		delete(m, a)
		if len(m) == 0 {
			delete(x.byFollowee, followee)
		}
	}
}

// follow records that follower started (or stopped) following followee.
func (x *audiences) follow(follower, followee string, follows bool) {
	x.mu.Lock()
	defer x.mu.Unlock()
	a := x.byID[follower]
	switch {
	case a == nil:
	case a.loading:
		a.stale = true
	case a.following == nil:
	case follows:
		a.following[followee] = true
		x.index(a, followee)
	default:
		delete(a.following, followee)
		x.unindex(a, followee)
	}
}

// recipients are the sockets of everyone whose home holds author's tweets:
// the author and the audiences following them.
func (x *audiences) recipients(author string) []*Socket {
	x.mu.Lock()
	defer x.mu.Unlock()
	var out []*Socket
	add := func(a *audience) {
		for s := range a.sockets {
			out = append(out, s)
		}
	}
	if a := x.byID[author]; a != nil {
		add(a)
	}
	for a := range x.byFollowee[author] {
		if a.viewer != author && !a.hidden[author] {
			add(a)
		}
	}
	return out
}

// admits tells whether a's home takes a tweet by author answering
// replyTo ("" for none), author being the viewer or someone they follow:
// the home rule for replies (the reader's own, a thread, an answer to the
// reader or to someone they follow; not an answer to a stranger). x.mu is
// held.
func (a *audience) admits(author, replyTo string) bool {
	return replyTo == "" || replyTo == author || a.viewer == author || replyTo == a.viewer || a.following[replyTo]
}

// tweetRecipients are the sockets of the homes a new tweet by author,
// answering replyTo ("" for none), reaches: recipients(author) less those
// the home rule for replies keeps it from.
func (x *audiences) tweetRecipients(author, replyTo string) []*Socket {
	if replyTo == "" || replyTo == author {
		return x.recipients(author)
	}
	x.mu.Lock()
	defer x.mu.Unlock()
	var out []*Socket
	add := func(a *audience) {
		for s := range a.sockets {
			out = append(out, s)
		}
	}
	if a := x.byID[author]; a != nil {
		add(a)
	}
	for a := range x.byFollowee[author] {
		if a.viewer != author && !a.hidden[author] && a.admits(author, replyTo) {
			add(a)
		}
	}
	return out
}

// boostRecipients are the sockets of the homes a boost by booster of a
// tweet by author (answering replyTo, "" for none) reaches as a boost: the
// booster's and their followers', except those that hold the tweet itself
// (whose reader wrote it, or follows its author and the home rule lets it
// in).
func (x *audiences) boostRecipients(booster, author, replyTo string) []*Socket {
	x.mu.Lock()
	defer x.mu.Unlock()
	var out []*Socket
	add := func(a *audience) {
		if (a.viewer == author || a.following[author]) && a.admits(author, replyTo) {
			return // the home holds the original
		}
		if a.hidden[author] || a.hidden[booster] {
			return // muted, blocked or blocking: their tweets stay out, boosted or not
		}
		for s := range a.sockets {
			out = append(out, s)
		}
	}
	if a := x.byID[booster]; a != nil {
		add(a)
	}
	for a := range x.byFollowee[booster] {
		if a.viewer != booster {
			add(a)
		}
	}
	return out
}

// reload is one audience to read again, with a socket to read it for.
type reload struct {
	a       *audience
	sockets []*Socket
}

// startReload marks viewer's audience, if any, for reading again: at once
// when it is loaded (the returned reload), or by the load running now,
// which will find it stale. Blocks and mutes change a home's set without a
// follow event for each: the set is read again whole.
func (x *audiences) startReload(viewer string) (reload, bool) {
	x.mu.Lock()
	defer x.mu.Unlock()
	a := x.byID[viewer]
	switch {
	case a == nil || len(a.sockets) == 0:
		return reload{}, false
	case a.loading:
		a.stale = true
		return reload{}, false
	}
	a.loading = true
	r := reload{a: a}
	for s := range a.sockets {
		r.sockets = append(r.sockets, s)
	}
	return r, true
}

// startReloads marks every audience not already loading as loading and
// returns them with their sockets.
func (x *audiences) startReloads() []reload {
	x.mu.Lock()
	defer x.mu.Unlock()
	var out []reload
	for _, a := range x.byID {
		if a.loading || len(a.sockets) == 0 {
			continue
		}
		a.loading = true
		r := reload{a: a}
		for s := range a.sockets {
			r.sockets = append(r.sockets, s)
		}
		out = append(out, r)
	}
	return out
}
