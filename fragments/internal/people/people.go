// Package people lets the other services look up who a user id or handle
// is, by asking the profile service's public JSON API. Answers are kept for
// a short while, so a page of tweets by the same few authors costs one call.
package people

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"time"

	"murmur/fragments/internal/fault"
	"murmur/fragments/internal/peer"
)

// Person is the public identity of a user, as other services show it.
type Person struct {
	ID          string `json:"id"`
	Handle      string `json:"handle"`
	DisplayName string `json:"display_name"`
	Bio         string `json:"bio,omitempty"`
	// AvatarURL is their profile picture (96 pixels), "" when none.
	AvatarURL string `json:"avatar_url,omitempty"`
}

// Client asks profile about people.
type Client struct {
	base   string
	http   *http.Client
	ttl    time.Duration
	mu     sync.Mutex
	byID   map[string]entry
	handle map[string]string // handle -> id
}

type entry struct {
	p       Person
	expires time.Time
}

// New returns a client of the profile service at baseURL (http://host:port),
// caching answers for ttl.
func New(baseURL string, ttl time.Duration) *Client {
	return &Client{
		base: strings.TrimRight(baseURL, "/"), ttl: ttl,
		http: peer.Client(3 * time.Second),
		byID: map[string]entry{}, handle: map[string]string{},
	}
}

func (c *Client) remember(ps ...Person) {
	exp := time.Now().Add(c.ttl)
	for _, p := range ps {
		c.byID[p.ID] = entry{p: p, expires: exp}
		c.handle[p.Handle] = p.ID
	}
}

// Forget drops what the client knows of a user, e.g. after a profile edit.
func (c *Client) Forget(id string) {
	c.mu.Lock()
	defer c.mu.Unlock()
	delete(c.byID, id)
}

// unavailable is what a person is told when profile does not answer.
const unavailable = "Profiles can’t be reached right now. Try again in a moment."

func (c *Client) get(ctx context.Context, path string, out any) error {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, c.base+path, nil)
	if err != nil {
		return err
	}
	req.Header.Set("Accept", "application/json")
	resp, err := c.http.Do(req)
	if err != nil {
		return fault.Wrap(fault.Unavailable, err, unavailable)
	}
	defer resp.Body.Close()
	switch {
	case resp.StatusCode == http.StatusNotFound:
		return fault.New(fault.NotFound, "No one on murmur has that handle.")
	case resp.StatusCode >= 500:
		return fault.Wrap(fault.Unavailable, fmt.Errorf("GET %s: %s", path, resp.Status), unavailable)
	case resp.StatusCode != http.StatusOK:
		return fmt.Errorf("ask profile %s: %s", path, resp.Status)
	}
	return json.NewDecoder(resp.Body).Decode(out)
}

// ByHandle finds a person by handle (any case); NotFound when there is none.
func (c *Client) ByHandle(ctx context.Context, handle string) (Person, error) {
	h := strings.ToLower(strings.TrimSpace(handle))
	c.mu.Lock()
	if id, ok := c.handle[h]; ok {
		if e, ok := c.byID[id]; ok && time.Now().Before(e.expires) && e.p.Handle == h {
			c.mu.Unlock()
			return e.p, nil
		}
	}
	c.mu.Unlock()
	var p Person
	if err := c.get(ctx, "/profile/api/users/"+url.PathEscape(h), &p); err != nil {
		return Person{}, err
	}
	c.mu.Lock()
	c.remember(p)
	c.mu.Unlock()
	return p, nil
}

// ByIDs finds the people with the given ids; unknown ids are missing from
// the answer. It asks profile only for ids it does not know, 100 at a time.
func (c *Client) ByIDs(ctx context.Context, ids []string) (map[string]Person, error) {
	out := make(map[string]Person, len(ids))
	var missing []string
	now := time.Now()
	c.mu.Lock()
	for _, id := range ids {
		if e, ok := c.byID[id]; ok && now.Before(e.expires) {
			out[id] = e.p
		} else if _, dup := out[id]; !dup {
			missing = append(missing, id)
		}
	}
	c.mu.Unlock()
	for len(missing) > 0 {
		n := min(len(missing), 100)
		var list struct {
			Items []Person `json:"items"`
		}
		if err := c.get(ctx, "/profile/api/users?ids="+url.QueryEscape(strings.Join(missing[:n], ",")), &list); err != nil {
			return out, err
		}
		c.mu.Lock()
		c.remember(list.Items...)
		c.mu.Unlock()
		for _, p := range list.Items {
			out[p.ID] = p
		}
		missing = missing[n:]
	}
	return out, nil
}

// Exists reports whether a user id names someone.
func (c *Client) Exists(ctx context.Context, id string) (bool, error) {
	m, err := c.ByIDs(ctx, []string{id})
	if err != nil {
		return false, err
	}
	_, ok := m[id]
	return ok, nil
}
