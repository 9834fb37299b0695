-- +goose Up
-- The popular order of everyone's tweets, with the author in the index:
-- a home page of someone who follows many people looks through the next
-- entries of this order and keeps their authors' (see Store.Feed), without
-- reading a single table row. The recent order has the primary key.
CREATE INDEX tweets_popular ON tweets (like_count DESC, id DESC, author_id);

-- +goose Down
DROP INDEX tweets_popular;
