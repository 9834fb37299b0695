// Package tweets is murmur's posting domain: tweets, the images attached to
// them, likes, replies and conversations, hashtags and search. Storage and
// HTTP live in the store and server packages, which depend on this one.
package tweets

import (
	"context"
	"log/slog"
	"time"

	"murmur/fragments/internal/auth"
	"murmur/fragments/internal/authorset"
	"murmur/fragments/internal/events"
	"murmur/fragments/internal/fault"
	"murmur/fragments/internal/people"
)

// Author is who wrote a tweet, as the tweet shows them.
type Author struct {
	ID          string  `json:"id" example:"42"`
	Handle      string  `json:"handle" example:"ada"`
	DisplayName string  `json:"display_name" example:"Ada Lovelace"`
	AvatarURL   *string `json:"avatar_url" example:"/profile/avatars/42/3f9a0c1d2e4b5a6c7d8e-96.jpg" doc:"The author's profile picture (96×96 JPEG, served by profile); null when there is none."`
}

// Media is an image uploaded to murmur, attached to a tweet or waiting to be.
type Media struct {
	ID          string `json:"id" example:"519324558290944001"`
	URL         string `json:"url" example:"/tweets/media/519324558290944001"`
	ContentType string `json:"content_type" example:"image/jpeg"`
	Width       int    `json:"width" example:"1200"`
	Height      int    `json:"height" example:"800"`
	Alt         string `json:"alt" doc:"Description of the image for people who cannot see it; may be empty."`
	// OwnerID is who uploaded it; only they may attach it.
	OwnerID string `json:"-"`
}

// MediaURL is where an image is served.
func MediaURL(id string) string { return "/tweets/media/" + id }

// Tweet is a short post, in the shape the JSON API and the events use.
type Tweet struct {
	ID     string  `json:"id" example:"519324558290944001" doc:"Time-ordered: a later tweet has a larger id."`
	Author Author  `json:"author"`
	Text   string  `json:"text" example:"Hello, murmur!"`
	Media  []Media `json:"media"`
	// InReplyToID is the tweet this one answers, nil when it answers none;
	// ReplyCount how many replies to it exist.
	InReplyToID *string   `json:"in_reply_to_id" example:"519324558290943000" doc:"The tweet this one replies to; null when it replies to none. It still names a replied-to tweet that was deleted since."`
	ReplyCount  int       `json:"reply_count" doc:"How many replies to this tweet exist (replies to those replies not counted)."`
	LikeCount   int       `json:"like_count"`
	LikedByMe   bool      `json:"liked_by_me"`
	BoostCount  int       `json:"boost_count" doc:"How many people boosted this tweet."`
	BoostedByMe bool      `json:"boosted_by_me"`
	CreatedAt   time.Time `json:"created_at"`
	// BoostedBy and BoostID are set on a home timeline's entry that is
	// there because someone the reader follows boosted the tweet: the
	// newest such boost, whose id is the entry's place in the home.
	BoostedBy *Author `json:"boosted_by,omitempty" doc:"Only in a home timeline, on an entry that is there because someone the reader follows boosted it (the latest of them); absent otherwise."`
	BoostID   string  `json:"boost_id,omitempty" example:"519324558290945000" doc:"With boosted_by: the boost's id, time-ordered like tweet ids; the entry's place in the home (where a live stream's since= and the order put it)."`
	// InReplyToAuthorID wrote the replied-to tweet; known to the write
	// that creates a reply, which announces it, and to feed reads.
	InReplyToAuthorID string `json:"-"`
	// InReplyToReplyCount is the replied-to tweet's reply_count with this
	// reply counted; known only to the write that creates a reply.
	InReplyToReplyCount int `json:"-"`
	// Mentioned are the handles the text mentions that named an account
	// when the tweet was posted, lower case, in alphabetical order: the
	// mentions a card links. Like the text, they never change.
	Mentioned []string `json:"-"`
}

// FeedPosition is where t stands in a home's order: its boost's id when it
// is there as a boost, else its own id.
func (t Tweet) FeedPosition() string {
	if t.BoostID != "" {
		return t.BoostID
	}
	return t.ID
}

// MediaFile is the stored bytes of an image.
type MediaFile struct {
	ContentType string
	Data        []byte
}

