package tweets

import "murmur/fragments/internal/picture"

// Image is an uploaded picture after it was checked and re-encoded.
type Image = picture.Image

// ProcessImage checks an upload and re-encodes it, keeping only its
// pixels (picture.Process).
func ProcessImage(data []byte) (Image, error) { return picture.Process(data) }
