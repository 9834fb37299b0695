package server

import (
	"fmt"
	"net/http"
	"strings"

	"github.com/gin-gonic/gin"

	"murmur/fragments/internal/auth"
	"murmur/fragments/internal/fault"
	"murmur/fragments/internal/htmx"
	"murmur/fragments/internal/problem"
	"murmur/fragments/internal/ratelimit"
	"murmur/fragments/internal/render"
	"murmur/fragments/internal/viewer"
	"murmur/fragments/tweets"
)

// maxPostBody caps a posted compose form: 280 characters and four image
// descriptions fit many times over.
const maxPostBody = 64 << 10

func (s *server) render(c *gin.Context, status int, name string, data any) {
	render.HTML(c, status, s.tmpl, name, data)
}

// signInPrompt answers a fragment that needs a signed-in viewer.
func (s *server) signInPrompt(c *gin.Context, status int, message string) {
	s.render(c, status, "signin-prompt", prompt{Message: message, Home: s.signInURL(c, render.LinksFor(c, service))})
}

func orAnonymous(v *auth.Viewer) auth.Viewer {
	if v == nil {
		return auth.Viewer{}
	}
	return *v
}

// composeFragment is the compose box, or a sign-in prompt.
func (s *server) composeFragment(c *gin.Context) {
	if viewer.Of(c) == nil {
		s.signInPrompt(c, http.StatusOK, "Sign in to post on murmur.")
		return
	}
	s.render(c, http.StatusOK, "compose", newCompose(c, ""))
}

// postFragment posts the compose box. It answers with an empty box and
// fires tweet-created, or with the box as typed and the reason it was refused.
func (s *server) postFragment(c *gin.Context) {
	v := viewer.Of(c)
	if v == nil {
		s.signInPrompt(c, http.StatusUnauthorized, "Your session has ended. Sign in again to post.")
		return
	}
	c.Request.Body = http.MaxBytesReader(c.Writer, c.Request.Body, maxPostBody)
	text := c.PostForm("text")
	var media []tweets.Attachment
	var shown []attachment
	for _, id := range c.PostFormArray("media_ids") {
		alt := c.PostForm("alt_" + id)
		media = append(media, tweets.Attachment{ID: id, Alt: &alt})
		shown = append(shown, attachment{ID: id, URL: render.LinksFor(c, service).Self() + "/media/" + id, Alt: alt})
	}
	err := s.Limits.Check(c.Request.Context(), ratelimit.Post, v.ID, 1)
	if err == nil {
		_, err = s.Tweets.Post(c.Request.Context(), *v, text, media)
	}
	if err != nil {
		box := newCompose(c, text)
		box.Attachments, box.Error = shown, fault.Message(err)
		if fault.KindOf(err) == fault.Internal {
			s.Logger.ErrorContext(c.Request.Context(), "post tweet", "err", err)
		}
		problem.SetRetryAfter(c.Writer.Header(), err)
		s.render(c, problem.Status(err), "compose", box)
		return
	}
	htmx.Trigger(c, htmx.TweetCreated)
	s.render(c, http.StatusOK, "compose", newCompose(c, ""))
}

