-- +goose Up
-- The popular order of a home timeline reads each followed author's most
-- liked tweets first (ties newest first). With this index each author's
-- share of a page is a short range scan, however many tweets they wrote;
-- the recent order uses tweets_author (author_id, id DESC) the same way.
CREATE INDEX tweets_author_popular ON tweets (author_id, like_count DESC, id DESC);

-- +goose Down
DROP INDEX tweets_author_popular;
