-- +goose Up
-- Accounts that were deleted: the id is never given to another account
-- (a late user.deleted fact must not erase a newcomer), tokens of the id
-- are refused for good, and the handle stays reserved until reserved_until.
-- announced_at is when the user.deleted fact reached the event stream
-- (NULL until it did: profile appends it again until then).
CREATE TABLE deleted_users (
    user_id        INTEGER PRIMARY KEY,
    handle         TEXT    NOT NULL COLLATE NOCASE,
    deleted_at     INTEGER NOT NULL, -- Unix milliseconds
    reserved_until INTEGER NOT NULL, -- Unix milliseconds
    announced_at   INTEGER
);
CREATE INDEX deleted_users_handle ON deleted_users (handle, reserved_until);
CREATE INDEX deleted_users_unannounced ON deleted_users (user_id) WHERE announced_at IS NULL;

-- +goose Down
DROP TABLE deleted_users;