// uploadFragment takes the images chosen in the compose box and answers
// one preview (with an alt text field) per image, to append to the box:
// as many as fit beside those already attached, the first chosen first,
// and a line naming the ones left out.
func (s *server) uploadFragment(c *gin.Context) {
	v := viewer.Of(c)
	if v == nil {
		s.render(c, http.StatusUnauthorized, "attachment", attachment{Error: "Your session has ended. Sign in again to upload images."})
		return
	}
	if err := parseUpload(c.Writer, c.Request, tweets.MaxMedia); err != nil {
		s.render(c, problem.Status(err), "attachment", attachment{Error: fault.Message(err)})
		return
	}
	form := c.Request.MultipartForm
	defer form.RemoveAll()
	files := form.File["file"]
	if len(files) == 0 {
		s.render(c, http.StatusUnprocessableEntity, "attachment", attachment{Error: "Choose an image to attach."})
		return
	}
	// Images past the fourth are left out, and the answer says so: the
	// first ones chosen are kept.
	keep := tweets.RoomForMedia(len(form.Value["media_ids"]), len(files))
	if keep == 0 {
		s.render(c, http.StatusUnprocessableEntity, "attachment",
			attachment{Error: fmt.Sprintf("A tweet can have at most %d images.", tweets.MaxMedia)})
		return
	}
	files, leftOut := files[:keep], files[keep:]
	if err := s.Limits.Check(c.Request.Context(), ratelimit.Upload, v.ID, len(files)); err != nil {
		problem.SetRetryAfter(c.Writer.Header(), err)
		s.render(c, problem.Status(err), "attachment", attachment{Error: fault.Message(err)})
		return
	}
	var out []attachment
	status := http.StatusOK
	failed := 0
	for _, fh := range files {
		data, err := readImage(fh)
		var m tweets.Media
		if err == nil {
			m, err = s.Tweets.Upload(c.Request.Context(), v.ID, data, "")
		}
		if err != nil {
			if fault.KindOf(err) == fault.Internal {
				s.Logger.ErrorContext(c.Request.Context(), "upload image", "err", err)
			}
			failed++
			status = problem.Status(err)
			out = append(out, attachment{Error: fh.Filename + ": " + fault.Message(err)})
			continue
		}
		out = append(out, attachment{ID: m.ID, URL: render.LinksFor(c, service).Self() + "/media/" + m.ID})
	}
	if failed < len(files) {
		status = http.StatusOK
	}
	if len(leftOut) > 0 {
		names := make([]string, len(leftOut))
		for i, fh := range leftOut {
			names[i] = fh.Filename
		}
		out = append(out, attachment{Error: tweets.LeftOutNotice(names)})
	}
	s.render(c, status, "attachments", out)
}

// cardFragment is one tweet's card.
func (s *server) cardFragment(c *gin.Context) {
	t, err := s.Tweets.Tweet(c.Request.Context(), c.Param("id"), orAnonymous(viewer.Of(c)))
	if err != nil {
		render.FragmentError(c, s.tmpl, err)
		return
	}
	s.renderCards(c, []tweets.Tweet{t})
}

// renderCards answers the viewer's cards of tweets, in order: the
// rendered cards one after the other (each one html/template's output,
// mostly from the card cache), written as they are.
func (s *server) renderCards(c *gin.Context, list []tweets.Tweet) {
	cards, err := s.cards(c, list)
	if err != nil {
		render.FragmentError(c, s.tmpl, err)
		return
	}
	n := 0
	for _, cd := range cards {
		n += len(cd.HTML)
	}
	out := make([]byte, 0, n)
	for _, cd := range cards {
		out = append(out, cd.HTML...)
	}
	c.Header("Cache-Control", "no-store")
	c.Data(http.StatusOK, "text/html; charset=utf-8", out)
}

// cardsFragment is the cards of the tweets with the given ids, in that
// order, unknown ones left out: how other services show tweets. An id may
// be "<tweet id>:<boost id>", a home's entry that is there as a boost
// (tweets.Service.Entries), whose card says who boosted it.
func (s *server) cardsFragment(c *gin.Context) {
	var ids []string
	for id := range strings.SplitSeq(c.Query("ids"), ",") {
		if id = strings.TrimSpace(id); id != "" {
			ids = append(ids, id)
		}
	}
	if len(ids) > 100 {
		render.FragmentError(c, s.tmpl, fault.New(fault.Invalid, "At most 100 tweets at a time."))
		return
	}
	list, err := s.Tweets.Entries(c.Request.Context(), ids, orAnonymous(viewer.Of(c)))
	if err != nil {
		render.FragmentError(c, s.tmpl, err)
		return
	}
	s.renderCards(c, list)
}