// NewMedia is what the store needs to keep an uploaded image.
type NewMedia struct {
	ID        int64
	OwnerID   string
	Alt       string
	Image     Image
	CreatedAt time.Time
}

// Attachment names an uploaded image to attach to a new tweet, with an
// optional new description.
type Attachment struct {
	ID  string
	Alt *string
}

// NewTweet is what the store needs to create a tweet.
type NewTweet struct {
	// NewID makes the tweet's id. The store calls it inside its write
	// transaction, once it holds the write lock, so ids grow in the order
	// tweets are committed: a reader who has seen id N never later finds a
	// tweet below N appear (which would slip past "newer than" catch-ups
	// and "older than" cursors).
	NewID       func() int64
	AuthorID    string
	Text        string
	Attachments []Attachment
	// InReplyTo is the tweet it answers, 0 for none; one that does not
	// exist (any more) is NotFound.
	InReplyTo int64
	// Mentioned maps each mentioned handle that names an account to its
	// user id (see Service.mentionedAccounts); kept with the mentions.
	Mentioned map[string]string
	CreatedAt time.Time
}

// Page is one page of tweets, newest first, and the cursor of the next
// ("" at the end).
type Page struct {
	Tweets []Tweet
	Next   string
}

// Like is the state of one person's like of a tweet after a change.
type Like struct {
	TweetID string
	// AuthorID wrote the tweet: timelines push the new count to the homes
	// that hold the author's tweets.
	AuthorID  string
	UserID    string
	Liked     bool
	LikeCount int
	// Changed is false when the like already was in the asked state.
	Changed bool
	// Boosters are who boosted the tweet, when the like changed: homes
	// hold it through them too. Nil with ManyBoosters set past
	// MaxBoostersNamed (then any home may hold it).
	Boosters     []string
	ManyBoosters bool
}

// Deleted is what deleting a tweet removed.
type Deleted struct {
	// Deleted is false when its author had already deleted it.
	Deleted  bool
	AuthorID string
	// Boosters are who had boosted it: their boosts went with it, and
	// homes held it through them. Nil with ManyBoosters set past
	// MaxBoostersNamed.
	Boosters     []string
	ManyBoosters bool
}

// Erased is what erasing a deleted account removed.
type Erased struct {
	// TweetIDs are their tweets, now deleted; Tweets says of each (in the
	// same order) who had boosted it.
	TweetIDs []string
	Tweets   []Deleted
	// Rows counts every row changed: 0 when there was nothing left.
	Rows int64
}

// MaxBoostersNamed is how many boosters of one tweet a like or a deletion
// names to the feed memo; past it every remembered page is dropped.
const MaxBoostersNamed = 1000

// Boost is the state of one person's boost of a tweet after a change.
type Boost struct {
	TweetID string
	// AuthorID wrote the tweet, InReplyToAuthorID the tweet it answers
	// ("" for none): who sees the original decides who gets the boost.
	AuthorID          string
	InReplyToAuthorID string
	UserID            string
	Boosted           bool
	BoostCount        int
	// ID is the boost's id (the one added, or the one taken back); "" when
	// nothing changed.
	ID string
	// Changed is false when the boost already was in the asked state.
	Changed bool
}

// NewBoost is what the store needs to boost or unboost a tweet.
type NewBoost struct {
	// NewID makes the boost's id, inside the write transaction, as
	// NewTweet.NewID does: tweets and boosts share one order.
	NewID   func() int64
	TweetID string
	UserID  string
	Boosted bool
	At      time.Time
}

