-- +goose Up
-- The version of whom each person follows: a new value whenever they follow
-- or unfollow anyone (through the API or a bulk import alike), and only
-- then, so "has this list changed since I read it?" is one primary-key
-- lookup. The following-ids listing's ETag and the who-to-follow cache are
-- keyed on it. Other people's follows never touch someone's version.
--
-- Each change draws a random 64-bit value instead of counting up: a value,
-- once replaced, does not come back, even after the file is restored from a
-- backup or started afresh, so a tag a client kept from before cannot
-- match a different list. No row (version 0) means the person has never
-- followed anyone: an empty list.
CREATE TABLE following_versions (
    user_id INTEGER PRIMARY KEY,
    version INTEGER NOT NULL
);

INSERT INTO following_versions (user_id, version)
    SELECT follower_id, random() FROM (SELECT DISTINCT follower_id FROM follows);

-- Kept by triggers, like the counts, so no way of writing an edge can
-- forget it.
-- +goose StatementBegin
CREATE TRIGGER follows_version_insert AFTER INSERT ON follows BEGIN
    INSERT INTO following_versions (user_id, version) VALUES (NEW.follower_id, random())
        ON CONFLICT (user_id) DO UPDATE SET version = excluded.version;
END;
-- +goose StatementEnd

-- +goose StatementBegin
CREATE TRIGGER follows_version_delete AFTER DELETE ON follows BEGIN
    INSERT INTO following_versions (user_id, version) VALUES (OLD.follower_id, random())
        ON CONFLICT (user_id) DO UPDATE SET version = excluded.version;
END;
-- +goose StatementEnd

-- Nothing updates an edge today; if something ever does, both the person
-- it was and the person it is now get a new version.
-- +goose StatementBegin
CREATE TRIGGER follows_version_update AFTER UPDATE ON follows BEGIN
    INSERT INTO following_versions (user_id, version) VALUES (OLD.follower_id, random())
        ON CONFLICT (user_id) DO UPDATE SET version = excluded.version;
    INSERT INTO following_versions (user_id, version) VALUES (NEW.follower_id, random())
        ON CONFLICT (user_id) DO UPDATE SET version = excluded.version;
END;
-- +goose StatementEnd

-- +goose Down
DROP TRIGGER follows_version_update;
DROP TRIGGER follows_version_delete;
DROP TRIGGER follows_version_insert;
DROP TABLE following_versions;
