// Package notifications tells people what others did to them: who
// followed them, liked, replied to, mentioned or boosted their tweets. It
// learns these facts only from the event streams (events.Bus.Consume, a
// consumer group of its own), keeps each person's notifications in its own
// SQLite file, and answers lists, unread counts and "mark read".
package notifications

import (
	"context"
	"log/slog"
	"slices"
	"strconv"
	"time"

	"murmur/fragments/internal/auth"
	"murmur/fragments/internal/events"
	"murmur/fragments/internal/fault"
	"murmur/fragments/internal/people"
)

// Kind is what someone did.
type Kind string

// The kinds of notification.
const (
	Follow  Kind = "follow"
	Like    Kind = "like"
	Reply   Kind = "reply"
	Mention Kind = "mention"
	Boost   Kind = "boost"
)

// Notification is one thing someone did to the recipient.
type Notification struct {
	// ID orders notifications: a later one has a larger id. Mark read up
	// to an id marks it and every older one.
	ID          string
	RecipientID string
	Kind        Kind
	// ActorID is who did it.
	ActorID string
	// TweetID is the tweet it is about: the recipient's tweet for a like
	// or boost, the reply or the mentioning tweet for a reply or mention;
	// empty for a follow.
	TweetID   string
	CreatedAt time.Time
	// Read is whether the recipient has marked it read.
	Read bool
}

// Fact names one notification apart from when it was made: a fact undone
// (an unlike) removes the notification it made.
type Fact struct {
	RecipientID string
	Kind        Kind
	ActorID     string
	TweetID     string
}

// Change is what one event does to the notifications.
type Change struct {
	// Add are new notifications; a fact already notified is not added again.
	Add []Fact
	// Remove are facts undone: their notifications go.
	Remove []Fact
	// TweetGone names a deleted tweet: every notification about it goes.
	TweetGone string
	// UserGone names a deleted account: every notification by or for
	// them goes, and their read mark.
	UserGone string
	// At is when the fact happened (the event's time).
	At time.Time
}

// quiet tells whether the change notifies no one and takes nothing back:
// every fact in it is someone's own doing, or there is none. A field added
// to Change must be weighed here, or its changes are skipped as quiet.
func (c Change) quiet() bool {
	if c.TweetGone != "" || c.UserGone != "" {
		return false
	}
	for _, f := range append(slices.Clip(c.Add), c.Remove...) {
		if f.RecipientID != "" && f.RecipientID != f.ActorID {
			return false
		}
	}
	return true
}

// Store keeps notifications.
type Store interface {
	// Apply makes the change of the event with the given topic and stream
	// entry id, once: an entry applied before changes nothing (false).
	// It returns the people whose notifications changed.
	Apply(ctx context.Context, topic, entryID string, c Change) (recipients []string, applied bool, err error)
	// List is a page of the recipient's notifications, newest first, after
	// the cursor (a notification id; empty for the newest), and the cursor
	// of the next page (empty at the end).
	// List and Unread leave out notifications by anyone in hidden.
	List(ctx context.Context, recipientID string, limit int, cursor string, hidden []string) ([]Notification, string, error)
	// Unread counts the recipient's notifications not marked read.
	Unread(ctx context.Context, recipientID string, hidden []string) (int, error)
	// MarkRead marks the recipient's notifications up to the id read; it
	// never marks less than was marked before.
	MarkRead(ctx context.Context, recipientID, upTo string) error
	// Forget drops the record of entries applied before the time: their
	// streams no longer hold them, so they cannot be handed out again.
	Forget(ctx context.Context, before time.Time) error
}

// Directory finds who people are (profile's people, by id).
type Directory interface {
	ByIDs(ctx context.Context, ids []string) (map[string]people.Person, error)
}

// Announcer tells the service's instances that someone's notifications
// changed, so each can push the new count to the sockets it holds.
type Announcer interface {
	Changed(ctx context.Context, recipientIDs ...string)
}

// Inbox is the notifications service's domain: it applies events and
// answers each person about their own notifications.
type Inbox struct {
	store     Store
	directory Directory
	announce  Announcer
	hiddenSet Hidden
	logger    *slog.Logger
}

// NewInbox returns an inbox on a store, reading people from directory and
// announcing changes through announce.
func NewInbox(st Store, directory Directory, announce Announcer) *Inbox {
	return &Inbox{store: st, directory: directory, announce: announce}
}

// Handle applies one event from the streams, once per entry: handing the
// same entry out again (a redelivery, a restart) changes nothing. Topics
// without a handler are acknowledged and ignored.
func (in *Inbox) Handle(ctx context.Context, e events.Entry) error {
	h, ok := Handlers[e.Topic]
	if !ok {
		return nil
	}
	c, err := h(e)
	if err != nil {
		// A payload that does not decode will never decode: it is
		// recorded as applied with no change, so it does not come back.
		c = Change{}
	}
	if c.quiet() {
		// Nothing to add or take back (a tweet that answers no one, a like
		// of one's own tweet): no record either. Handed out again, it does
		// nothing again.
		return nil
	}
	if c.At.IsZero() {
		c.At = entryTime(e.ID)
	}
	recipients, applied, err := in.store.Apply(ctx, e.Topic, e.ID, c)
	if err != nil {
		return err
	}
	if applied && len(recipients) > 0 {
		in.announce.Changed(ctx, recipients...)
	}
	return nil
}

