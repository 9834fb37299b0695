-- +goose Up
-- A profile picture: its key (a hash of its pixels, part of its URLs, so
-- they change when it does; '' for none) and its square sizes.
ALTER TABLE users ADD COLUMN avatar TEXT NOT NULL DEFAULT '';
CREATE TABLE avatars (
    user_id INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    size    INTEGER NOT NULL, -- pixels per side
    data    BLOB    NOT NULL, -- JPEG
    PRIMARY KEY (user_id, size)
) WITHOUT ROWID;

-- +goose Down
DROP TABLE avatars;
ALTER TABLE users DROP COLUMN avatar;
