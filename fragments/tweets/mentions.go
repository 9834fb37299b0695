package tweets

import (
	"context"
	"slices"
	"strings"

	"murmur/fragments/internal/events"
	"murmur/fragments/internal/fault"
	"murmur/fragments/internal/people"
	"murmur/fragments/tweets/entities"
)

// Handles finds a person by handle; people.Client is one. When the
// service's Authors can do this too, the mentions of a tweet are resolved
// to accounts as it is posted: only those are linked on its card and told
// of it (tweet.mentioned).
type Handles interface {
	ByHandle(ctx context.Context, handle string) (people.Person, error)
}

// mentionedAccounts asks profile which of the handles text mentions name
// an account, and answers their user ids by handle. Resolving happens
// once, when the tweet is written, and is kept with it: a card never asks
// profile about mentions, and what it links never changes. A handle with
// no account (yet) stays text. When profile cannot be reached the tweet
// is still posted, and the mentions it could not resolve stay text too.
func (s *Service) mentionedAccounts(ctx context.Context, text string) map[string]string {
	h, ok := s.authors.(Handles)
	if !ok || strings.IndexByte(text, '@') < 0 {
		return nil
	}
	var out map[string]string
	for _, handle := range entities.Mentions(text) {
		p, err := h.ByHandle(ctx, handle)
		switch {
		case fault.Is(err, fault.NotFound):
			continue
		case err != nil:
			// Profile is down or failing: asking again for each other
			// handle would only make the post wait longer.
			s.logger.WarnContext(ctx, "resolve mentions", "err", err)
			return out
		case p.Handle != handle:
			continue
		}
		if out == nil {
			out = map[string]string{}
		}
		out[handle] = p.ID
	}
	return out
}

// announceMentions publishes tweet.mentioned for a tweet that mentions
// accounts other than its author's, in the order the text mentions them.
func (s *Service) announceMentions(ctx context.Context, t Tweet, mentioned map[string]string) {
	var ids []string
	for _, handle := range entities.Mentions(t.Text) {
		if id, ok := mentioned[handle]; ok && id != t.Author.ID && !slices.Contains(ids, id) {
			ids = append(ids, id)
		}
	}
	if len(ids) == 0 {
		return
	}
	s.bus.Publish(ctx, events.TweetMentioned, events.TweetMentionedPayload{
		TweetID: t.ID, AuthorID: t.Author.ID, MentionedIDs: ids, InReplyToID: t.InReplyToID, CreatedAt: t.CreatedAt,
	})
}
