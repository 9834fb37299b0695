package loadtool

import (
	"context"
	"fmt"
	"math/rand/v2"
	"path/filepath"
	"slices"
	"strings"
	"time"

	"murmur/fragments/follow"
	followstore "murmur/fragments/follow/store"
	"murmur/fragments/profile"
	profilestore "murmur/fragments/profile/store"
	"murmur/fragments/tweets"
	tweetsstore "murmur/fragments/tweets/store"
)

// Password is every seeded account's password.
const Password = "load-tool-password"

// seedPasswords is argon2id at a cost low enough to sign in thousands of
// seeded accounts in seconds.
var seedPasswords = profile.Passwords{Memory: 64, Time: 1, Threads: 1}

// Account is a seeded person.
type Account struct {
	ID, Handle string
}

// Population is what the seed made, for the scenarios to use.
type Population struct {
	Users []Account
	// Heavy, Light and Huge read the home timeline; Author posts to the sockets.
	Heavy, Light, Huge, Author Account
	// AuthorFollowers follow Author (the live scenario's clients).
	AuthorFollowers []Account
	// Writers post, like and follow during the write scenarios; never a
	// reader, so the readers' homes stay the size they were seeded at.
	Writers []Account
	// RecentTweets are the ids of the newest seeded tweets, for likes.
	RecentTweets []string
	// Follows, TweetCount and LikeCount are what the seed wrote.
	Follows, TweetCount, LikeCount int
	// Took is how long seeding took.
	Took time.Duration
}

// words make up seeded tweets; a few hashtags and plain words.
var words = strings.Fields(`the a of to and in is it you that on for was with as at be this have from
	or one had by word but not what all were we when your can said there use an each which she do how their
	if will up other about out many then them these so some her would make like him into time has look two
	more write go see number no way could people my than first water been call who oil its now find long
	down day did get come made may part coffee morning train rain city music garden book film weekend`)

// firstOther is where the accounts without a role begin in Population.Users:
// the heavy, light and huge readers and the live author come first.
const firstOther = 4

// Others are the accounts without a role: they post, like and follow.
func (p *Population) Others() []Account { return p.Users[firstOther:] }

