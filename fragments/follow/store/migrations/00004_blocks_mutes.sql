-- +goose Up
-- Whom each person blocked and muted. A block ends the follows between the
-- two both ways (in the same transaction, see Store.Block) and keeps either
-- from following the other while it stands; a mute only hides the muted
-- person's tweets and boosts from the muter's home.
CREATE TABLE blocks (
    id          INTEGER PRIMARY KEY, -- the lists' order and cursor
    blocker_id  INTEGER NOT NULL CHECK (blocker_id > 0),
    blocked_id  INTEGER NOT NULL CHECK (blocked_id > 0),
    created_at  INTEGER NOT NULL, -- Unix milliseconds
    UNIQUE (blocker_id, blocked_id),
    CHECK (blocker_id <> blocked_id)
);
-- "Who blocked me": part of everyone's hidden set, read on every home.
CREATE INDEX blocks_by_blocked ON blocks (blocked_id, blocker_id);

CREATE TABLE mutes (
    id        INTEGER PRIMARY KEY,
    muter_id  INTEGER NOT NULL CHECK (muter_id > 0),
    muted_id  INTEGER NOT NULL CHECK (muted_id > 0),
    created_at INTEGER NOT NULL,
    UNIQUE (muter_id, muted_id),
    CHECK (muter_id <> muted_id)
);

-- The following-ids answer is the home's: whom one follows less whom one
-- muted, and the hidden set (muted, blocked, blocked by). Its version, the
-- listing's ETag, changes with any of them: a block changes both people's
-- homes, a mute the muter's.
-- +goose StatementBegin
CREATE TRIGGER blocks_version_insert AFTER INSERT ON blocks BEGIN
    INSERT INTO following_versions (user_id, version) VALUES (NEW.blocker_id, random())
        ON CONFLICT (user_id) DO UPDATE SET version = excluded.version;
    INSERT INTO following_versions (user_id, version) VALUES (NEW.blocked_id, random())
        ON CONFLICT (user_id) DO UPDATE SET version = excluded.version;
END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER blocks_version_delete AFTER DELETE ON blocks BEGIN
    INSERT INTO following_versions (user_id, version) VALUES (OLD.blocker_id, random())
        ON CONFLICT (user_id) DO UPDATE SET version = excluded.version;
    INSERT INTO following_versions (user_id, version) VALUES (OLD.blocked_id, random())
        ON CONFLICT (user_id) DO UPDATE SET version = excluded.version;
END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER mutes_version_insert AFTER INSERT ON mutes BEGIN
    INSERT INTO following_versions (user_id, version) VALUES (NEW.muter_id, random())
        ON CONFLICT (user_id) DO UPDATE SET version = excluded.version;
END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER mutes_version_delete AFTER DELETE ON mutes BEGIN
    INSERT INTO following_versions (user_id, version) VALUES (OLD.muter_id, random())
        ON CONFLICT (user_id) DO UPDATE SET version = excluded.version;
END;
-- +goose StatementEnd

-- +goose Down
DROP TRIGGER mutes_version_delete;
DROP TRIGGER mutes_version_insert;
DROP TRIGGER blocks_version_delete;
DROP TRIGGER blocks_version_insert;
DROP TABLE mutes;
DROP TABLE blocks;
