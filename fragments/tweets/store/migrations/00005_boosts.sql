-- +goose Up
-- Who wrote the tweet a reply answers, kept with the reply when it is
-- written: the home rule for replies (a reply reaches the homes of its
-- author's followers who also follow, or are, the person it answers) is
-- decided per tweet from the feed's own author list, without a join. A
-- reply answering a tweet deleted since still names its author, from the
-- tombstone. NULL for a tweet that answers none.
ALTER TABLE tweets ADD COLUMN in_reply_to_author_id TEXT;
UPDATE tweets SET in_reply_to_author_id = coalesce(
        (SELECT p.author_id FROM tweets p WHERE p.id = tweets.in_reply_to_id),
        (SELECT d.author_id FROM deleted_tweets d WHERE d.id = tweets.in_reply_to_id))
    WHERE in_reply_to_id IS NOT NULL;

-- The feed's indexes gain the replied-to author, so the home rule is
-- checked on index entries alone, as the feed query reads nothing else
-- (see Store.Feed).
DROP INDEX tweets_author;
CREATE INDEX tweets_author ON tweets (author_id, id DESC, in_reply_to_author_id);
DROP INDEX tweets_author_popular;
CREATE INDEX tweets_author_popular ON tweets (author_id, like_count DESC, id DESC, in_reply_to_author_id);
DROP INDEX tweets_popular;
CREATE INDEX tweets_popular ON tweets (like_count DESC, id DESC, author_id, in_reply_to_author_id);

-- How many boosts the tweet has, kept in step with the boosts table inside
-- the write transaction (as like_count is with likes).
ALTER TABLE tweets ADD COLUMN boost_count INTEGER NOT NULL DEFAULT 0;

-- Boosts: someone passing a tweet on to their followers' homes, once per
-- person and tweet. The id comes from the same time-ordered sequence as
-- tweet ids, taken under the same write lock, so tweets and boosts share
-- one order: a boost's id is its place in a home (and a feed cursor), as a
-- tweet's id is. like_count repeats the tweet's, kept in step by every
-- like, so a home's popular order reads boosts from an index, as it reads
-- tweets. Deleting the tweet deletes its boosts.
CREATE TABLE boosts (
    id         INTEGER PRIMARY KEY,
    tweet_id   INTEGER NOT NULL REFERENCES tweets (id) ON DELETE CASCADE,
    booster_id TEXT    NOT NULL,
    like_count INTEGER NOT NULL DEFAULT 0,
    created_at INTEGER NOT NULL, -- Unix milliseconds
    UNIQUE (tweet_id, booster_id)
);
-- A person's boosts in each order, and everyone's (the feed's window).
CREATE INDEX boosts_booster ON boosts (booster_id, id DESC, tweet_id);
CREATE INDEX boosts_booster_popular ON boosts (booster_id, like_count DESC, id DESC, tweet_id);
CREATE INDEX boosts_popular ON boosts (like_count DESC, id DESC, booster_id, tweet_id);
-- A tweet's boosts, newest first: is a boost the newest of the tweet's
-- boosts among a home's authors?
CREATE INDEX boosts_tweet ON boosts (tweet_id, id DESC, booster_id);

-- +goose Down
DROP TABLE boosts;
ALTER TABLE tweets DROP COLUMN boost_count;
DROP INDEX tweets_popular;
CREATE INDEX tweets_popular ON tweets (like_count DESC, id DESC, author_id);
DROP INDEX tweets_author_popular;
CREATE INDEX tweets_author_popular ON tweets (author_id, like_count DESC, id DESC);
DROP INDEX tweets_author;
CREATE INDEX tweets_author ON tweets (author_id, id DESC);
ALTER TABLE tweets DROP COLUMN in_reply_to_author_id;
