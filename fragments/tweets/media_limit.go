package tweets

import (
	"fmt"
	"strings"
)

// RoomForMedia tells how many of the images chosen for a tweet fit beside
// the ones it already has: a tweet holds MaxMedia. The first that many
// chosen are kept and the rest left out, so choosing five images gives a
// tweet with the first four instead of refusing them all.
func RoomForMedia(attached, chosen int) int {
	return max(0, min(chosen, MaxMedia-attached))
}

// LeftOutNotice tells the person posting why the named images (file names,
// or ids for an API client) were left out; "" when none were.
func LeftOutNotice(names []string) string {
	var list string
	switch n := len(names); n {
	case 0:
		return ""
	case 1:
		return fmt.Sprintf("A tweet can have at most %d images, so %s was left out.", MaxMedia, names[0])
	default:
		list = strings.Join(names[:n-1], ", ") + " and " + names[n-1]
	}
	return fmt.Sprintf("A tweet can have at most %d images, so %s were left out.", MaxMedia, list)
}
