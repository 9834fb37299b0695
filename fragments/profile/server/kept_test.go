package server

import (
	"testing"
	"time"

	"murmur/fragments/internal/render"
	"murmur/fragments/layout"
	"murmur/fragments/profile"
)

// TestKeptViewsAnswerWhatTheTemplateWould renders the nav and the profile
// card through what the server keeps, then changes one thing they show at
// a time: each time the answer must be exactly what the template renders
// now, never what was kept for the view before.
func TestKeptViewsAnswerWhatTheTemplateWould(t *testing.T) {
	s := &server{tmpl: layout.Parse(templates, "templates/*.html")}
	s.kept = map[string]*render.Memo[viewKey]{
		"nav":  render.NewMemo[viewKey](s.tmpl, "nav", keptViews),
		"card": render.NewMemo[viewKey](s.tmpl, "card", keptViews),
	}
	ann := profile.User{ID: "7", Handle: "ann", DisplayName: "Ann", Bio: "hello <b>", CreatedAt: time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)}
	base := view{Links: render.Links{Service: service, Mount: "/" + service}, Viewer: &ann, User: ann, Editable: true, Counts: true}
	changes := []struct {
		name   string
		change func(*view)
	}{
		{"as it was", func(*view) {}},
		{"renamed", func(v *view) { u := *v.Viewer; u.DisplayName = "Ann B."; v.Viewer, v.User = &u, u }},
		{"new handle", func(v *view) { u := *v.Viewer; u.Handle = "ann2"; v.Viewer, v.User = &u, u }},
		{"a picture", func(v *view) { u := *v.Viewer; u.Avatar = "aaaa"; v.Viewer, v.User = &u, u }},
		{"another picture", func(v *view) { u := *v.Viewer; u.Avatar = "bbbb"; v.Viewer, v.User = &u, u }},
		{"new bio", func(v *view) { v.User.Bio = "bye" }},
		{"joined another month", func(v *view) { v.User.CreatedAt = v.User.CreatedAt.AddDate(0, 1, 0) }},
		{"through the shell", func(v *view) { v.Links.Shell = true }},
		{"mounted elsewhere", func(v *view) { v.Links.Mount = "/timeline/profile" }},
		{"someone else's card", func(v *view) {
			v.User, v.Editable, v.Counts = profile.User{ID: "8", Handle: "bob", DisplayName: "Bob"}, false, false
		}},
		{"signed out", func(v *view) { v.Viewer, v.Editable, v.Counts = nil, false, false }},
		{"a search typed", func(v *view) { v.Query = `"><script>` }},
	}
	for _, name := range []string{"nav", "card"} {
		for _, ch := range changes {
			v := base
			ch.change(&v)
			want, err := layout.Execute(s.tmpl, name, v)
			if err != nil {
				t.Fatal(err)
			}
			for round := range 2 {
				got, err := s.kept[name].HTML(keyOfView(v), v)
				if err != nil {
					t.Fatal(err)
				}
				if got != want {
					t.Fatalf("%s, %s (round %d): kept\n%s\nthe template renders\n%s", name, ch.name, round, got, want)
				}
			}
		}
	}
}
