package store

import (
	"context"
	"database/sql"
	"fmt"
	"io/fs"
	"slices"
	"testing"

	"github.com/pressly/goose/v3"

	"murmur/fragments/internal/testkit"
	"murmur/fragments/tweets"
)

// TestUpgradeFindsEarlierTweetsEntities writes tweets into a database as
// it was before replies, tags and search (migration 3), then opens it as
// the store does now: every earlier tweet can be searched, and its tags and
// mentions are found, across several backfill transactions.
func TestUpgradeFindsEarlierTweetsEntities(t *testing.T) {
	ctx := context.Background()
	path := testkit.DBPath(t, "tweets")
	db, err := sql.Open("sqlite3", "file:"+path+"?_foreign_keys=on")
	if err != nil {
		t.Fatal(err)
	}
	dir, err := fs.Sub(migrations, "migrations")
	if err != nil {
		t.Fatal(err)
	}
	p, err := goose.NewProvider(goose.DialectSQLite3, db, dir)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := p.UpTo(ctx, 3); err != nil {
		t.Fatal(err)
	}
	const earlier = 2*backfillBatch + 500
	tx, err := db.Begin()
	if err != nil {
		t.Fatal(err)
	}
	for i := 1; i <= earlier; i++ {
		text := fmt.Sprintf("plain words %d", i)
		if i%500 == 0 {
			text = fmt.Sprintf("#Milestone %d, thanks @Ada", i)
		}
		if _, err := tx.Exec(`INSERT INTO tweets (id, author_id, text, created_at) VALUES (?, '1', ?, 0)`, i, text); err != nil {
			t.Fatal(err)
		}
	}
	if err := tx.Commit(); err != nil {
		t.Fatal(err)
	}
	db.Close()

	s, err := Open(ctx, path)
	if err != nil {
		t.Fatalf("open the earlier database: %v", err)
	}
	var waiting int
	if err := s.DB.QueryRow(`SELECT count(*) FROM entities_backfill`).Scan(&waiting); err != nil || waiting != 0 {
		t.Errorf("backfill rows left = %d (%v), want none", waiting, err)
	}
	tagged, err := s.TweetsByTag(ctx, "milestone", 0, 100, "")
	var want []string
	for i := earlier / 500; i >= 1; i-- {
		want = append(want, tweets.FormatID(int64(i*500)))
	}
	if got := ids(tagged); err != nil || !slices.Equal(got, want) {
		t.Errorf("#milestone lists %v (%v), want %v", got, err, want)
	}
	var mentions int
	if err := s.DB.QueryRow(`SELECT count(*) FROM mentions WHERE handle = 'ada'`).Scan(&mentions); err != nil || mentions != len(want) {
		t.Errorf("mentions of ada = %d (%v), want %d", mentions, err, len(want))
	}
	found, err := s.Search(ctx, []string{"words", "1234"}, 0, 10, "")
	if got := ids(found); err != nil || !slices.Equal(got, []string{"1234"}) {
		t.Errorf("search of an earlier tweet = %v (%v), want tweet 1234", got, err)
	}
	if _, err := s.DB.Exec(`INSERT INTO tweets_fts (tweets_fts, rank) VALUES ('integrity-check', 1)`); err != nil {
		t.Errorf("search index after the upgrade: %v", err)
	}

	// Opening again finds nothing left to do and changes nothing.
	s.Close()
	again, err := Open(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	defer again.Close()
	if again, _ := again.TweetsByTag(ctx, "milestone", 0, 100, ""); !slices.Equal(ids(again), want) {
		t.Errorf("after opening again #milestone lists %v, want %v", ids(again), want)
	}
}

func ids(list []tweets.Tweet) []string {
	out := make([]string, len(list))
	for i, t := range list {
		out[i] = t.ID
	}
	return out
}
