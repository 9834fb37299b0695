-- +goose Up
-- One row per edge. The id orders the edges as they were made and is the
-- lists' cursor: a re-follow after an unfollow is a new, newer row.
CREATE TABLE follows (
    id          INTEGER PRIMARY KEY,
    follower_id INTEGER NOT NULL CHECK (follower_id > 0),
    followee_id INTEGER NOT NULL CHECK (followee_id > 0),
    created_at  INTEGER NOT NULL, -- Unix milliseconds
    UNIQUE (follower_id, followee_id),
    CHECK (follower_id <> followee_id)
);
-- "Followers of X" and "whom X follows", newest first, without a sort.
CREATE INDEX follows_by_followee ON follows (followee_id, id);
CREATE INDEX follows_by_follower ON follows (follower_id, id);

-- Counts are kept by triggers, inside the statement that adds or removes
-- the edge, so they cannot drift from the rows however requests interleave;
-- reading them stays O(1) and "most followed" can use an index.
CREATE TABLE counts (
    user_id   INTEGER PRIMARY KEY,
    followers INTEGER NOT NULL DEFAULT 0 CHECK (followers >= 0),
    following INTEGER NOT NULL DEFAULT 0 CHECK (following >= 0)
);
CREATE INDEX counts_by_followers ON counts (followers DESC, user_id);

-- +goose StatementBegin
CREATE TRIGGER follows_count_insert AFTER INSERT ON follows BEGIN
    INSERT INTO counts (user_id, followers) VALUES (NEW.followee_id, 1)
        ON CONFLICT (user_id) DO UPDATE SET followers = followers + 1;
    INSERT INTO counts (user_id, following) VALUES (NEW.follower_id, 1)
        ON CONFLICT (user_id) DO UPDATE SET following = following + 1;
END;
-- +goose StatementEnd

-- +goose StatementBegin
CREATE TRIGGER follows_count_delete AFTER DELETE ON follows BEGIN
    UPDATE counts SET followers = followers - 1 WHERE user_id = OLD.followee_id;
    UPDATE counts SET following = following - 1 WHERE user_id = OLD.follower_id;
END;
-- +goose StatementEnd

-- +goose Down
DROP TRIGGER follows_count_delete;
DROP TRIGGER follows_count_insert;
DROP TABLE counts;
DROP TABLE follows;
