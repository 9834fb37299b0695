package server_test

import (
	"encoding/json"
	"net/http"
	"reflect"
	"slices"
	"strings"
	"testing"
	"time"
)

func TestFeedAPI(t *testing.T) {
	s := mustStack(t)
	ada, bob, cyd := s.mustUser(t, "ada", "Ada"), s.mustUser(t, "bob", "Bob"), s.mustUser(t, "cyd", "Cyd")
	var ids []string
	for _, p := range []struct{ by user }{{ada}, {bob}, {cyd}, {ada}, {bob}} {
		s.Clock.Advance(time.Second)
		ids = append(ids, s.mustPost(t, p.by, "by "+p.by.Handle).ID)
	}
	// ids: 0 ada, 1 bob, 2 cyd, 3 ada, 4 bob
	if r := s.do(t, "PUT", "/tweets/api/tweets/"+ids[0]+"/like", cyd.Token, nil); r.Status != http.StatusNoContent {
		t.Fatalf("like: %d %s", r.Status, r)
	}

	type list struct {
		Items []struct {
			ID        string `json:"id"`
			LikedByMe bool   `json:"liked_by_me"`
			Author    struct {
				Handle string `json:"handle"`
			} `json:"author"`
		} `json:"items"`
		Next *string `json:"next"`
	}
	feed := func(t *testing.T, body map[string]any, want int) list {
		t.Helper()
		r := s.do(t, "POST", "/tweets/api/feed", cyd.Token, body)
		if r.Status != want {
			t.Fatalf("feed %v: %d %s, want %d", body, r.Status, r, want)
		}
		var l list
		json.Unmarshal(r.Body, &l)
		return l
	}
	idsOf := func(l list) []string {
		var out []string
		for _, it := range l.Items {
			out = append(out, it.ID)
		}
		return out
	}
	authors := []string{ada.ID, bob.ID}

	t.Run("recent, paged", func(t *testing.T) {
		first := feed(t, map[string]any{"authors": authors, "limit": 3}, http.StatusOK)
		if first.Next == nil {
			t.Fatal("no next cursor after a full page")
		}
		second := feed(t, map[string]any{"authors": authors, "limit": 3, "cursor": *first.Next}, http.StatusOK)
		got := append(idsOf(first), idsOf(second)...)
		if want := []string{ids[4], ids[3], ids[1], ids[0]}; !slices.Equal(got, want) {
			t.Errorf("feed = %v, want %v (cyd's tweet left out)", got, want)
		}
		if first.Items[0].Author.Handle != "bob" {
			t.Errorf("author = %q, want bob filled in", first.Items[0].Author.Handle)
		}
	})
	t.Run("popular puts the liked first", func(t *testing.T) {
		got := feed(t, map[string]any{"authors": authors, "sort": "popular"}, http.StatusOK)
		if want := []string{ids[0], ids[4], ids[3], ids[1]}; !slices.Equal(idsOf(got), want) {
			t.Errorf("popular = %v, want %v", idsOf(got), want)
		}
		if !got.Items[0].LikedByMe {
			t.Error("liked_by_me is false for the tweet cyd liked")
		}
	})
	t.Run("after", func(t *testing.T) {
		got := feed(t, map[string]any{"authors": authors, "after": ids[1]}, http.StatusOK)
		if want := []string{ids[4], ids[3]}; !slices.Equal(idsOf(got), want) {
			t.Errorf("after = %v, want %v", idsOf(got), want)
		}
	})
	t.Run("refusals", func(t *testing.T) {
		feed(t, map[string]any{"authors": authors, "cursor": "nonsense"}, http.StatusUnprocessableEntity)
		feed(t, map[string]any{"authors": authors, "sort": "popular", "after": ids[1]}, http.StatusUnprocessableEntity)
		feed(t, map[string]any{"authors": authors, "sort": "oldest"}, http.StatusUnprocessableEntity)
		if r := s.do(t, "POST", "/tweets/api/feed", "", map[string]any{"authors": authors}); r.Status != http.StatusUnauthorized {
			t.Errorf("feed without a session: %d, want 401", r.Status)
		}
	})
}

