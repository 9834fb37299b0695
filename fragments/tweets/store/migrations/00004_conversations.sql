-- +goose Up
-- Replies. A reply names the tweet it answers. There is no foreign key:
-- deleting a tweet keeps its replies, which go on naming it, and its
-- tombstone keeps what it answered, so a conversation can still be walked
-- up and down through the place where it was.
ALTER TABLE tweets ADD COLUMN in_reply_to_id INTEGER;
-- How many replies to the tweet exist, kept in step with them inside the
-- write transaction (as like_count is with likes).
ALTER TABLE tweets ADD COLUMN reply_count INTEGER NOT NULL DEFAULT 0;
-- A tweet's replies, oldest first. Partial: most tweets answer nothing.
CREATE INDEX tweets_replies ON tweets (in_reply_to_id, id) WHERE in_reply_to_id IS NOT NULL;
ALTER TABLE deleted_tweets ADD COLUMN in_reply_to_id INTEGER;
CREATE INDEX deleted_tweets_replies ON deleted_tweets (in_reply_to_id, id) WHERE in_reply_to_id IS NOT NULL;

-- Hashtags and mentions, parsed from the text when the tweet is written
-- (package entities) and gone with it. A tag is kept in its normal form;
-- a mention is the handle written, in lower case, whether or not such a
-- person exists.
CREATE TABLE tags (
    tag      TEXT    NOT NULL,
    tweet_id INTEGER NOT NULL REFERENCES tweets (id) ON DELETE CASCADE,
    PRIMARY KEY (tag, tweet_id)
) WITHOUT ROWID;
CREATE INDEX tags_tweet ON tags (tweet_id);

CREATE TABLE mentions (
    handle   TEXT    NOT NULL,
    tweet_id INTEGER NOT NULL REFERENCES tweets (id) ON DELETE CASCADE,
    PRIMARY KEY (handle, tweet_id)
) WITHOUT ROWID;
CREATE INDEX mentions_tweet ON mentions (tweet_id);

-- Tweets written before this migration have their tags and mentions found
-- when the store opens (SQL cannot parse them): this row holds the id
-- below which tweets still wait, and goes when none does (see
-- Store.backfillEntities). No row on a database without tweets.
CREATE TABLE entities_backfill (below INTEGER NOT NULL);
INSERT INTO entities_backfill SELECT max(id) + 1 FROM tweets HAVING count(*) > 0;

-- Full-text search of tweets' text (SQLite's FTS5; the program must be
-- built with the tag sqlite_fts5). An external-content index: it keeps the
-- words, the text stays in tweets. Triggers keep it in step inside every
-- write transaction that adds or removes a tweet, bulk imports included.
-- unicode61 folds case and, with remove_diacritics 2, accents: "cafe"
-- finds "Café".
CREATE VIRTUAL TABLE tweets_fts USING fts5 (
    text, content = 'tweets', content_rowid = 'id', tokenize = 'unicode61 remove_diacritics 2'
);
-- +goose StatementBegin
CREATE TRIGGER tweets_fts_insert AFTER INSERT ON tweets BEGIN
    INSERT INTO tweets_fts (rowid, text) VALUES (new.id, new.text);
END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER tweets_fts_delete AFTER DELETE ON tweets BEGIN
    INSERT INTO tweets_fts (tweets_fts, rowid, text) VALUES ('delete', old.id, old.text);
END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER tweets_fts_update AFTER UPDATE OF text ON tweets BEGIN
    INSERT INTO tweets_fts (tweets_fts, rowid, text) VALUES ('delete', old.id, old.text);
    INSERT INTO tweets_fts (rowid, text) VALUES (new.id, new.text);
END;
-- +goose StatementEnd
INSERT INTO tweets_fts (tweets_fts) VALUES ('rebuild');

-- +goose Down
DROP TRIGGER tweets_fts_update;
DROP TRIGGER tweets_fts_delete;
DROP TRIGGER tweets_fts_insert;
DROP TABLE tweets_fts;
DROP TABLE entities_backfill;
DROP TABLE mentions;
DROP TABLE tags;
DROP INDEX deleted_tweets_replies;
ALTER TABLE deleted_tweets DROP COLUMN in_reply_to_id;
DROP INDEX tweets_replies;
ALTER TABLE tweets DROP COLUMN reply_count;
ALTER TABLE tweets DROP COLUMN in_reply_to_id;
