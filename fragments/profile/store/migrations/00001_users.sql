-- +goose Up
-- Handles are stored lower-cased; COLLATE NOCASE on the column makes the
-- unique index case-insensitive as well, and lets LIKE 'prefix%' use it.
CREATE TABLE users (
    id            INTEGER PRIMARY KEY,
    handle        TEXT    NOT NULL UNIQUE COLLATE NOCASE,
    display_name  TEXT    NOT NULL,
    bio           TEXT    NOT NULL DEFAULT '',
    password_hash TEXT    NOT NULL,
    created_at    INTEGER NOT NULL -- Unix milliseconds
);
CREATE INDEX users_display_name ON users (display_name COLLATE NOCASE);

-- +goose Down
DROP TABLE users;