// The feed query checks its body itself instead of through huma's
// validation (it decodes the thousand author ids once, not twice), and
// answers every body that breaks the documented schema as huma did: 422
// "validation failed" naming each broken rule where it is broken, and 400
// for a body that is not JSON.
func TestFeedAPIRefusesBodiesOutsideTheSchema(t *testing.T) {
	s := mustStack(t)
	ada := s.mustUser(t, "ada", "Ada")
	tooMany := make([]string, 50_001)
	for i := range tooMany {
		tooMany[i] = "1"
	}
	type problem struct{ Location, Message string }
	tests := []struct {
		name   string
		body   any
		status int
		want   []problem
	}{
		{"too many authors", map[string]any{"authors": tooMany}, 422,
			[]problem{{"body.authors", "expected array length <= 50000"}}},
		{"unknown sort", map[string]any{"authors": []string{"1"}, "sort": "oldest"}, 422,
			[]problem{{"body.sort", `expected value to be one of "recent, popular"`}}},
		{"empty sort", map[string]any{"authors": []string{"1"}, "sort": ""}, 422,
			[]problem{{"body.sort", `expected value to be one of "recent, popular"`}}},
		{"sort not a string", []byte(`{"authors":["1"],"sort":5}`), 422,
			[]problem{{"body.sort", "expected string"}}},
		{"cursor of 41 characters", map[string]any{"authors": []string{"1"}, "cursor": strings.Repeat("1", 41)}, 422,
			[]problem{{"body.cursor", "expected length <= 40"}}},
		{"after of 21 characters", map[string]any{"authors": []string{"1"}, "after": strings.Repeat("1", 21)}, 422,
			[]problem{{"body.after", "expected length <= 20"}}},
		{"limit 0", map[string]any{"authors": []string{"1"}, "limit": 0}, 422,
			[]problem{{"body.limit", "expected number >= 1"}}},
		{"negative limit", map[string]any{"authors": []string{"1"}, "limit": -1}, 422,
			[]problem{{"body.limit", "expected number >= 1"}}},
		{"limit 101", map[string]any{"authors": []string{"1"}, "limit": 101}, 422,
			[]problem{{"body.limit", "expected number <= 100"}}},
		{"fractional limit", []byte(`{"authors":["1"],"limit":1.5}`), 422,
			[]problem{{"body.limit", "expected integer"}}},
		{"limit as a string", []byte(`{"authors":["1"],"limit":"5"}`), 422,
			[]problem{{"body.limit", "expected integer"}}},
		{"no authors", map[string]any{"limit": 5}, 422,
			[]problem{{"body", "expected required property authors to be present"}}},
		{"null authors and no key", map[string]any{"authors": nil}, 422,
			[]problem{{"body", "expected required property authors to be present"}}},
		{"a key of the wrong shape", map[string]any{"authors_key": "ABC"}, 422,
			[]problem{{"body.authors_key", "expected string to match pattern ^[0-9a-f]{64}$"}}},
		{"authors not a list", []byte(`{"authors":"1"}`), 422,
			[]problem{{"body.authors", "expected array"}}},
		{"an author not a string", []byte(`{"authors":["1",2]}`), 422,
			[]problem{{"body.authors[1]", "expected string"}}},
		{"a null author", []byte(`{"authors":["1",null]}`), 422,
			[]problem{{"body.authors[1]", "expected string"}}},
		{"unknown member", []byte(`{"authors":["1"],"bogus":1}`), 422,
			[]problem{{"body.bogus", "unexpected property"}}},
		{"not an object", []byte(`[1]`), 422, []problem{{"body", "expected object"}}},
		{"null", []byte(`null`), 422, []problem{{"body", "expected object"}}},
		{"every rule at once, by member", []byte(`{"authors":["1"],"sort":"x","limit":500,"cursor":"` +
			strings.Repeat("x", 41) + `","after":"` + strings.Repeat("x", 21) + `"}`), 422,
			[]problem{{"body.after", "expected length <= 20"}, {"body.cursor", "expected length <= 40"},
				{"body.limit", "expected number <= 100"}, {"body.sort", `expected value to be one of "recent, popular"`}}},
		{"not JSON", []byte(`{"authors":[`), 400, []problem{{"body", "unexpected end of JSON input"}}},
		{"JSON and more", []byte(`{"authors":["1"]} x`), 400, []problem{{"body", "invalid character 'x' after top-level value"}}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			r := s.do(t, "POST", "/tweets/api/feed", ada.Token, tc.body)
			if r.Status != tc.status {
				t.Fatalf("status = %d %s, want %d", r.Status, r, tc.status)
			}
			if _, detail := r.problem(t); detail != "validation failed" {
				t.Errorf("detail = %q, want %q", detail, "validation failed")
			}
			var body struct{ Errors []problem }
			if err := json.Unmarshal(r.Body, &body); err != nil {
				t.Fatal(err)
			}
			if !slices.Equal(body.Errors, tc.want) {
				t.Errorf("errors = %+v, want %+v", body.Errors, tc.want)
			}
		})
	}
	t.Run("content types", func(t *testing.T) {
		// Read as JSON whenever huma reads a body as JSON: posting a tweet,
		// whose body huma decodes itself, is the measure.
		for _, ct := range []string{"", "application/json", "application/json; charset=utf-8", "application/vnd.murmur+json",
			"json", "text/plain", "APPLICATION/JSON", "application/json ;charset=utf-8", "a;b+json"} {
			var header []string
			if ct != "" {
				header = []string{"Content-Type", ct}
			}
			post := s.do(t, "POST", "/tweets/api/tweets", ada.Token, []byte(`{"text":""}`), header...)
			feed := s.do(t, "POST", "/tweets/api/feed", ada.Token, []byte(`{"authors":[]}`), header...)
			if want := map[int]int{422: 200, 415: 415}[post.Status]; want == 0 || feed.Status != want {
				t.Errorf("Content-Type %q: feed = %d %s, want %d (posting a tweet = %d)", ct, feed.Status, feed, want, post.Status)
			}
			if feed.Status == http.StatusUnsupportedMediaType {
				var body struct{ Errors []problem }
				json.Unmarshal(feed.Body, &body)
				if want := []problem{{"body", "unknown content type: " + ct}}; !slices.Equal(body.Errors, want) {
					t.Errorf("Content-Type %q: errors = %+v, want %+v", ct, body.Errors, want)
				}
			}
		}
	})
	t.Run("the bounds pass", func(t *testing.T) {
		for _, body := range []map[string]any{
			{"authors": []string{"1"}, "limit": 1},
			{"authors": []string{"1"}, "limit": 100, "sort": "popular"},
			{"authors": []string{}},
			{"authors": []string{}, "sort": nil, "limit": nil, "cursor": nil, "after": nil},
		} {
			if r := s.do(t, "POST", "/tweets/api/feed", ada.Token, body); r.Status != http.StatusOK {
				t.Errorf("feed %v = %d %s, want 200", body, r.Status, r)
			}
		}
		// Lengths count characters, not bytes: this cursor passes the
		// schema, and the feed itself refuses it.
		r := s.do(t, "POST", "/tweets/api/feed", ada.Token, map[string]any{"authors": []string{"1"}, "cursor": strings.Repeat("é", 40)})
		if _, detail := r.problem(t); r.Status != 422 || detail != "The cursor is not one this service gave out." {
			t.Errorf("a cursor of 40 two-byte characters = %d %s, want the feed's own refusal", r.Status, r)
		}
	})
	t.Run("defaults", func(t *testing.T) {
		author := s.mustUser(t, "prolific", "Prolific")
		for i := range 21 {
			s.Clock.Advance(time.Second)
			s.mustPost(t, author, "tweet "+strings.Repeat("!", i+1))
		}
		r := s.do(t, "POST", "/tweets/api/feed", ada.Token, map[string]any{"authors": []string{author.ID}})
		var l struct {
			Items []json.RawMessage `json:"items"`
			Next  *string           `json:"next"`
		}
		json.Unmarshal(r.Body, &l)
		if r.Status != http.StatusOK || len(l.Items) != 20 || l.Next == nil {
			t.Errorf("feed with no limit = %d, %d items (next %v), want 20 and a next page", r.Status, len(l.Items), l.Next)
		}
	})
}