// Store keeps tweets, media and likes. Its errors carry fault kinds.
// Tweets it returns have Author.ID set; the rest of Author is filled by
// the domain from the profile service.
type Store interface {
	CreateMedia(ctx context.Context, m NewMedia) (Media, error)
	MediaFile(ctx context.Context, id string) (MediaFile, error)
	// CreateTweet inserts a tweet, attaches its media and keeps its
	// hashtags, mentions and words for search, in one transaction; media
	// that is unknown, another person's, or already attached is Invalid. A
	// reply counts on the replied-to tweet, which must exist (NotFound).
	CreateTweet(ctx context.Context, t NewTweet) (Tweet, error)
	// Tweets returns the tweets among ids that exist, in the order of ids,
	// with LikedByMe set for the viewer (when not empty).
	Tweets(ctx context.Context, ids []string, viewerID string) ([]Tweet, error)
	// TweetsByAuthor lists an author's tweets with ids below before (0 for
	// the newest), newest first.
	TweetsByAuthor(ctx context.Context, authorID string, before int64, limit int, viewerID string) ([]Tweet, error)
	// DeleteTweet removes a tweet with its likes, boosts, media, tags and
	// mentions: NotFound for an id that never was a tweet, Forbidden when
	// by is not its author. Its replies stay. Deleting a tweet its author
	// already deleted reports Deleted=false.
	// EraseUser erases a deleted account's tweets, images, likes and
	// boosts, fixing the counts of others' tweets; idempotent.
	EraseUser(ctx context.Context, userID string, at time.Time) (Erased, error)
	// ExportMarks are the tweets a user likes and boosts, oldest first.
	ExportMarks(ctx context.Context, userID string) (likes, boosts []Mark, err error)
	DeleteTweet(ctx context.Context, id string, by string, at time.Time) (Deleted, error)
	SetLike(ctx context.Context, tweetID, userID string, liked bool, at time.Time) (Like, error)
	// SetBoost records or removes a boost, idempotently; NotFound for a
	// tweet that does not exist (any more).
	SetBoost(ctx context.Context, b NewBoost) (Boost, error)
	// Boosters finds, for boost ids, who boosted and which tweet; unknown
	// ids are left out.
	Boosters(ctx context.Context, boostIDs []int64) (map[int64]BoostRef, error)
	// Feed returns up to q.Limit tweets by q.Authors below q.Below in the
	// feed's order (see FeedQuery), with LikedByMe set for q.ViewerID.
	Feed(ctx context.Context, q FeedQuery) ([]Tweet, error)
	// DeleteUnattachedMedia removes media uploaded before the given time and
	// never attached to a tweet.
	DeleteUnattachedMedia(ctx context.Context, before time.Time) (int, error)
	// ImportTweets inserts many tweets in one transaction, all or none.
	ImportTweets(ctx context.Context, list []ImportedTweet) error
	// ImportLikes records many likes in one transaction, all or none, and
	// tells how many were new.
	ImportLikes(ctx context.Context, likes []ImportedLike) (int, error)
	// Ancestors walks a conversation up from parent, the tweet some tweet
	// replies to: parent, the tweet parent replies to, and so on, nearest
	// first, at most max; a deleted one as its tombstone, through which
	// the walk goes on.
	Ancestors(ctx context.Context, parent int64, max int) ([]ThreadNode, error)
	// Replies reads the conversation below a tweet level by level, each
	// level's replies oldest first under their parents in the order of the
	// level above, at most maxDepth levels and maxNodes nodes in all.
	Replies(ctx context.Context, id int64, maxDepth, maxNodes int) ([]ThreadNode, error)
	// TweetsByTag lists the tweets with a hashtag (in its normal form)
	// with ids below before (0 for the newest), newest first.
	TweetsByTag(ctx context.Context, tag string, before int64, limit int, viewerID string) ([]Tweet, error)
	// Search lists the tweets whose text holds every one of words, with
	// ids below before (0 for the newest), newest first.
	Search(ctx context.Context, words []string, before int64, limit int, viewerID string) ([]Tweet, error)
}

// BoostRef is one boost: who boosted which tweet.
type BoostRef struct {
	TweetID   string
	BoosterID string
}

// Authors finds the public identity of users; people.Client is one.
type Authors interface {
	ByIDs(ctx context.Context, ids []string) (map[string]people.Person, error)
}

// Publisher announces facts to the other services.
type Publisher interface {
	Publish(ctx context.Context, topic string, payload any)
}

// Service is the posting domain's operations.
type Service struct {
	store   Store
	authors Authors
	bus     Publisher
	ids     *IDs
	now     func() time.Time
	logger  *slog.Logger
	// relations tells whether a block stands between two people (nil: never).
	relations Relations
	// feedGroup is how many authors one store query of a feed reads.
	feedGroup int
	// feedMemo is how many feed pages memo keeps; memo is nil when it is 0.
	feedMemo int
	memo     *feedMemo
	// sets are the author lists callers named (see FeedRequest.AuthorsKey).
	sets *authorset.Sets
}

// Option changes how a Service is built.
type Option func(*Service)

