package tweets

import (
	"context"

	"murmur/fragments/internal/auth"
	"murmur/fragments/internal/fault"
	"murmur/fragments/internal/relations"
)

// Relations tells how a viewer stands with another person; the follow
// service knows (relations.Client).
type Relations interface {
	Of(ctx context.Context, v auth.Viewer, other string) (relations.Relation, error)
}

// refuseBlocked refuses an action (like, reply to, boost) on a tweet when
// a block stands between the viewer and its author, whichever way. A tweet
// that is not there is left to the action itself, which says so.
func (s *Service) refuseBlocked(ctx context.Context, v auth.Viewer, tweetID, action string) error {
	if s.relations == nil {
		return nil
	}
	list, err := s.store.Tweets(ctx, []string{tweetID}, "")
	if err != nil || len(list) == 0 || list[0].Author.ID == v.ID {
		return err
	}
	r, err := s.relations.Of(ctx, v, list[0].Author.ID)
	if err != nil {
		return err
	}
	if r.Either() {
		return fault.New(fault.Forbidden, "You cannot %s this tweet: a block stands between you and its author.", action)
	}
	return nil
}