// deleteFragment deletes the viewer's tweet; the card removes itself and
// tweet-deleted tells the other widgets.
func (s *server) deleteFragment(c *gin.Context) {
	v := viewer.Of(c)
	if v == nil {
		s.signInPrompt(c, http.StatusUnauthorized, "Your session has ended. Sign in again to delete.")
		return
	}
	if err := s.Tweets.Delete(c.Request.Context(), c.Param("id"), *v); err != nil {
		render.FragmentError(c, s.tmpl, err)
		return
	}
	// The swap removes the card holding the button that asked.
	htmx.TriggerOnBody(c, htmx.TweetDeleted)
	c.Header("Cache-Control", "no-store")
	c.Data(http.StatusOK, "text/html; charset=utf-8", nil)
}

// likeFragment likes or unlikes a tweet and answers the like button in
// its new state.
func (s *server) likeFragment(liked bool) gin.HandlerFunc {
	return func(c *gin.Context) {
		v := viewer.Of(c)
		if v == nil {
			s.signInPrompt(c, http.StatusUnauthorized, "Sign in to like tweets.")
			return
		}
		if liked {
			// Past the limit the button gives way to the reason, until
			// the card is shown again.
			if err := s.Limits.Check(c.Request.Context(), ratelimit.Like, v.ID, 1); err != nil {
				render.FragmentError(c, s.tmpl, err)
				return
			}
		}
		l, err := s.Tweets.SetLike(c.Request.Context(), c.Param("id"), *v, liked)
		if err != nil {
			render.FragmentError(c, s.tmpl, err)
			return
		}
		htmx.Trigger(c, htmx.LikeChanged)
		s.render(c, http.StatusOK, "like", card{Links: render.LinksFor(c, service), Viewer: v, Tweet: tweets.Tweet{ID: l.TweetID, LikeCount: l.LikeCount, LikedByMe: l.Liked}})
	}
}

// boostFragment boosts or unboosts a tweet and answers the boost button in
// its new state; boost-changed tells the other widgets.
func (s *server) boostFragment(boosted bool) gin.HandlerFunc {
	return func(c *gin.Context) {
		v := viewer.Of(c)
		if v == nil {
			s.signInPrompt(c, http.StatusUnauthorized, "Sign in to boost tweets.")
			return
		}
		if boosted {
			// Past the limit the button gives way to the reason, until
			// the card is shown again.
			if err := s.Limits.Check(c.Request.Context(), ratelimit.Boost, v.ID, 1); err != nil {
				render.FragmentError(c, s.tmpl, err)
				return
			}
		}
		b, err := s.Tweets.SetBoost(c.Request.Context(), c.Param("id"), *v, boosted)
		if err != nil {
			render.FragmentError(c, s.tmpl, err)
			return
		}
		htmx.Trigger(c, htmx.BoostChanged)
		s.render(c, http.StatusOK, "boost", card{Links: render.LinksFor(c, service), Viewer: v,
			Tweet: tweets.Tweet{ID: b.TweetID, BoostCount: b.BoostCount, BoostedByMe: b.Boosted}})
	}
}

// userTweets loads a page of the tweets of the person with a handle.
func (s *server) userTweets(c *gin.Context, handle string) (tweetList, error) {
	l := tweetList{Links: render.LinksFor(c, service), Viewer: viewer.Of(c)}
	p, err := s.People.ByHandle(c.Request.Context(), handle)
	if err != nil {
		return l, err
	}
	l.Handle = p.Handle
	page, err := s.Tweets.ByAuthor(c.Request.Context(), p.ID, c.Query("cursor"), 20, orAnonymous(l.Viewer))
	if err != nil {
		return l, err
	}
	l.Next = page.Next
	l.Cards, err = s.cards(c, page.Tweets)
	return l, err
}

// userTweetsFragment is a person's tweets, newest first; with a cursor,
// only the next page's cards, to append.
func (s *server) userTweetsFragment(c *gin.Context) {
	l, err := s.userTweets(c, c.Param("handle"))
	switch {
	case fault.Is(err, fault.NotFound):
		s.render(c, http.StatusNotFound, "no-user", l)
	case err != nil:
		render.FragmentError(c, s.tmpl, err)
	case c.Query("cursor") != "":
		s.render(c, http.StatusOK, "tweet-rows", l)
	default:
		s.render(c, http.StatusOK, "tweet-list", l)
	}
}