// WithClock makes the service read time from now (tests move it forward).
func WithClock(now func() time.Time) Option { return func(s *Service) { s.now = now } }

// WithFeedGroup sets how many authors one store query of a feed reads.
func WithFeedGroup(n int) Option { return func(s *Service) { s.feedGroup = max(1, n) } }

// WithFeedMemo sets how many feed pages the service remembers (see
// feedMemo); 0 turns the memo off, so every feed is read from the store.
func WithFeedMemo(pages int) Option {
	return func(s *Service) { s.feedMemo = max(0, pages) }
}

// WithRelations makes the service ask, before a like, a reply or a boost,
// whether a block stands between the viewer and the tweet's author (see
// internal/relations); without it nothing is refused for a block.
func WithRelations(r Relations) Option { return func(s *Service) { s.relations = r } }

// WithLogger makes the service log through l.
func WithLogger(l *slog.Logger) Option { return func(s *Service) { s.logger = l } }

// NewService returns the posting operations over a store.
func NewService(store Store, authors Authors, bus Publisher, opts ...Option) *Service {
	s := &Service{store: store, authors: authors, bus: bus, now: time.Now, logger: slog.Default(),
		feedGroup: FeedGroup, feedMemo: DefaultFeedMemo, sets: authorset.NewSets(AuthorSetIDs)}
	for _, o := range opts {
		o(s)
	}
	s.ids = NewIDs(s.now)
	if s.feedMemo > 0 {
		s.memo = newFeedMemo(s.feedMemo)
	}
	return s
}

// Upload checks, cleans and keeps an image for owner to attach later.
func (s *Service) Upload(ctx context.Context, owner string, data []byte, alt string) (Media, error) {
	alt, err := CleanAlt(alt)
	if err != nil {
		return Media{}, err
	}
	img, err := ProcessImage(data)
	if err != nil {
		return Media{}, err
	}
	return s.store.CreateMedia(ctx, NewMedia{
		ID: s.ids.Next(), OwnerID: owner, Alt: alt, Image: img,
		CreatedAt: s.now().UTC().Truncate(time.Millisecond),
	})
}

// MediaFile returns an image's bytes.
func (s *Service) MediaFile(ctx context.Context, id string) (MediaFile, error) {
	return s.store.MediaFile(ctx, id)
}

// Post publishes a tweet by the viewer with up to four of their uploaded images.
func (s *Service) Post(ctx context.Context, author auth.Viewer, text string, media []Attachment) (Tweet, error) {
	return s.post(ctx, author, text, media, 0)
}

// Reply publishes the viewer's reply to a tweet, which must still exist.
// A reply is a tweet: it is in its author's tweets and in the homes
// that hold them, and it counts on the replied-to tweet's reply_count.
func (s *Service) Reply(ctx context.Context, author auth.Viewer, inReplyTo, text string, media []Attachment) (Tweet, error) {
	parent, ok := ParseID(inReplyTo)
	if !ok {
		return Tweet{}, fault.New(fault.Invalid, "in_reply_to_id must be a tweet id.")
	}
	if err := s.refuseBlocked(ctx, author, inReplyTo, "reply to"); err != nil {
		return Tweet{}, err
	}
	return s.post(ctx, author, text, media, parent)
}

// post publishes a tweet, a reply when inReplyTo is not 0.
func (s *Service) post(ctx context.Context, author auth.Viewer, text string, media []Attachment, inReplyTo int64) (Tweet, error) {
	text, err := CleanText(text)
	if err != nil {
		return Tweet{}, err
	}
	if len(media) > MaxMedia {
		return Tweet{}, fault.New(fault.Invalid, "A tweet can have at most %d images.", MaxMedia)
	}
	seen := map[string]bool{}
	for i, a := range media {
		if seen[a.ID] {
			return Tweet{}, fault.New(fault.Invalid, "The same image is attached twice.")
		}
		seen[a.ID] = true
		if a.Alt != nil {
			alt, err := CleanAlt(*a.Alt)
			if err != nil {
				return Tweet{}, err
			}
			media[i].Alt = &alt
		}
	}
	mentioned := s.mentionedAccounts(ctx, text)
	t, err := s.store.CreateTweet(ctx, NewTweet{
		NewID: s.ids.Next, AuthorID: author.ID, Text: text, Attachments: media, InReplyTo: inReplyTo,
		Mentioned: mentioned, CreatedAt: s.now().UTC().Truncate(time.Millisecond),
	})
	// Told even when the write failed: an error from COMMIT itself leaves
	// unsure whether it landed, and a needless change costs only a reread.
	// A reply changes its author's feeds like any tweet; the replied-to
	// tweet's reply_count moves no feed (they are read afresh on each
	// request, and neither order depends on them).
	s.memo.tweetChanged(author.ID)
	if err != nil {
		return Tweet{}, err
	}
	s.fillAuthors(ctx, []*Tweet{&t}, author)
	payload := events.TweetCreatedPayload{Tweet: t.event(), AuthorID: author.ID}
	if t.InReplyToAuthorID != "" {
		payload.InReplyToAuthorID = &t.InReplyToAuthorID
		payload.InReplyToReplyCount = &t.InReplyToReplyCount
	}
	s.bus.Publish(ctx, events.TweetCreated, payload)
	s.announceMentions(ctx, t, mentioned)
	return t, nil
}

