-- +goose Up
-- Ids are time-ordered 64-bit values made by the service (see tweets.IDs),
-- so ORDER BY id DESC is newest first and an id is a page cursor. User ids
-- belong to the profile service and are kept as the strings it gives.
CREATE TABLE tweets (
    id         INTEGER PRIMARY KEY,
    author_id  TEXT    NOT NULL,
    text       TEXT    NOT NULL,
    -- Kept in step with the likes table inside the same transaction, so
    -- lists and "most liked" sorting need no COUNT(*).
    like_count INTEGER NOT NULL DEFAULT 0,
    created_at INTEGER NOT NULL -- Unix milliseconds
);
CREATE INDEX tweets_author ON tweets (author_id, id DESC);

CREATE TABLE likes (
    tweet_id   INTEGER NOT NULL REFERENCES tweets (id) ON DELETE CASCADE,
    user_id    TEXT    NOT NULL,
    created_at INTEGER NOT NULL,
    PRIMARY KEY (tweet_id, user_id)
) WITHOUT ROWID;

-- Images live in the database with the rows that point at them, so
-- deleting a tweet removes its images in the same transaction and a backup
-- of the file is a backup of everything. The bytes are the last column:
-- SQLite then reads the other columns without touching the blob's pages.
CREATE TABLE media (
    id           INTEGER PRIMARY KEY,
    owner_id     TEXT    NOT NULL,
    tweet_id     INTEGER REFERENCES tweets (id) ON DELETE CASCADE,
    position     INTEGER NOT NULL DEFAULT 0,
    content_type TEXT    NOT NULL,
    width        INTEGER NOT NULL,
    height       INTEGER NOT NULL,
    alt          TEXT    NOT NULL DEFAULT '',
    created_at   INTEGER NOT NULL,
    data         BLOB    NOT NULL
);
CREATE INDEX media_tweet ON media (tweet_id, position);
CREATE INDEX media_unattached ON media (created_at) WHERE tweet_id IS NULL;

-- Tombstones of deleted tweets: a retried DELETE by the author succeeds,
-- and anyone else still gets 403 rather than learning nothing changed.
CREATE TABLE deleted_tweets (
    id         INTEGER PRIMARY KEY,
    author_id  TEXT    NOT NULL,
    deleted_at INTEGER NOT NULL
);

-- +goose Down
DROP TABLE deleted_tweets;
DROP TABLE media;
DROP TABLE likes;
DROP TABLE tweets;
