package server

import (
	"encoding/json"
	"net/http"
	"strconv"

	"github.com/gin-gonic/gin"

	"murmur/fragments/internal/fault"
	"murmur/fragments/internal/problem"
	"murmur/fragments/internal/render"
	"murmur/fragments/internal/viewer"
	"murmur/fragments/tweets"
)

// feedFragmentRequest is what the timeline asks of the feed fragment: the
// same query as POST /tweets/api/feed.
type feedFragmentRequest struct {
	Authors    []string `json:"authors"`
	AuthorsKey string   `json:"authors_key"`
	Hidden     []string `json:"hidden"`
	Sort       string   `json:"sort"`
	Cursor     string   `json:"cursor"`
	Limit      int      `json:"limit"`
}

// feedFragment answers a page of a home timeline as the viewer's cards,
// in one call: the timeline would otherwise ask for the page's ids as JSON
// and then for their cards. The next cursor, the feed's newest tweet (on
// a first page: the place of its first entry, a boost's id for a boost)
// and the number of cards come in headers
// (render.Feed*Header); failures are problem+json.
func (s *server) feedFragment(c *gin.Context) {
	v := viewer.Of(c)
	if v == nil {
		s.signInPrompt(c, http.StatusUnauthorized, "Your session has ended. Sign in again.")
		return
	}
	var req feedFragmentRequest
	if err := json.NewDecoder(http.MaxBytesReader(c.Writer, c.Request.Body, 2<<20)).Decode(&req); err != nil {
		s.feedError(c, fault.New(fault.Invalid, "The feed request is not JSON of the feed query's shape."))
		return
	}
	ctx := c.Request.Context()
	q := tweets.FeedRequest{Authors: req.Authors, AuthorsKey: req.AuthorsKey, Hidden: req.Hidden, Sort: req.Sort, Cursor: req.Cursor, Limit: req.Limit}
	if q.Limit == 0 {
		q.Limit = 20
	}
	page, err := s.Tweets.Feed(ctx, q, *v)
	if err != nil {
		s.feedError(c, err)
		return
	}
	if req.Cursor == "" {
		newest := "0"
		switch {
		case req.Sort == tweets.SortPopular:
			top, err := s.Tweets.Feed(ctx, tweets.FeedRequest{Authors: req.Authors, AuthorsKey: req.AuthorsKey, Hidden: req.Hidden, Sort: tweets.SortRecent, Limit: 1}, *v)
			if err != nil {
				s.feedError(c, err)
				return
			}
			if len(top.Tweets) > 0 {
				newest = top.Tweets[0].FeedPosition()
			}
		case len(page.Tweets) > 0:
			newest = page.Tweets[0].FeedPosition()
		}
		c.Header(render.FeedNewestHeader, newest)
	}
	if page.Next != "" {
		c.Header(render.FeedNextHeader, page.Next)
	}
	c.Header(render.FeedCountHeader, strconv.Itoa(len(page.Tweets)))
	s.renderCards(c, page.Tweets)
}

// feedError answers a failed feed request as problem+json, like the API:
// its reader is the timeline service, which passes the detail on.
func (s *server) feedError(c *gin.Context, err error) {
	status := problem.Status(err)
	if status >= http.StatusInternalServerError {
		s.Logger.ErrorContext(c.Request.Context(), "feed fragment failed", "err", err)
	}
	problem.Write(c.Writer, status, fault.Message(err))
}