// event is the tweet as tweet.created carries it: nobody's view of it.
func (t Tweet) event() events.Tweet {
	media := make([]events.Media, len(t.Media))
	for i, m := range t.Media {
		media[i] = events.Media{ID: m.ID, URL: m.URL, ContentType: m.ContentType, Width: m.Width, Height: m.Height, Alt: m.Alt}
	}
	return events.Tweet{
		ID: t.ID, Author: events.Author(t.Author), Text: t.Text, Media: media,
		InReplyToID: t.InReplyToID, ReplyCount: t.ReplyCount, LikeCount: t.LikeCount, BoostCount: t.BoostCount,
		CreatedAt: t.CreatedAt,
	}
}

var errNoTweet = fault.New(fault.NotFound, "This tweet does not exist or was deleted.")

// Tweet finds one tweet as the viewer sees it.
func (s *Service) Tweet(ctx context.Context, id string, viewer auth.Viewer) (Tweet, error) {
	list, err := s.Tweets(ctx, []string{id}, viewer)
	if err != nil {
		return Tweet{}, err
	}
	if len(list) == 0 {
		return Tweet{}, errNoTweet
	}
	return list[0], nil
}

// Tweets returns the tweets among ids that exist, in the order given.
func (s *Service) Tweets(ctx context.Context, ids []string, viewer auth.Viewer) ([]Tweet, error) {
	list, err := s.store.Tweets(ctx, ids, viewer.ID)
	if err != nil {
		return nil, err
	}
	s.fill(ctx, list, viewer)
	return list, nil
}

// ByAuthor lists an author's tweets, newest first, a page at a time.
func (s *Service) ByAuthor(ctx context.Context, authorID, cursor string, limit int, viewer auth.Viewer) (Page, error) {
	return s.newestFirst(ctx, cursor, limit, viewer, func(before int64, limit int) ([]Tweet, error) {
		return s.store.TweetsByAuthor(ctx, authorID, before, limit, viewer.ID)
	})
}

// Delete removes the viewer's tweet, and its boosts with it. Deleting it
// again succeeds quietly.
func (s *Service) Delete(ctx context.Context, id string, by auth.Viewer) error {
	d, err := s.store.DeleteTweet(ctx, id, by.ID, s.now().UTC())
	if d.Deleted || err != nil {
		s.memo.tweetChanged(d.AuthorID)
		// Homes held it through its boosts too.
		if d.ManyBoosters {
			s.memo.everythingChanged()
		}
		for _, b := range d.Boosters {
			s.memo.boostsChanged(b)
		}
	}
	if err != nil {
		return err
	}
	if d.Deleted {
		boosters := d.Boosters
		if boosters == nil {
			boosters = []string{}
		}
		s.bus.Publish(ctx, events.TweetDeleted, events.TweetDeletedPayload{ID: id, AuthorID: d.AuthorID, BoosterIDs: boosters})
	}
	return nil
}

