package server

import (
	"encoding/json"
	"fmt"
	"strings"
	"testing"
)

// The feed body's own checks and huma's validation against the documented
// schema find the same problems in every body of the expected shape, at and
// around each bound: the Go constants cannot drift from the struct tags.
func TestFeedBodyChecksAgreeWithTheSchema(t *testing.T) {
	authors := func(n int) []string {
		out := make([]string, n)
		for i := range out {
			out[i] = fmt.Sprint(i + 1)
		}
		return out
	}
	values := map[string][]any{
		"authors": {authors(0), authors(3), authors(50_000), authors(50_001)},
		"sort":    {nil, "", "recent", "popular", "Recent", "oldest"},
		"cursor":  {nil, "", strings.Repeat("1", 40), strings.Repeat("1", 41), strings.Repeat("é", 40), strings.Repeat("é", 41)},
		"after":   {nil, "", strings.Repeat("1", 20), strings.Repeat("1", 21), strings.Repeat("é", 21)},
		"limit":   {nil, -1, 0, 1, 20, 100, 101},
	}
	check := func(t *testing.T, body map[string]any) {
		t.Helper()
		data, err := json.Marshal(body)
		if err != nil {
			t.Fatal(err)
		}
		_, problems := decodeFeedBody(data)
		got, _ := json.Marshal(problems)
		want, _ := json.Marshal(validateFeedBody(data))
		if string(got) != string(want) {
			t.Errorf("body %.200s\nchecks found %.300s\nthe schema %.300s", data, got, want)
		}
	}
	// Each member's values with the others at their defaults, then every
	// pairing of the short members' values.
	for member, vs := range values {
		for _, v := range vs {
			body := map[string]any{"authors": authors(2)}
			if v != nil {
				body[member] = v
			}
			check(t, body)
		}
	}
	for _, sort := range values["sort"] {
		for _, cursor := range values["cursor"] {
			for _, after := range values["after"] {
				for _, limit := range values["limit"] {
					check(t, map[string]any{"authors": authors(1), "sort": sort, "cursor": cursor, "after": after, "limit": limit})
				}
			}
		}
	}
}

// BenchmarkFeedBodyDecode measures reading a feed body of a thousand
// author ids: as huma did when it validated the body (decoded into generic
// values, validated against the schema, decoded again into the struct),
// and as decodeFeedBody does (decoded once, checked in Go).
func BenchmarkFeedBodyDecode(b *testing.B) {
	authors := make([]string, 1000)
	for i := range authors {
		authors[i] = fmt.Sprint(519324558290944001 + i*7919)
	}
	data, err := json.Marshal(map[string]any{"authors": authors, "sort": "recent", "limit": 20})
	if err != nil {
		b.Fatal(err)
	}
	b.Run("authors=1000/validated-by-huma", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			if problems := validateFeedBody(data); len(problems) > 0 {
				b.Fatal(problems)
			}
			var body struct {
				Authors []string `json:"authors"`
				Sort    string   `json:"sort"`
				Cursor  string   `json:"cursor"`
				After   string   `json:"after"`
				Limit   int      `json:"limit"`
			}
			if err := json.Unmarshal(data, &body); err != nil || len(body.Authors) != 1000 {
				b.Fatal(err)
			}
		}
	})
	b.Run("authors=1000/checked-in-go", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			body, problems := decodeFeedBody(data)
			if len(problems) > 0 || len(body.Authors) != 1000 {
				b.Fatal(problems)
			}
		}
	})
}
