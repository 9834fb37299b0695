// Package relations asks the follow service how a person stands with
// another (blocked, blocked by, muted): what tweets checks before a like,
// a reply or a boost, and notifications before showing a notification.
//
// It asks every time, speaking for the person with their own session
// token, so a block counts from the moment follow has written it, and
// nothing depends on an event arriving. The one thing it keeps is each
// person's last hidden set with follow's ETag for it, used only when
// follow answers 304 Not Modified to that tag (one lookup of a version,
// no body; the bell asks on every page). When follow cannot
// be reached the answer is an Unavailable fault, so callers refuse rather
// than let a blocked person through.
package relations

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"time"

	lru "github.com/hashicorp/golang-lru/v2"

	"murmur/fragments/internal/auth"
	"murmur/fragments/internal/fault"
	"murmur/fragments/internal/peer"
)

// Relation is how a person stands with another.
type Relation struct {
	// Blocked: the person blocked the other; BlockedBy: the other blocked
	// the person; Muted: the person muted the other.
	Blocked   bool `json:"blocked"`
	BlockedBy bool `json:"blocked_by"`
	Muted     bool `json:"muted"`
}

// Either reports a block between the two, whichever way.
func (r Relation) Either() bool { return r.Blocked || r.BlockedBy }

// Client asks follow at its base URL.
type Client struct {
	base string
	http *http.Client
	// hidden holds the hidden sets read last, by person, with their ETags.
	hidden *lru.Cache[string, heldSet]
}

// heldSet is a hidden set as follow last answered it.
type heldSet struct {
	etag string
	ids  []string
}

// heldSets is how many people's hidden sets a Client keeps, the least
// recently asked going first (a set is mostly empty, a few ids at most).
const heldSets = 4096

// New returns a client of the follow service at base (http://host:port).
func New(base string) *Client {
	hidden, err := lru.New[string, heldSet](heldSets)
	if err != nil {
		panic(err) // only for a size below 1
	}
	return &Client{base: strings.TrimRight(base, "/"), http: peer.Client(2 * time.Second), hidden: hidden}
}

const errUnavailable = "Blocks can’t be checked right now. Try again in a moment."

// Of returns how v stands with other. v must carry the token it signed in
// with (auth.Viewer.Token); one's relation to oneself is none.
func (c *Client) Of(ctx context.Context, v auth.Viewer, other string) (Relation, error) {
	if other == "" || other == v.ID {
		return Relation{}, nil
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, c.base+"/follow/api/relations/"+url.PathEscape(other), nil)
	if err != nil {
		return Relation{}, err
	}
	req.Header.Set("Authorization", "Bearer "+v.Token)
	req.Header.Set("Accept", "application/json")
	resp, err := c.http.Do(req)
	if err != nil {
		return Relation{}, fault.Wrap(fault.Unavailable, fmt.Errorf("relations: %w", err), errUnavailable)
	}
	defer resp.Body.Close()
	data, err := io.ReadAll(io.LimitReader(resp.Body, 1<<16))
	if err != nil {
		return Relation{}, fault.Wrap(fault.Unavailable, err, errUnavailable)
	}
	if resp.StatusCode != http.StatusOK {
		return Relation{}, fault.Wrap(fault.Unavailable, fmt.Errorf("relations: %s: %s", resp.Status, data), errUnavailable)
	}
	var r Relation
	if err := json.Unmarshal(data, &r); err != nil {
		return Relation{}, fmt.Errorf("relations: %w", err)
	}
	return r, nil
}

// Hidden returns v's hidden set: whom v muted or blocked and who blocked
// v, as follow's home list of v carries it. The set read last is sent
// back as its ETag, and used again only when follow says it is current.
func (c *Client) Hidden(ctx context.Context, v auth.Viewer) ([]string, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet,
		c.base+"/follow/api/users/"+url.PathEscape(v.ID)+"/following/ids?limit=1", nil)
	if err != nil {
		return nil, err
	}
	req.Header.Set("Authorization", "Bearer "+v.Token)
	req.Header.Set("Accept", "application/json")
	held, ok := c.hidden.Get(v.ID)
	if ok {
		req.Header.Set("If-None-Match", held.etag)
	}
	resp, err := c.http.Do(req)
	if err != nil {
		return nil, fault.Wrap(fault.Unavailable, fmt.Errorf("hidden set: %w", err), errUnavailable)
	}
	defer resp.Body.Close()
	if ok && resp.StatusCode == http.StatusNotModified {
		return slices.Clone(held.ids), nil
	}
	if resp.StatusCode != http.StatusOK {
		return nil, fault.Wrap(fault.Unavailable, fmt.Errorf("hidden set: %s", resp.Status), errUnavailable)
	}
	var body struct {
		Hidden []string `json:"hidden"`
	}
	if err := json.NewDecoder(io.LimitReader(resp.Body, 8<<20)).Decode(&body); err != nil {
		return nil, fmt.Errorf("hidden set: %w", err)
	}
	if etag := resp.Header.Get("ETag"); etag != "" {
		c.hidden.Add(v.ID, heldSet{etag: etag, ids: slices.Clone(body.Hidden)})
	} else {
		c.hidden.Remove(v.ID)
	}
	return body.Hidden, nil
}
