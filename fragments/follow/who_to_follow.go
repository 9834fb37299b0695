package follow

import (
	"context"
	"time"

	"murmur/fragments/internal/people"
)

// The who-to-follow widget is on every home page, and ranking the people
// one's followees follow is the most expensive question this service
// answers (measured: about two thirds of its CPU on a home page of someone
// following a thousand). Its picks are remembered per viewer, for a while:
//
//   - suggestionsFor bounds how late changes elsewhere in the graph (whom
//     others follow, people new to murmur) reach the widget;
//   - suggestionsKept bounds the memory: five ids and a version a viewer.
const (
	suggestionsFor  = time.Minute
	suggestionsKept = 10_000
)

// suggestion is a viewer's who-to-follow picks and the version of whom
// they followed when the picks were made.
type suggestion struct {
	version FollowingVersion
	ids     []string
}

// WhoToFollow is what the who-to-follow widget shows viewerID ("" when
// signed out): Suggest's first SuggestionCount, none skipped. The picks are
// remembered with the version of whom the viewer follows, and used only
// while it is unchanged: someone the viewer has just followed leaves the
// widget at once, someone just unfollowed may come back at once. What
// others do reaches the widget within suggestionsFor. The people are looked
// up afresh each time (profile's answers are cached on their own), so
// names are as current as everywhere else.
func (g *Graph) WhoToFollow(ctx context.Context, viewerID string) ([]people.Person, error) {
	// The version is read before the picks are made: a follow committed
	// in between leaves them under the older version, so the next request
	// picks again, never the other way round.
	version, err := g.FollowingVersion(ctx, viewerID)
	if err != nil {
		return nil, err
	}
	if s, ok := g.suggested.Get(viewerID); ok && s.version == version {
		return g.resolve(ctx, s.ids)
	}
	ids, err := g.suggest(ctx, viewerID, SuggestionCount, nil)
	if err != nil {
		return nil, err
	}
	g.suggested.Add(viewerID, suggestion{version: version, ids: ids})
	return g.resolve(ctx, ids)
}
