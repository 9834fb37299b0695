-- +goose Up
-- One row per thing someone did to the recipient. The id orders them and
-- is the list's cursor and what "mark read up to" names.
CREATE TABLE notifications (
    id           INTEGER PRIMARY KEY AUTOINCREMENT,
    recipient_id INTEGER NOT NULL CHECK (recipient_id > 0),
    kind         TEXT    NOT NULL CHECK (kind IN ('follow', 'like', 'reply', 'mention', 'boost')),
    actor_id     INTEGER NOT NULL CHECK (actor_id > 0),
    tweet_id     INTEGER NOT NULL DEFAULT 0, -- 0 for a follow
    created_at   INTEGER NOT NULL,            -- Unix milliseconds
    -- Nothing for what people do to themselves.
    CHECK (recipient_id <> actor_id),
    -- A fact is notified once: a like redelivered, or liked again while
    -- its notification stands, adds nothing.
    UNIQUE (recipient_id, kind, actor_id, tweet_id)
);
-- A person's list, newest first, and their unread count, without a sort.
CREATE INDEX notifications_by_recipient ON notifications (recipient_id, id);
-- Everything about a tweet, when it is deleted.
CREATE INDEX notifications_by_tweet ON notifications (tweet_id) WHERE tweet_id <> 0;

-- How far each person has read: every notification with an id up to
-- up_to is read.
CREATE TABLE read_marks (
    recipient_id INTEGER PRIMARY KEY,
    up_to        INTEGER NOT NULL
) WITHOUT ROWID;

-- The stream entries applied, by topic and entry id, written in the
-- transaction that applies each one: an entry handed out again (a
-- redelivery, a restart before the acknowledgement) is found here and
-- changes nothing.
CREATE TABLE applied_entries (
    topic      TEXT    NOT NULL,
    entry_id   TEXT    NOT NULL,
    applied_at INTEGER NOT NULL, -- Unix milliseconds
    PRIMARY KEY (topic, entry_id)
) WITHOUT ROWID;
CREATE INDEX applied_entries_by_time ON applied_entries (applied_at);

-- +goose Down
DROP TABLE applied_entries;
DROP TABLE read_marks;
DROP TABLE notifications;