// SetLike likes (or unlikes) a tweet for the viewer; asking for the state
// it is already in changes nothing and announces nothing.
func (s *Service) SetLike(ctx context.Context, tweetID string, by auth.Viewer, liked bool) (Like, error) {
	if liked {
		if err := s.refuseBlocked(ctx, by, tweetID, "like"); err != nil {
			return Like{}, err
		}
	}
	l, err := s.store.SetLike(ctx, tweetID, by.ID, liked, s.now().UTC())
	if l.Changed || err != nil {
		s.memo.likesChanged(l.AuthorID)
		// Its boosts stand in the popular order by its likes too.
		if l.ManyBoosters {
			s.memo.everythingChanged()
		}
		for _, b := range l.Boosters {
			s.memo.likesChanged(b)
		}
	}
	if err != nil {
		return Like{}, err
	}
	if l.Changed {
		s.bus.Publish(ctx, events.LikeChanged, events.LikeChangedPayload{
			TweetID: l.TweetID, AuthorID: l.AuthorID, UserID: l.UserID, Liked: l.Liked, LikeCount: l.LikeCount,
		})
	}
	return l, nil
}

// SetBoost boosts (or unboosts) a tweet for the viewer: boosted, it
// reaches the homes of the viewer's followers. Asking for the state it is
// already in changes nothing and announces nothing. Boosting one's own
// tweet is allowed, as on Twitter: it shows in no home twice, since those
// who see the boost also see the original.
func (s *Service) SetBoost(ctx context.Context, tweetID string, by auth.Viewer, boosted bool) (Boost, error) {
	if boosted {
		if err := s.refuseBlocked(ctx, by, tweetID, "boost"); err != nil {
			return Boost{}, err
		}
	}
	at := s.now().UTC().Truncate(time.Millisecond)
	b, err := s.store.SetBoost(ctx, NewBoost{NewID: s.ids.Next, TweetID: tweetID, UserID: by.ID, Boosted: boosted, At: at})
	if b.Changed || err != nil {
		s.memo.boostsChanged(by.ID)
	}
	if err != nil {
		return Boost{}, err
	}
	if !b.Changed {
		return b, nil
	}
	payload := events.BoostChangedPayload{
		TweetID: b.TweetID, AuthorID: b.AuthorID, UserID: b.UserID, Boosted: b.Boosted,
		BoostCount: b.BoostCount, BoostID: b.ID, At: at,
		Booster: events.Author{ID: by.ID, Handle: by.Handle, DisplayName: by.Handle},
	}
	if b.InReplyToAuthorID != "" {
		payload.InReplyToAuthorID = &b.InReplyToAuthorID
	}
	list, err := s.store.Tweets(ctx, []string{b.TweetID}, "")
	if err != nil {
		s.logger.WarnContext(ctx, "read a boosted tweet for its event", "tweet", b.TweetID, "err", err)
	}
	booster := Tweet{Author: Author{ID: by.ID}}
	ptrs := []*Tweet{&booster}
	if len(list) > 0 {
		ptrs = append(ptrs, &list[0])
	}
	s.fillAuthors(ctx, ptrs, by)
	payload.Booster = events.Author(booster.Author)
	if boosted && len(list) > 0 {
		e := list[0].event()
		payload.Tweet = &e
	}
	s.bus.Publish(ctx, events.BoostChanged, payload)
	return b, nil
}

// CleanupMedia removes images uploaded more than a day ago and never
// attached to a tweet, and tells how many. No feed changes: the images were
// nobody's tweet's.
func (s *Service) CleanupMedia(ctx context.Context) (int, error) {
	return s.store.DeleteUnattachedMedia(ctx, s.now().Add(-24*time.Hour))
}

// RunMediaCleanup cleans up unattached media now and then every interval,
// until ctx ends.
func (s *Service) RunMediaCleanup(ctx context.Context, every time.Duration) {
	t := time.NewTicker(every)
	defer t.Stop()
	for {
		if n, err := s.CleanupMedia(ctx); err != nil && ctx.Err() == nil {
			s.logger.ErrorContext(ctx, "clean up unattached media", "err", err)
		} else if n > 0 {
			s.logger.InfoContext(ctx, "cleaned up unattached media", "count", n)
		}
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
	}
}

func (s *Service) fill(ctx context.Context, list []Tweet, viewer auth.Viewer) {
	ptrs := make([]*Tweet, len(list))
	for i := range list {
		ptrs[i] = &list[i]
	}
	s.fillAuthors(ctx, ptrs, viewer)
}

