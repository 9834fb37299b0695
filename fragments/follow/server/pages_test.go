package server_test

import (
	"encoding/json"
	"slices"
	"strings"
	"testing"
)

func TestPages(t *testing.T) {
	e := mustEnv(t)
	ada := e.mustUser(t, "ada", "Ada Lovelace")
	bob := e.mustUser(t, "bob", "Bob")
	e.mustFollow(t, ada, bob)
	tests := []struct {
		name       string
		path       string
		as         *user
		header     map[string]string
		wantStatus int
		want       []string
	}{
		{"home signed in", "/follow/", &ada, nil, 200, []string{
			"<!doctype html>", `href="/follow/static/murmur.`, "Signed in as", "@ada",
			"People you follow", "Your followers", "Who to follow", "@bob", `data-count="following">1<`}},
		{"home signed out", "/follow/", nil, nil, 200, []string{
			"Sign in to follow people", `href="` + e.profile.URL + `/profile/#signin"`, "Who to follow", "@bob"}},
		{"home behind the shell", "/follow/", &ada, shell, 200, []string{`href="/static/murmur.`, `href="/u/bob"`}},
		{"a person", "/follow/u/bob", &ada, nil, 200, []string{
			"<title>@bob · murmur</title>", "Followers of @bob", "@bob follows", "@ada",
			`hx-delete="/follow/frag/button/` + bob.ID + `"`, `id="followers"`, `id="following"`}},
		{"a person signed out", "/follow/u/ada", nil, nil, 200, []string{"Ada Lovelace", "Sign in to follow"}},
		{"nobody", "/follow/u/nobody", &ada, nil, 404, []string{"doesn’t exist", "Who to follow"}},
		{"health", "/follow/healthz", nil, nil, 200, []string{`"status":"ok"`}},
		{"metrics", "/follow/metrics", nil, nil, 200, []string{"murmur_http_requests_total"}},
		{"API docs", "/follow/api/docs", nil, nil, 200, []string{`data-spec="/follow/api/openapi.json"`}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got := e.do(t, request{Method: "GET", Path: tc.path, As: tc.as, Header: tc.header})
			if got.Status != tc.wantStatus {
				t.Fatalf("status = %d, want %d; body %s", got.Status, tc.wantStatus, got.Body)
			}
			for _, w := range tc.want {
				if !strings.Contains(got.Body, w) {
					t.Errorf("body lacks %q:\n%s", w, got.Body)
				}
			}
		})
	}
}

func TestOpenAPI(t *testing.T) {
	e := mustEnv(t)
	got := e.mustDo(t, request{Method: "GET", Path: "/follow/api/openapi.json"}, 200)
	var doc struct {
		OpenAPI string                    `json:"openapi"`
		Paths   map[string]map[string]any `json:"paths"`
	}
	if err := json.Unmarshal([]byte(got.Body), &doc); err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(doc.OpenAPI, "3.1") {
		t.Errorf("openapi = %q, want 3.1", doc.OpenAPI)
	}
	for path, methods := range map[string][]string{
		"/follow/api/following/{user_id}":       {"put", "delete"},
		"/follow/api/users/{user_id}":           {"get"},
		"/follow/api/users/{user_id}/followers": {"get"},
		"/follow/api/users/{user_id}/following": {"get"},
	} {
		for _, m := range methods {
			if _, ok := doc.Paths[path][m]; !ok {
				t.Errorf("OpenAPI lacks %s %s", strings.ToUpper(m), path)
			}
		}
	}

	t.Run("the following ids answer conditional requests", func(t *testing.T) {
		type param struct{ Name, In string }
		var ids struct {
			Paths map[string]map[string]struct {
				Description string
				Parameters  []param
				Responses   map[string]struct{ Headers map[string]any }
			}
		}
		if err := json.Unmarshal([]byte(got.Body), &ids); err != nil {
			t.Fatal(err)
		}
		op := ids.Paths["/follow/api/users/{user_id}/following/ids"]["get"]
		if !slices.Contains(op.Parameters, param{"If-None-Match", "header"}) {
			t.Errorf("no If-None-Match header among the parameters: %+v", op.Parameters)
		}
		if _, ok := op.Responses["200"].Headers["ETag"]; !ok {
			t.Errorf("200 documents no ETag header: %+v", op.Responses["200"])
		}
		if _, ok := op.Responses["304"]; !ok {
			t.Errorf("no 304 response: %+v", op.Responses)
		}
		if !strings.Contains(op.Description, "If-None-Match") {
			t.Errorf("the description does not mention If-None-Match: %q", op.Description)
		}
	})
}