// entryTime is when a stream entry was added: its id's milliseconds.
func entryTime(id string) time.Time {
	ms, _, _ := cutDash(id)
	n, err := strconv.ParseInt(ms, 10, 64)
	if err != nil {
		return time.Now()
	}
	return time.UnixMilli(n)
}

func cutDash(s string) (string, string, bool) {
	for i := range len(s) {
		if s[i] == '-' {
			return s[:i], s[i+1:], true
		}
	}
	return s, "", false
}

// Item is a notification with the person who acted, as people see it.
type Item struct {
	Notification
	Actor people.Person
}

// Page is a page of a person's notifications, newest first.
type Page struct {
	Items []Item
	// Next is the cursor of the next page; empty at the end.
	Next string
}

// MaxLimit is the most notifications one page holds.
const MaxLimit = 100

// List is a page of the viewer's notifications with their actors. A
// notification whose actor profile no longer knows is left out.
func (in *Inbox) List(ctx context.Context, viewerID string, limit int, cursor string) (Page, error) {
	if limit < 1 || limit > MaxLimit {
		return Page{}, fault.New(fault.Invalid, "limit must be between 1 and %d.", MaxLimit)
	}
	if cursor != "" && !ValidID(cursor) {
		return Page{}, fault.New(fault.Invalid, "This cursor was not given out by this list.")
	}
	ns, next, err := in.store.List(ctx, viewerID, limit, cursor, in.hidden(ctx, viewerID))
	if err != nil {
		return Page{}, err
	}
	ids := make([]string, 0, len(ns))
	for _, n := range ns {
		ids = append(ids, n.ActorID)
	}
	actors, err := in.directory.ByIDs(ctx, ids)
	if err != nil {
		return Page{}, err
	}
	p := Page{Items: make([]Item, 0, len(ns)), Next: next}
	for _, n := range ns {
		if a, ok := actors[n.ActorID]; ok {
			p.Items = append(p.Items, Item{Notification: n, Actor: a})
		}
	}
	return p, nil
}

// Unread counts the viewer's unread notifications. The bell asks on every
// page, and most often there are none: only when some are unread does the
// hidden set matter, and only then is follow asked for it.
func (in *Inbox) Unread(ctx context.Context, viewerID string) (int, error) {
	n, err := in.store.Unread(ctx, viewerID, nil)
	if err != nil || n == 0 || in.hiddenSet == nil {
		return n, err
	}
	hidden := in.hidden(ctx, viewerID)
	if len(hidden) == 0 {
		return n, nil
	}
	return in.store.Unread(ctx, viewerID, hidden)
}

// Hidden is the follow service's hidden set of a viewer: whom they muted
// or blocked and who blocked them (relations.Client.Hidden).
type Hidden interface {
	Hidden(ctx context.Context, v auth.Viewer) ([]string, error)
}

// WithHidden makes the inbox leave out notifications by people the viewer
// hides, read from follow on every list and every count of some unread:
// follow says each time whether the set changed (relations.Client.Hidden),
// so a block or mute counts at once and no lost event can undo it.
func (in *Inbox) WithHidden(h Hidden, logger *slog.Logger) *Inbox {
	in.hiddenSet, in.logger = h, logger
	return in
}

// hidden is the hidden set of viewerID when the request is theirs (the
// viewer in ctx, with their token); none otherwise. When follow cannot be
// reached the notifications show unfiltered rather than not at all.
func (in *Inbox) hidden(ctx context.Context, viewerID string) []string {
	if in.hiddenSet == nil {
		return nil
	}
	v, ok := auth.ViewerFrom(ctx)
	if !ok || v.ID != viewerID || v.Token == "" {
		return nil
	}
	ids, err := in.hiddenSet.Hidden(ctx, v)
	if err != nil && in.logger != nil {
		in.logger.WarnContext(ctx, "read the hidden set", "err", err)
	}
	return ids
}

// MarkRead marks the viewer's notifications up to the id read, and tells
// the viewer's open pages their new count.
func (in *Inbox) MarkRead(ctx context.Context, viewerID, upTo string) error {
	if !ValidID(upTo) {
		return fault.New(fault.Invalid, "up_to must be a notification id (a positive decimal number).")
	}
	if err := in.store.MarkRead(ctx, viewerID, upTo); err != nil {
		return err
	}
	in.announce.Changed(ctx, viewerID)
	return nil
}

// ValidID reports whether s is a notification id: a positive decimal
// number in canonical form that fits in 63 bits.
func ValidID(s string) bool {
	n, err := strconv.ParseInt(s, 10, 64)
	return err == nil && n > 0 && strconv.FormatInt(n, 10) == s
}