// fillAuthors completes the authors of tweets from the profile service.
// When profile cannot answer, tweets still render: the viewer's own
// tweets with the handle from their session, others as "unknown".
func (s *Service) fillAuthors(ctx context.Context, list []*Tweet, viewer auth.Viewer) {
	if len(list) == 0 {
		return
	}
	var ids []string
	seen := map[string]bool{}
	for _, t := range list {
		if !seen[t.Author.ID] {
			ids, seen[t.Author.ID] = append(ids, t.Author.ID), true
		}
		if t.BoostedBy != nil && !seen[t.BoostedBy.ID] {
			ids, seen[t.BoostedBy.ID] = append(ids, t.BoostedBy.ID), true
		}
	}
	found, err := s.authors.ByIDs(ctx, ids)
	if err != nil {
		s.logger.WarnContext(ctx, "look up tweet authors", "err", err)
	}
	who := func(id string) Author {
		p, ok := found[id]
		switch {
		case ok:
			a := Author{ID: p.ID, Handle: p.Handle, DisplayName: p.DisplayName}
			if p.AvatarURL != "" {
				a.AvatarURL = &p.AvatarURL
			}
			return a
		case viewer.ID != "" && viewer.ID == id:
			return Author{ID: viewer.ID, Handle: viewer.Handle, DisplayName: viewer.Handle}
		default:
			return Author{ID: id, Handle: "unknown", DisplayName: "Unknown"}
		}
	}
	for _, t := range list {
		t.Author = who(t.Author.ID)
		if t.BoostedBy != nil {
			b := who(t.BoostedBy.ID)
			t.BoostedBy = &b
		}
	}
}

// EraseUser erases what tweets keeps of a deleted account (Store.EraseUser)
// and tells the other services each of their tweets is gone, so open
// homes drop them. Every remembered feed page is dropped: the likes and
// boosts taken back moved tweets of many authors. Erasing again finds
// nothing and announces nothing.
func (s *Service) EraseUser(ctx context.Context, userID string) (Erased, error) {
	e, err := s.store.EraseUser(ctx, userID, s.now().UTC())
	if err != nil {
		return e, err
	}
	if e.Rows == 0 {
		return e, nil
	}
	s.memo.everythingChanged()
	for i, id := range e.TweetIDs {
		boosters := e.Tweets[i].Boosters
		if boosters == nil {
			boosters = []string{}
		}
		s.bus.Publish(ctx, events.TweetDeleted, events.TweetDeletedPayload{ID: id, AuthorID: userID, BoosterIDs: boosters})
	}
	return e, nil
}

// DeletionGroup is the consumer group tweets reads user.deleted in.
const DeletionGroup = "tweets"

// ConsumeDeletions erases each deleted account's part here, from the
// user.deleted stream, until ctx ends (see events.Bus.ConsumeUserDeleted).
func (s *Service) ConsumeDeletions(ctx context.Context, bus *events.Bus) {
	bus.ConsumeUserDeleted(ctx, DeletionGroup, func(ctx context.Context, p events.UserDeletedPayload) error {
		e, err := s.EraseUser(ctx, p.UserID)
		if err == nil && e.Rows > 0 {
			s.logger.InfoContext(ctx, "erased a deleted account", "user_id", p.UserID, "tweets", len(e.TweetIDs), "rows", e.Rows)
		}
		return err
	})
}

// Mark is a like or a boost of a tweet, as an export lists it.
type Mark struct {
	TweetID string    `json:"tweet_id"`
	At      time.Time `json:"at"`
}

// Export is everything tweets keeps of one person, for them to take
// away: their tweets (with their images' descriptions and URLs), and
// what they liked and boosted.
type Export struct {
	Tweets []Tweet `json:"tweets"`
	Likes  []Mark  `json:"likes"`
	Boosts []Mark  `json:"boosts"`
}

// Export gathers the viewer's own tweets (newest first), likes and boosts.
func (s *Service) Export(ctx context.Context, viewer auth.Viewer) (Export, error) {
	list, err := s.store.TweetsByAuthor(ctx, viewer.ID, 0, 1<<30, viewer.ID)
	if err != nil {
		return Export{}, err
	}
	s.fill(ctx, list, viewer)
	likes, boosts, err := s.store.ExportMarks(ctx, viewer.ID)
	if err != nil {
		return Export{}, err
	}
	return Export{Tweets: list, Likes: likes, Boosts: boosts}, nil
}
