-- +goose Up
-- The lists read the other side of each edge: with it in the index, a
-- thousand followee ids (the timeline's question on every home page) are
-- one range of one index, not a thousand table rows besides.
CREATE INDEX follows_by_follower_with_followee ON follows (follower_id, id, followee_id);
DROP INDEX follows_by_follower;
CREATE INDEX follows_by_followee_with_follower ON follows (followee_id, id, follower_id);
DROP INDEX follows_by_followee;

-- +goose Down
CREATE INDEX follows_by_followee ON follows (followee_id, id);
DROP INDEX follows_by_followee_with_follower;
CREATE INDEX follows_by_follower ON follows (follower_id, id);
DROP INDEX follows_by_follower_with_followee;
