package tweets

import (
	"context"
	"strings"

	"murmur/fragments/internal/auth"
)

// Entries returns home entries as the viewer sees them, in the order
// given: each entry is a tweet id, or "<tweet id>:<boost id>" for a tweet
// there as a boost (BoostedBy and BoostID set). Malformed and unknown
// entries, boosts that are not of the tweet named, and repeated tweets
// are left out. It is how a live home asks for the cards of what arrived.
func (s *Service) Entries(ctx context.Context, entries []string, viewer auth.Viewer) ([]Tweet, error) {
	ids := make([]string, 0, len(entries))
	boosts := map[string]int64{}
	var boostIDs []int64
	for _, e := range entries {
		tweet, boost, isBoost := strings.Cut(e, ":")
		if _, ok := ParseID(tweet); !ok {
			continue
		}
		if isBoost {
			b, ok := ParseID(boost)
			if !ok {
				continue
			}
			boosts[tweet] = b
			boostIDs = append(boostIDs, b)
		}
		ids = append(ids, tweet)
	}
	list, err := s.store.Tweets(ctx, ids, viewer.ID)
	if err != nil {
		return nil, err
	}
	if len(boostIDs) > 0 {
		refs, err := s.store.Boosters(ctx, boostIDs)
		if err != nil {
			return nil, err
		}
		kept := list[:0]
		for _, t := range list {
			if b, ok := boosts[t.ID]; ok {
				ref, found := refs[b]
				if !found || ref.TweetID != t.ID {
					continue // taken back since, or not this tweet's
				}
				t.BoostedBy, t.BoostID = &Author{ID: ref.BoosterID}, FormatID(b)
			}
			kept = append(kept, t)
		}
		list = kept
	}
	s.fill(ctx, list, viewer)
	return list, nil
}
