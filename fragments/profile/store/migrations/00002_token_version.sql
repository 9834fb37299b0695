-- +goose Up
-- A user's token version: it moves on when they change their password or
-- sign out everywhere, and tokens signed at an older one are refused.
ALTER TABLE users ADD COLUMN token_version INTEGER NOT NULL DEFAULT 0;

-- +goose Down
ALTER TABLE users DROP COLUMN token_version;
