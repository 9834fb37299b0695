package server_test

import (
	"context"
	"fmt"
	"slices"
	"testing"

	"murmur/fragments/timeline"
	"murmur/fragments/timeline/sources"
)

// Someone following more people than one feed query may name reads the
// same home, page by page, as with a single query: the groups' answers are
// merged in order and the cursor continues every group.
func TestHomeOfManyAuthorsIsReadInGroups(t *testing.T) {
	e := mustEnv(t)
	reader := e.profile.MustUser(t, "reader", "Reader")
	for i := range 5 {
		author := e.profile.MustUser(t, fmt.Sprintf("author%d", i), "Author")
		e.mustFollow(t, reader, author, true)
		for j := range 3 {
			id := e.mustPost(t, author, fmt.Sprintf("tweet %d of author %d", j, i))
			// Likes from the reader make the popular order interesting: ties
			// and distinct counts.
			if (i+j)%2 == 0 {
				if status, body := call(t, "PUT", e.tweets.URL+"/tweets/api/tweets/"+id+"/like", &reader, nil); status != 204 {
					t.Fatalf("like: %d %s", status, body)
				}
			}
		}
	}
	caller := timeline.Caller{ViewerID: reader.ID, Handle: reader.Handle, Token: reader.Token}
	one := timeline.NewHomes(sources.NewTweets(e.tweets.URL), sources.NewFollow(e.follow.URL))
	grouped := timeline.NewHomes(sources.NewTweets(e.tweets.URL), sources.NewFollow(e.follow.URL), timeline.FeedGroup(2))
	read := func(h *timeline.Homes, sort string) []string {
		var ids []string
		cursor := ""
		for range 20 {
			p, err := h.Home(context.Background(), caller, sort, cursor, 4)
			if err != nil {
				t.Fatalf("read %s: %v", sort, err)
			}
			for _, tw := range p.Tweets {
				ids = append(ids, tw.ID)
			}
			if p.Next == "" {
				return ids
			}
			cursor = p.Next
		}
		t.Fatal("paging did not end")
		return nil
	}
	for _, sort := range []string{timeline.SortRecent, timeline.SortPopular} {
		t.Run(sort, func(t *testing.T) {
			want, got := read(one, sort), read(grouped, sort)
			if len(want) != 15 || !slices.Equal(got, want) {
				t.Errorf("in groups of 2 authors the home reads\n%v\nwant (one query)\n%v", got, want)
			}
		})
	}
}