// Seed fills the SQLite files of a running murmur through the services'
// own stores: accounts, a skewed follow graph (a few accounts followed by a
// tenth to a half of everyone, most following tens), tweets of authors of
// uneven activity, and likes skewed toward recent tweets (a Zipf law over
// how recent a tweet is). dataDir names each service's data folder.
func Seed(ctx context.Context, cfg Config, dataDir func(service string) string) (*Population, error) {
	start := time.Now()
	if most := max(cfg.HeavyFollows, cfg.HugeFollows); cfg.Users <= firstOther || most >= cfg.Users-firstOther {
		return nil, fmt.Errorf("seed: %d users cannot give a reader %d followees", cfg.Users, most)
	}
	rng := rand.New(rand.NewPCG(cfg.Seed, 2))
	pop := &Population{}

	// Accounts. One argon2id hash serves every account, made at a low cost
	// (the hash records its cost, and sign-in checks each hash at its own):
	// the live scenario signs in ten thousand people through the API, and
	// at the service's cost that alone would take minutes of CPU.
	ps, err := profilestore.Open(ctx, filepath.Join(dataDir("profile"), "profile.db"))
	if err != nil {
		return nil, err
	}
	defer ps.Close()
	hash, err := seedPasswords.Hash(Password)
	if err != nil {
		return nil, err
	}
	now := time.Now().UTC()
	news := make([]profile.NewUser, cfg.Users)
	for i := range news {
		h := fmt.Sprintf("u%05d", i)
		switch i {
		case 0:
			h = "heavy_reader"
		case 1:
			h = "light_reader"
		case 2:
			h = "live_author"
		case 3:
			h = "huge_reader"
		}
		news[i] = profile.NewUser{Handle: h, DisplayName: fmt.Sprintf("Load %s", h), PasswordHash: hash}
	}
	for lo := 0; lo < len(news); lo += 5000 {
		made, err := ps.ImportUsers(ctx, news[lo:min(lo+5000, len(news))], now.Add(-60*24*time.Hour))
		if err != nil {
			return nil, fmt.Errorf("seed users: %w", err)
		}
		for _, u := range made {
			pop.Users = append(pop.Users, Account{ID: u.ID, Handle: u.Handle})
		}
		cfg.progress("seed: users %d/%d (%.1fs)", len(pop.Users), cfg.Users, time.Since(start).Seconds())
	}
	pop.Heavy, pop.Light, pop.Author, pop.Huge = pop.Users[0], pop.Users[1], pop.Users[2], pop.Users[3]
	others := pop.Others()
	celebrities := others[:min(cfg.Celebrities, len(others))]
	pop.Writers = others[len(others)-min(64, len(others)):]

	// The follow graph.
	fs, err := followstore.Open(ctx, filepath.Join(dataDir("follow"), "follow.db"))
	if err != nil {
		return nil, err
	}
	defer fs.Close()
	var edges []follow.Edge
	flush := func(force bool) error {
		if len(edges) < 20_000 && !(force && len(edges) > 0) {
			return nil
		}
		n, err := fs.ImportFollows(ctx, edges)
		pop.Follows += n
		edges = edges[:0]
		cfg.progress("seed: follows %d (%.1fs)", pop.Follows, time.Since(start).Seconds())
		return err
	}
	at := now.Add(-30 * 24 * time.Hour)
	// link picks n people among at random: who follows them, or, with
	// followers set, they follow who.
	link := func(who Account, among []Account, n int, followers bool) error {
		for _, i := range rng.Perm(len(among))[:min(n, len(among))] {
			if among[i].ID == who.ID {
				continue
			}
			e := follow.Edge{FollowerID: who.ID, FolloweeID: among[i].ID, CreatedAt: at}
			if followers {
				e.FollowerID, e.FolloweeID = e.FolloweeID, e.FollowerID
			}
			edges = append(edges, e)
		}
		return flush(false)
	}
	addFollows := func(who Account, among []Account, n int) error { return link(who, among, n, false) }
	for _, c := range celebrities {
		if err := link(c, others, cfg.Users/10+rng.IntN(cfg.Users*2/5+1), true); err != nil {
			return nil, err
		}
	}
	for _, u := range others {
		if err := addFollows(u, others, 10+rng.IntN(51)); err != nil {
			return nil, err
		}
	}
	if err := addFollows(pop.Heavy, others, cfg.HeavyFollows); err != nil {
		return nil, err
	}
	if err := addFollows(pop.Light, others, cfg.LightFollows); err != nil {
		return nil, err
	}
	if err := addFollows(pop.Huge, others, cfg.HugeFollows); err != nil {
		return nil, err
	}
	// The live author's followers are the socket clients.
	pop.AuthorFollowers = others[:min(cfg.Sockets, len(others))]
	for _, u := range pop.AuthorFollowers {
		edges = append(edges, follow.Edge{FollowerID: u.ID, FolloweeID: pop.Author.ID, CreatedAt: at})
	}
	if err := flush(true); err != nil {
		return nil, err
	}

	// Tweets, oldest first over the last 30 days, so ids grow with time.
	// A fifth are by the celebrities; the rest by anyone but the readers
	// and the live author, whose home and posts the scenarios measure.
	ts, err := tweetsstore.Open(ctx, filepath.Join(dataDir("tweets"), "tweets.db"))
	if err != nil {
		return nil, err
	}
	defer ts.Close()
	span := 30 * 24 * time.Hour
	first := now.Add(-span)
	step := span / time.Duration(max(cfg.Tweets, 1))
	ids := make([]int64, 0, cfg.Tweets)
	batch := make([]tweets.ImportedTweet, 0, 20_000)
	for i := range cfg.Tweets {
		author := others[rng.IntN(len(others))]
		if rng.IntN(5) == 0 {
			author = celebrities[rng.IntN(len(celebrities))]
		}
		t := first.Add(time.Duration(i) * step).Truncate(time.Millisecond)
		id := tweets.IDAt(t, int64(i))
		ids = append(ids, id)
		batch = append(batch, tweets.ImportedTweet{ID: id, AuthorID: author.ID, Text: sentence(rng), CreatedAt: t})
		if len(batch) == cap(batch) || i == cfg.Tweets-1 {
			if err := ts.ImportTweets(ctx, batch); err != nil {
				return nil, fmt.Errorf("seed tweets: %w", err)
			}
			pop.TweetCount += len(batch)
			batch = batch[:0]
			cfg.progress("seed: tweets %d/%d (%.1fs)", pop.TweetCount, cfg.Tweets, time.Since(start).Seconds())
		}
	}

	// Likes: the k-th newest tweet is liked with a weight falling as a
	// power of k, so recent tweets collect most likes and a few gather many.
	if len(ids) > 0 {
		zipf := rand.NewZipf(rng, 1.2, 8, uint64(len(ids)-1))
		likes := make([]tweets.ImportedLike, 0, 20_000)
		for i := range cfg.Likes {
			k := int(zipf.Uint64())
			id := ids[len(ids)-1-k]
			likes = append(likes, tweets.ImportedLike{TweetID: id, UserID: others[rng.IntN(len(others))].ID,
				CreatedAt: tweets.IDTime(id).Add(time.Minute)})
			if len(likes) == cap(likes) || i == cfg.Likes-1 {
				n, err := ts.ImportLikes(ctx, likes)
				if err != nil {
					return nil, fmt.Errorf("seed likes: %w", err)
				}
				pop.LikeCount += n
				likes = likes[:0]
				cfg.progress("seed: likes %d/%d (%.1fs)", i+1, cfg.Likes, time.Since(start).Seconds())
			}
		}
		for _, id := range slices.Backward(ids[max(0, len(ids)-10_000):]) {
			pop.RecentTweets = append(pop.RecentTweets, tweets.FormatID(id))
		}
	}
	pop.Took = time.Since(start)
	return pop, nil
}

// sentence is a tweet's text of a few random words.
func sentence(rng *rand.Rand) string {
	n := 4 + rng.IntN(16)
	var b strings.Builder
	for i := range n {
		if i > 0 {
			b.WriteByte(' ')
		}
		if rng.IntN(25) == 0 {
			b.WriteByte('#')
		}
		b.WriteString(words[rng.IntN(len(words))])
	}
	return b.String()
}
