package profile

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"slices"

	"murmur/fragments/internal/fault"
	"murmur/fragments/internal/picture"
)

// AvatarSizes are the square sizes a profile picture is kept in, in pixels
// per side: 48 and 96 for a person's name in lists and cards (96 on dense
// screens), 256 for a large view.
var AvatarSizes = []int{48, 96, 256}

// AvatarShown is the size pages and the JSON API's avatar_url show.
const AvatarShown = 96

// AvatarAt is where profile serves the user's picture at size, "" when
// they have none: /profile/avatars/<user id>/<key>-<size>.jpg. The key is
// a hash of the picture, so the URL changes whenever the picture does and
// its answer can be cached for good.
func (u User) AvatarAt(size int) string {
	if u.Avatar == "" {
		return ""
	}
	return fmt.Sprintf("/profile/avatars/%s/%s-%d.jpg", u.ID, u.Avatar, size)
}

// AvatarURL is the user's picture at the size pages show (AvatarShown),
// "" when they have none.
func (u User) AvatarURL() string { return u.AvatarAt(AvatarShown) }

// SetAvatar makes an uploaded image the user's profile picture. It is
// checked like a tweet's image (its type read from its bytes, at most 5 MB,
// its pixels bounded before they are decoded; picture.Decode), turned
// upright, cropped to its middle square and re-encoded as JPEG in each of
// AvatarSizes: nothing of the file but its pixels is kept (no EXIF, no GPS
// position, no other metadata).
func (a *Accounts) SetAvatar(ctx context.Context, id string, data []byte) (User, error) {
	img, err := picture.Decode(data)
	if err != nil {
		return User{}, err
	}
	sizes := make(map[int][]byte, len(AvatarSizes))
	h := sha256.New()
	for _, size := range AvatarSizes {
		if sizes[size], err = picture.Square(img, size); err != nil {
			return User{}, err
		}
		h.Write(sizes[size])
	}
	return a.store.SetAvatar(ctx, id, hex.EncodeToString(h.Sum(nil))[:20], sizes)
}

// RemoveAvatar removes the user's picture; their initial shows again.
func (a *Accounts) RemoveAvatar(ctx context.Context, id string) (User, error) {
	return a.store.RemoveAvatar(ctx, id)
}

// Avatar is one size of a user's picture, while key is still theirs.
func (a *Accounts) Avatar(ctx context.Context, id, key string, size int) ([]byte, error) {
	if !slices.Contains(AvatarSizes, size) {
		return nil, fault.New(fault.NotFound, "Pictures come in %v pixels.", AvatarSizes)
	}
	return a.store.Avatar(ctx, id, key, size)
}
