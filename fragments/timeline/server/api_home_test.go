package server_test

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"strings"
	"testing"
)

// TestHomeAPIPassesTweetsOn checks that the home's JSON API answers the
// tweets exactly as the tweets service wrote them (the timeline passes
// them on undecoded), and that its description still says what they are:
// a list of Tweet.
func TestHomeAPIPassesTweetsOn(t *testing.T) {
	e := mustEnv(t)
	ada, bob := e.profile.MustUser(t, "ada", "Ada"), e.profile.MustUser(t, "bob", "Bob")
	e.mustFollow(t, ada, bob, true)
	e.mustPost(t, bob, `bob says <b>"hi"</b> & more`)
	e.mustPost(t, ada, "ada's own")

	req, _ := http.NewRequest("GET", e.timeline.URL+"/timeline/api/home?limit=5", nil)
	req.Header.Set("Authorization", "Bearer "+ada.Token)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	raw, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	body := string(raw)
	if resp.StatusCode != http.StatusOK || resp.Header.Get("Content-Type") != "application/json" {
		t.Fatalf("home: %d %q %s", resp.StatusCode, resp.Header.Get("Content-Type"), body)
	}
	var home struct {
		Items json.RawMessage `json:"items"`
		Next  *string         `json:"next"`
	}
	if err := json.Unmarshal([]byte(body), &home); err != nil {
		t.Fatal(err)
	}
	status, feed := call(t, "POST", e.tweets.URL+"/tweets/api/feed", &ada,
		map[string]any{"authors": []string{bob.ID, ada.ID}, "sort": "recent", "limit": 5})
	if status != http.StatusOK {
		t.Fatalf("tweets' feed: %d %s", status, feed)
	}
	var want struct {
		Items json.RawMessage `json:"items"`
	}
	if err := json.Unmarshal([]byte(feed), &want); err != nil {
		t.Fatal(err)
	}
	var a, b bytes.Buffer
	json.Compact(&a, home.Items)
	json.Compact(&b, want.Items)
	if a.String() != b.String() {
		t.Errorf("home's items\n%s\nwant tweets' own\n%s", a.String(), b.String())
	}
	var items []struct {
		Text string `json:"text"`
	}
	if err := json.Unmarshal(home.Items, &items); err != nil || len(items) != 2 || items[1].Text != `bob says <b>"hi"</b> & more` {
		t.Errorf("items = %+v (%v), want ada's tweet then bob's, text as written", items, err)
	}

	// An empty home is an empty list, never null.
	cyd := e.profile.MustUser(t, "cyd", "Cyd")
	if status, body := call(t, "GET", e.timeline.URL+"/timeline/api/home", &cyd, nil); status != http.StatusOK || !bytes.Contains([]byte(body), []byte(`"items":[]`)) {
		t.Errorf("empty home: %d %s, want an empty list", status, body)
	}

	status, spec := call(t, "GET", e.timeline.URL+"/timeline/api/openapi.json", nil, nil)
	if status != http.StatusOK {
		t.Fatalf("openapi: %d", status)
	}
	var doc struct {
		Paths map[string]map[string]struct {
			Responses map[string]struct {
				Content map[string]struct {
					Schema struct {
						Ref string `json:"$ref"`
					} `json:"schema"`
				} `json:"content"`
			} `json:"responses"`
		} `json:"paths"`
		Components struct {
			Schemas map[string]struct {
				Properties map[string]struct {
					Type  any `json:"type"`
					Items struct {
						Ref string `json:"$ref"`
					} `json:"items"`
				} `json:"properties"`
			} `json:"schemas"`
		} `json:"components"`
	}
	if err := json.Unmarshal([]byte(spec), &doc); err != nil {
		t.Fatal(err)
	}
	if ref := doc.Paths["/timeline/api/home"]["get"].Responses["200"].Content["application/json"].Schema.Ref; ref != "#/components/schemas/TweetList" {
		t.Errorf("the home's answer is described as %q, want a TweetList", ref)
	}
	items2 := doc.Components.Schemas["TweetList"].Properties["items"]
	if !strings.Contains(fmt.Sprint(items2.Type), "array") || items2.Items.Ref != "#/components/schemas/Tweet" {
		t.Errorf("TweetList.items is described as %+v, want an array of Tweet", items2)
	}
	if _, ok := doc.Components.Schemas["Tweet"].Properties["boosted_by"]; !ok {
		t.Errorf("the Tweet schema lost its fields: %+v", doc.Components.Schemas["Tweet"])
	}
}
