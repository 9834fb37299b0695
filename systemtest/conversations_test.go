package systemtest

import (
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"testing"
)

// The planned rows of DESIGN.md that conversations built, through the
// shell: replies, the context of a tweet, hashtags and search.

var deletedShape = map[string]string{"id": jString, "deleted": jBool, "in_reply_to_id": jStringOrNull}

// contextEntry checks one entry of a context: a Tweet, or a deleted one's
// place; descendants also carry their depth.
func contextEntry(t *testing.T, where string, v any, descendant bool) map[string]any {
	t.Helper()
	m, _ := v.(map[string]any)
	shape, extra := tweetShape, []string{}
	if m["deleted"] == true {
		shape = deletedShape
	}
	if descendant {
		extra = append(extra, "depth")
		if _, ok := m["depth"].(float64); !ok {
			t.Errorf("%s: depth %v, want a number", where, m["depth"])
		}
	}
	return checkShape(t, where, v, shape, extra...)
}

func TestContractConversations(t *testing.T) {
	s := MustStack(t)
	anon := contractClient(t, s)
	alice := contractClient(t, s)
	alice.MustSignUp(t, "alice", "password-alice", "Alice Archer")
	bob := contractClient(t, s)
	bob.MustSignUp(t, "bob", "password-bob", "Bob Builder")

	post := func(c *Client, text, to string) map[string]any {
		t.Helper()
		body := map[string]any{"text": text, "media_ids": []string{}}
		if to != "" {
			body["in_reply_to_id"] = to
		}
		tw := checkTweet(t, "POST /tweets/api/tweets", call(t, c, http.StatusCreated, "POST", "/tweets/api/tweets", body))
		if got := tw["in_reply_to_id"]; to == "" && got != nil || to != "" && got != to {
			t.Errorf("posted %q: in_reply_to_id %v, want %q", text, got, to)
		}
		return tw
	}
	root := str(post(alice, "A thread about #Murmur, 1/2", ""), "id")
	second := str(post(alice, "murmur thread 2/2", root), "id")
	answer := str(post(bob, "Nice thread", root), "id")
	onSecond := str(post(bob, "About 2/2 of the thread", second), "id")
	alice.MustJSON(t, http.StatusNoContent, "DELETE", "/tweets/api/tweets/"+second, nil, nil)

	t.Run("POST /tweets/api/tweets with in_reply_to_id", func(t *testing.T) {
		got := checkTweet(t, "GET root", call(t, bob, http.StatusOK, "GET", "/tweets/api/tweets/"+root, nil))
		if num(got, "reply_count") != 1 {
			t.Errorf("root reply_count = %v, want 1 (bob's; alice's second was deleted)", got["reply_count"])
		}
		checkFailures(t, []failure{
			{"404 replied-to tweet gone", bob, "POST", "/tweets/api/tweets", map[string]any{"text": "hi", "in_reply_to_id": second}, 404},
			{"404 no such tweet", bob, "POST", "/tweets/api/tweets", map[string]any{"text": "hi", "in_reply_to_id": noSuchID}, 404},
			{"422 not a tweet id", bob, "POST", "/tweets/api/tweets", map[string]any{"text": "hi", "in_reply_to_id": "x"}, 422},
		})
	})

	t.Run("GET /tweets/api/tweets/{id}/context", func(t *testing.T) {
		c := checkShape(t, "context", call(t, bob, http.StatusOK, "GET", "/tweets/api/tweets/"+root+"/context", nil),
			map[string]string{"ancestors": jArray, "descendants": jArray, "next": jStringOrNull})
		var got []string
		for i, d := range c["descendants"].([]any) {
			e := contextEntry(t, fmt.Sprintf("descendants[%d]", i), d, true)
			got = append(got, fmt.Sprint(str(e, "id"), "/", e["depth"], "/", e["deleted"] == true))
		}
		want := []string{second + "/1/true", onSecond + "/2/false", answer + "/1/false"}
		if !slices.Equal(got, want) {
			t.Errorf("descendants of root = %v, want %v (alice's own thread first, her deleted 2/2 kept for bob's reply)", got, want)
		}
		c = checkShape(t, "context", call(t, alice, http.StatusOK, "GET", "/tweets/api/tweets/"+onSecond+"/context", nil),
			map[string]string{"ancestors": jArray, "descendants": jArray, "next": jStringOrNull})
		got = nil
		for i, a := range c["ancestors"].([]any) {
			got = append(got, str(contextEntry(t, fmt.Sprintf("ancestors[%d]", i), a, false), "id"))
		}
		if !slices.Equal(got, []string{root, second}) {
			t.Errorf("ancestors = %v, want root then the deleted 2/2", got)
		}
		checkFailures(t, []failure{
			{"404 unknown", bob, "GET", "/tweets/api/tweets/" + noSuchID + "/context", nil, 404},
			{"422 bad cursor", bob, "GET", "/tweets/api/tweets/" + root + "/context?cursor=x", nil, 422},
			{"401 without a token", anon, "GET", "/tweets/api/tweets/" + root + "/context", nil, 401},
		})
	})

	t.Run("GET /tweets/api/tags/{tag}", func(t *testing.T) {
		for _, tag := range []string{"murmur", "%23Murmur", "MURMUR"} {
			if ids := collect(t, bob, "/tweets/api/tags/"+tag, 1, tweetItem); !slices.Equal(ids, []string{root}) {
				t.Errorf("#%s lists %v, want the root only (the others say murmur without #)", tag, ids)
			}
		}
		checkFailures(t, []failure{
			{"422 not a hashtag", bob, "GET", "/tweets/api/tags/42", nil, 422},
			{"401 without a token", anon, "GET", "/tweets/api/tags/murmur", nil, 401},
		})
	})

	t.Run("GET /tweets/api/search?q=", func(t *testing.T) {
		ids := collect(t, bob, "/tweets/api/search?q=thread", 2, tweetItem)
		if want := []string{onSecond, answer, root}; !slices.Equal(ids, want) {
			t.Errorf("search thread = %v, want %v (newest first, the deleted one gone)", ids, want)
		}
		// Operators are words: no tweet says "near" or "or".
		if ids := collect(t, alice, "/tweets/api/search?q="+url.QueryEscape(`"NEAR(thread" OR *`), 5, tweetItem); len(ids) != 0 {
			t.Errorf("a search of operators = %v, want none", ids)
		}
		checkFailures(t, []failure{
			{"422 no word", bob, "GET", "/tweets/api/search?q=" + url.QueryEscape("* -"), nil, 422},
			{"401 without a token", anon, "GET", "/tweets/api/search?q=thread", nil, 401},
		})
	})
}
