package server_test

import (
	"context"
	"fmt"
	"slices"
	"testing"

	"murmur/fragments/internal/auth"
	"murmur/fragments/tweets"
)

// A feed of more authors than one store query reads is read in groups and
// merged: page by page it is the same feed as one query gives.
func TestFeedOfManyAuthorsIsReadInGroups(t *testing.T) {
	s := mustStack(t)
	ctx := context.Background()
	reader := s.mustUser(t, "reader", "Reader")
	var authors []string
	for i := range 5 {
		author := s.mustUser(t, fmt.Sprintf("author%d", i), "Author")
		authors = append(authors, author.ID)
		for j := range 3 {
			tw := s.mustPost(t, author, fmt.Sprintf("tweet %d of author %d", j, i))
			// Likes make the popular order interesting: ties and distinct counts.
			if (i+j)%2 == 0 {
				if _, err := s.Tweets.SetLike(ctx, tw.ID, auth.Viewer{ID: reader.ID}, true); err != nil {
					t.Fatal(err)
				}
			}
		}
	}
	viewer := auth.Viewer{ID: reader.ID, Handle: reader.Handle}
	grouped := tweets.NewService(s.Store, s.People, s.Bus, tweets.WithFeedGroup(2))
	read := func(svc *tweets.Service, sort string) []string {
		var ids []string
		cursor := ""
		for range 20 {
			p, err := svc.Feed(ctx, tweets.FeedRequest{Authors: authors, Sort: sort, Cursor: cursor, Limit: 4}, viewer)
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
	for _, sort := range []string{tweets.SortRecent, tweets.SortPopular} {
		t.Run(sort, func(t *testing.T) {
			want, got := read(s.Tweets, sort), read(grouped, sort)
			if len(want) != 15 || !slices.Equal(got, want) {
				t.Errorf("in groups of 2 authors the feed reads\n%v\nwant (one query)\n%v", got, want)
			}
		})
	}
}
