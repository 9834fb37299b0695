package people

import (
	"context"
	"strconv"
)

// Directory lists up to limit (at most 100) people on murmur in profile's
// directory order (by handle), for suggesting people to a newcomer.
func (c *Client) Directory(ctx context.Context, limit int) ([]Person, error) {
	limit = max(1, min(limit, 100))
	var list struct {
		Items []Person `json:"items"`
	}
	if err := c.get(ctx, "/profile/api/users?limit="+strconv.Itoa(limit), &list); err != nil {
		return nil, err
	}
	c.mu.Lock()
	c.remember(list.Items...)
	c.mu.Unlock()
	return list.Items, nil
}
