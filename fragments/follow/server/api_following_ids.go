package server

import (
	"context"
	"crypto/sha256"
	"encoding/base64"
	"fmt"
	"net/http"
	"strings"
	"time"

	"github.com/danielgtaylor/huma/v2"
	"github.com/danielgtaylor/huma/v2/conditional"

	"murmur/fragments/follow"
	"murmur/fragments/internal/fault"
	"murmur/fragments/internal/jsonapi"
	"murmur/fragments/internal/viewer"
)

// IDList is a page of user ids.
type IDList struct {
	Items []string `json:"items" example:"[\"42\",\"7\"]"`
	Next  *string  `json:"next" doc:"Pass back as ?cursor= for the next page; null at the end."`
}

// FollowingIDList is a page of the home's followee ids and its hidden set.
type FollowingIDList struct {
	IDList
	Hidden []string `json:"hidden" example:"[\"13\"]" doc:"Everyone whose tweets and boosts stay out of the user's home: whom they muted or blocked and who blocked them (the same on every page)."`
}

// idListInput takes If-None-Match alone rather than embedding
// conditional.Params: a list has no modification time, and Params would
// answer an If-Modified-Since of any date with 304.
type idListInput struct {
	UserID      string   `path:"user_id" doc:"A user id (positive decimal)."`
	Limit       int      `query:"limit" minimum:"1" maximum:"5000" default:"1000"`
	Cursor      string   `query:"cursor" maxLength:"200"`
	IfNoneMatch []string `header:"If-None-Match" doc:"ETags of pages already held: when one of them is still current, the answer is 304 Not Modified, without a body."`
}

type idListOutput struct {
	ETag string `header:"ETag" doc:"Strong: the same tag always comes with the same list. Send it back as If-None-Match."`
	Body FollowingIDList
}

// registerFollowingIDsAPI adds the bare list of whom someone follows, the
// timeline service's input: a thousand ids per answer and no profile
// lookups. It is read on every home page, so it answers conditional
// requests: a reader that kept the list asks whether it is still current,
// which costs this service one primary-key lookup and no list.
func (s *server) registerFollowingIDsAPI(api huma.API) {
	huma.Register(api, huma.Operation{
		OperationID: "list-following-ids", Method: http.MethodGet, Path: "/follow/api/users/{user_id}/following/ids",
		Summary: "Ids of whom I follow (my home's list)",
		Description: "Most recently followed first, up to 5000 a page (1000 unless limit says otherwise). An id that names no one follows no one (an empty list). " +
			"It is the home's list: whom the user muted is left out, and `hidden` names everyone whose tweets and boosts stay out of the home. " +
			"Only the user themself may read it (403 for anyone else): it tells whom they muted and blocked and who blocked them.\n\n" +
			"Every answer carries a strong `ETag` for its page (user, `limit` and `cursor`), which changes as soon as the user " +
			"follows, unfollows, blocks, unblocks, mutes or unmutes anyone, or is blocked or unblocked (and only then). Send it back in `If-None-Match`: while the list is unchanged the " +
			"answer is `304 Not Modified`, with no body, and the page kept from before is current.",
		Tags: []string{"users"}, Security: jsonapi.Security, Errors: []int{401, 403, 422},
		Responses: map[string]*huma.Response{
			"304": {
				Description: "Not Modified: the page whose ETag was sent in If-None-Match is still current.",
				Headers: map[string]*huma.Param{"ETag": {
					Description: "The page's current ETag (the one sent).", Schema: &huma.Schema{Type: "string"},
				}},
			},
		},
	}, s.listFollowingIDs)
}

func (s *server) listFollowingIDs(ctx context.Context, in *idListInput) (*idListOutput, error) {
	v, err := viewer.Require(ctx)
	if err != nil {
		return nil, err
	}
	// The home's list says whom its owner muted and blocked and who
	// blocked them: theirs alone to read.
	if v.ID != in.UserID {
		return nil, jsonapi.Error(fault.New(fault.Forbidden, "This list is only its owner's: whom someone follows is at /follow/api/users/{user_id}/following."))
	}
	if len(in.IfNoneMatch) > 0 {
		version, err := s.Graph.FollowingVersion(ctx, in.UserID)
		if err != nil {
			return nil, jsonapi.Error(err)
		}
		tag := followingETag(version, in.Limit, in.Cursor)
		// huma's conditional rules (a weak match, "*"), on the tags as sent,
		// which huma splits at commas but does not trim.
		held := conditional.Params{IfNoneMatch: make([]string, len(in.IfNoneMatch))}
		for i, t := range in.IfNoneMatch {
			held.IfNoneMatch[i] = strings.TrimSpace(t)
		}
		if err := held.PreconditionFailed(tag, time.Time{}); err != nil {
			return nil, huma.ErrorWithHeaders(err, http.Header{"ETag": {quoted(tag)}})
		}
	}
	page, version, err := s.Graph.FollowingIDs(ctx, in.UserID, in.Limit, in.Cursor)
	if err != nil {
		return nil, jsonapi.Error(err)
	}
	out := FollowingIDList{IDList: IDList{Items: page.IDs, Next: jsonapi.Next(page.Next)}, Hidden: page.Hidden}
	return &idListOutput{ETag: quoted(followingETag(version, in.Limit, in.Cursor)), Body: out}, nil
}

// followingETag names one answer of the listing, unquoted: the version of
// whom the user follows and the page asked for. The version changes with
// any change to the list and is read with it, so one tag always stands for
// one body: a strong ETag. Whose list it is needs no place in it: a tag is
// only ever compared on the same URL.
func followingETag(version follow.FollowingVersion, limit int, cursor string) string {
	sum := sha256.Sum256(fmt.Appendf(nil, "%d/%d/%s", version, limit, cursor))
	return base64.RawURLEncoding.EncodeToString(sum[:16])
}

// quoted is an ETag header's value for a tag.
func quoted(tag string) string { return `"` + tag + `"` }