// The feed query's body is read raw, but documented as the schema it is
// checked against.
func TestFeedAPIDocumentsItsBody(t *testing.T) {
	s := mustStack(t)
	r := s.do(t, "GET", "/tweets/api/openapi.json", "", nil)
	var doc struct {
		Paths map[string]map[string]struct {
			RequestBody struct {
				Required bool
				Content  map[string]struct {
					Schema struct {
						Ref string `json:"$ref"`
					}
				}
			} `json:"requestBody"`
		}
		Components struct {
			Schemas map[string]json.RawMessage
		}
	}
	if err := json.Unmarshal(r.Body, &doc); err != nil {
		t.Fatal(err)
	}
	body := doc.Paths["/tweets/api/feed"]["post"].RequestBody
	if len(body.Content) != 1 || body.Content["application/json"].Schema.Ref != "#/components/schemas/FeedInputBody" || !body.Required {
		t.Fatalf("request body = %+v, want a required application/json FeedInputBody", body)
	}
	var schema map[string]any
	json.Unmarshal(doc.Components.Schemas["FeedInputBody"], &schema)
	props, _ := schema["properties"].(map[string]any)
	member := func(name, key string) any {
		m, _ := props[name].(map[string]any)
		return m[key]
	}
	for _, c := range []struct {
		name, key string
		want      any
	}{
		{"authors", "maxItems", 50000.0}, {"cursor", "maxLength", 40.0}, {"after", "maxLength", 20.0},
		{"limit", "minimum", 1.0}, {"limit", "maximum", 100.0}, {"limit", "default", 20.0}, {"sort", "default", "recent"},
	} {
		if got := member(c.name, c.key); got != c.want {
			t.Errorf("%s.%s = %v, want %v", c.name, c.key, got, c.want)
		}
	}
	if enum := member("sort", "enum"); !reflect.DeepEqual(enum, []any{"recent", "popular"}) {
		t.Errorf("sort.enum = %v, want recent, popular", enum)
	}
	if schema["additionalProperties"] != false || schema["required"] != nil || member("authors_key", "pattern") != "^[0-9a-f]{64}$" {
		t.Errorf("schema = %v, want no member required (authors or authors_key), authors_key's pattern and no other members", schema)
	}
}
