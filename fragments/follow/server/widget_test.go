package server

import (
	"testing"

	"murmur/fragments/follow"
	"murmur/fragments/internal/auth"
	"murmur/fragments/internal/people"
	"murmur/fragments/internal/render"
	"murmur/fragments/layout"
)

// TestKeptWidgetAnswersWhatTheTemplateWould renders who-to-follow through
// what the server keeps, then changes one thing it shows at a time: each
// time the answer must be exactly what the template renders now.
func TestKeptWidgetAnswersWhatTheTemplateWould(t *testing.T) {
	tmpl := layout.Parse(templates, "templates/*.html")
	s := &server{tmpl: tmpl, widgets: render.NewMemo[widgetKey](tmpl, "who-to-follow", keptWidgets)}
	ann := &auth.Viewer{ID: "7", Handle: "ann"}
	ps := []people.Person{{ID: "8", Handle: "bob", DisplayName: "Bob <b>"}, {ID: "9", Handle: "cyd", DisplayName: "Cyd"}}
	base := view{Links: render.Links{Service: service, Mount: "/" + service}, Viewer: ann, SignIn: "/#signin"}
	changes := []struct {
		name   string
		change func(*view, *[]people.Person)
	}{
		{"as it was", func(*view, *[]people.Person) {}},
		{"renamed", func(_ *view, p *[]people.Person) { (*p)[0].DisplayName = "Bobby" }},
		{"new handle", func(_ *view, p *[]people.Person) { (*p)[1].Handle = "cyd2" }},
		{"a picture", func(_ *view, p *[]people.Person) { (*p)[0].AvatarURL = "/profile/avatars/8/aaaa-96.jpg" }},
		{"order", func(_ *view, p *[]people.Person) { (*p)[0], (*p)[1] = (*p)[1], (*p)[0] }},
		{"one fewer", func(_ *view, p *[]people.Person) { *p = (*p)[:1] }},
		{"no one", func(_ *view, p *[]people.Person) { *p = nil }},
		{"through the shell", func(v *view, _ *[]people.Person) { v.Links.Shell = true }},
		{"signed out", func(v *view, _ *[]people.Person) { v.Viewer = nil }},
		{"signed out, elsewhere to sign in", func(v *view, _ *[]people.Person) { v.Viewer, v.SignIn = nil, "http://localhost:4041/profile/" }},
	}
	for _, ch := range changes {
		v, p := base, append([]people.Person(nil), ps...)
		ch.change(&v, &p)
		w := suggestions{view: v, Entries: suggested(v, p)}
		want, err := layout.Execute(tmpl, "who-to-follow", w)
		if err != nil {
			t.Fatal(err)
		}
		k, ok := keyOfWidget(w)
		if !ok {
			t.Fatalf("%s: no key", ch.name)
		}
		for round := range 2 {
			got, err := s.widgets.HTML(k, w)
			if err != nil {
				t.Fatal(err)
			}
			if got != want {
				t.Fatalf("%s (round %d): kept\n%s\nthe template renders\n%s", ch.name, round, got, want)
			}
		}
	}
	// More people than a key holds are rendered each time, not kept.
	many := make([]people.Person, follow.SuggestionCount+1)
	if _, ok := keyOfWidget(suggestions{view: base, Entries: suggested(base, many)}); ok {
		t.Error("a widget of more people than a key holds got a key")
	}
}
