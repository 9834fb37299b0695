-- +goose Up
-- The account a mention named when its tweet was written: the user id
-- profile gave for the handle, or NULL when no account had that handle
-- then (or profile could not be asked). A card links a mention only when
-- it named an account, and the mention notification goes to that id.
-- Written with the tweet and never changed, so a rendered card stays
-- right whatever accounts come later. Mentions of older tweets stay NULL.
ALTER TABLE mentions ADD COLUMN user_id TEXT;

-- +goose Down
ALTER TABLE mentions DROP COLUMN user_id;
