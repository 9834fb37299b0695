package server

import (
	"archive/zip"
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"strings"
	"time"

	"murmur/fragments/internal/auth"
	"murmur/fragments/internal/fault"
	"murmur/fragments/internal/peer"
	"murmur/fragments/profile"
)

// ExportSource is a service whose part of a person's data goes in their
// export: its GET /<name>/api/me/export answers it as JSON for the
// caller's token, and the zip holds it as <name>.json.
type ExportSource struct {
	// Name is the service's name (and URL prefix): "tweets", "follow".
	Name string
	// What says what its part holds, for the message when it is missing.
	What string
	// URL is where profile reaches it directly.
	URL string
}

// exportClient asks the services for their parts; an image may take a
// moment, a whole part no more than this.
var exportClient = peer.Client(20 * time.Second)

// maxExportPart bounds one service's JSON answer or one image.
const maxExportPart = 256 << 20

// exportReadme opens every export.
const exportReadme = `Your murmur data, as it was when you exported it.

profile.json   your account: id, handle, display name, bio, when you joined
tweets.json    your tweets (newest first, each with its images' descriptions),
               and the tweets you liked and boosted (tweet_id, at)
follow.json    whom you follow, who follows you, and whom you blocked and
               muted (user_id, handle, at)
media/         your tweets' images, named <image id>.<type> as in tweets.json
avatar.jpg     your profile picture, if you have one

Times are RFC 3339 in UTC; ids are strings.
`

// buildExport assembles u's export zip: profile's own part, then each
// source's, then the images of their tweets. A source that cannot answer
// fails the whole export (Unavailable, naming every part missing), rather
// than giving a zip that looks whole and is not.
func (s *server) buildExport(ctx context.Context, u profile.User) ([]byte, error) {
	token, _, err := s.Issuer.Issue(auth.Viewer{ID: u.ID, Handle: u.Handle, Version: u.TokenVersion})
	if err != nil {
		return nil, err
	}
	parts := map[string][]byte{}
	var missing []string
	for _, src := range s.Exports {
		body, err := exportGet(ctx, src.URL+"/"+src.Name+"/api/me/export", token)
		if err != nil {
			s.Logger.WarnContext(ctx, "export: a service's part could not be read", "service", src.Name, "err", err)
			missing = append(missing, src.What)
			continue
		}
		parts[src.Name] = body
	}
	if len(missing) > 0 {
		return nil, fault.New(fault.Unavailable, "Your export could not be made: %s cannot be read right now. Nothing was downloaded; try again in a few minutes.",
			strings.Join(missing, " and "))
	}

	var buf bytes.Buffer
	z := zip.NewWriter(&buf)
	add := func(name string, data []byte) error {
		w, err := z.CreateHeader(&zip.FileHeader{Name: "murmur-" + u.Handle + "/" + name, Method: zip.Deflate, Modified: time.Now()})
		if err != nil {
			return err
		}
		_, err = w.Write(data)
		return err
	}
	indented := func(v []byte) []byte {
		var out bytes.Buffer
		if json.Indent(&out, v, "", "  ") != nil {
			return v
		}
		out.WriteByte('\n')
		return out.Bytes()
	}
	me, err := json.Marshal(userJSON(u))
	if err != nil {
		return nil, err
	}
	if err := add("README.txt", []byte(exportReadme)); err != nil {
		return nil, err
	}
	if err := add("profile.json", indented(me)); err != nil {
		return nil, err
	}
	for _, src := range s.Exports {
		if err := add(src.Name+".json", indented(parts[src.Name])); err != nil {
			return nil, err
		}
	}
	if body, ok := parts["tweets"]; ok {
		if err := s.exportImages(ctx, body, token, add); err != nil {
			return nil, err
		}
	}
	if u.Avatar != "" {
		if data, err := s.Accounts.Avatar(ctx, u.ID, u.Avatar, 256); err == nil {
			if err := add("avatar.jpg", data); err != nil {
				return nil, err
			}
		}
	}
	if err := z.Close(); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}

// exportImages adds the files of the images tweets' part names.
func (s *server) exportImages(ctx context.Context, tweetsPart []byte, token string, add func(string, []byte) error) error {
	var part struct {
		Tweets []struct {
			Media []struct {
				ID          string `json:"id"`
				URL         string `json:"url"`
				ContentType string `json:"content_type"`
			} `json:"media"`
		} `json:"tweets"`
	}
	if err := json.Unmarshal(tweetsPart, &part); err != nil {
		return fault.Wrap(fault.Unavailable, err, "Your export could not be made: your tweets could not be read. Try again in a few minutes.")
	}
	base := ""
	for _, src := range s.Exports {
		if src.Name == "tweets" {
			base = src.URL
		}
	}
	for _, t := range part.Tweets {
		for _, m := range t.Media {
			if !strings.HasPrefix(m.URL, "/tweets/media/") {
				continue
			}
			data, err := exportGet(ctx, base+m.URL, token)
			if err != nil {
				return fault.Wrap(fault.Unavailable, err, "Your export could not be made: the images of your tweets cannot be read right now. Try again in a few minutes.")
			}
			if err := add("media/"+m.ID+imageExt(m.ContentType), data); err != nil {
				return err
			}
		}
	}
	return nil
}

// imageExt is a file name's ending for an image type.
func imageExt(contentType string) string {
	switch contentType {
	case "image/jpeg":
		return ".jpg"
	case "image/png":
		return ".png"
	case "image/gif":
		return ".gif"
	case "image/webp":
		return ".webp"
	}
	return ""
}

// exportGet reads one answer of another service, 200 only.
func exportGet(ctx context.Context, url, token string) ([]byte, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, url, nil)
	if err != nil {
		return nil, err
	}
	req.Header.Set("Authorization", "Bearer "+token)
	resp, err := exportClient.Do(req)
	if err != nil {
		return nil, err
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return nil, fmt.Errorf("GET %s: %s", url, resp.Status)
	}
	return io.ReadAll(io.LimitReader(resp.Body, maxExportPart))
}
