package shell

import (
	"bytes"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"murmur/nginx"
	"murmur/services"
)

// nginx answers its own errors with the shell's static pages: each one the
// configuration names must be rendered, in the common layout, with no SSI
// (it must show with every service down).
func TestErrorPagesNginxNamesAreRendered(t *testing.T) {
	dir := t.TempDir()
	if err := Render(dir, services.All()); err != nil {
		t.Fatal(err)
	}
	var conf bytes.Buffer
	names := services.All().Names()
	ups := make([]nginx.Upstream, len(names))
	for i, s := range names {
		ups[i] = nginx.Upstream{Name: s, Addrs: []string{"127.0.0.1:1"}}
	}
	if err := nginx.Render(&conf, nginx.Config{Listen: "127.0.0.1:1", SiteDir: dir, RunDir: dir, LogDir: dir, Upstreams: ups}); err != nil {
		t.Fatal(err)
	}
	named := regexp.MustCompile(`/`+ErrorDir+`/[a-z-]+\.html`).FindAllString(conf.String(), -1)
	if len(named) < 3 {
		t.Fatalf("the nginx configuration names %v, want its error pages", named)
	}
	for _, path := range named {
		if _, ok := ErrorPages[filepath.Base(path)]; !ok {
			t.Errorf("nginx names %s, which the shell does not render", path)
		}
	}
	for name, e := range ErrorPages {
		data, err := os.ReadFile(filepath.Join(dir, ErrorDir, name))
		if err != nil {
			t.Fatal(err)
		}
		page := string(data)
		for _, want := range []string{"<!doctype html>", `<link rel="stylesheet" href="/static/murmur.`, `class="card error-page"`,
			"<title>" + e.Title + " · murmur</title>", e.Heading} {
			if !strings.Contains(page, want) {
				t.Errorf("%s lacks %q", name, want)
			}
		}
		if strings.Contains(page, "<!--#") {
			t.Errorf("%s holds SSI directives", name)
		}
	}
}

// Pages name slots; the list says which service fills each. A slot whose
// service is taken out of the list renders empty, and the rest of the
// page is unchanged.
func TestSlotsFollowTheList(t *testing.T) {
	read := func(t *testing.T, list services.List, page string) string {
		t.Helper()
		dir := t.TempDir()
		if err := Render(dir, list); err != nil {
			t.Fatal(err)
		}
		data, err := os.ReadFile(filepath.Join(dir, page))
		if err != nil {
			t.Fatal(err)
		}
		return string(data)
	}
	all := read(t, services.All(), "home.html")
	for _, want := range []string{`include virtual="/_ssi/profile/frag/nav"`, `include virtual="/_ssi/notifications/frag/bell"`,
		`include virtual="/_ssi/timeline/frag/home"`, "<strong>Who to follow</strong> can’t be shown right now"} {
		if !strings.Contains(all, want) {
			t.Errorf("home page lacks %q", want)
		}
	}
	// The bell is quiet: down, it shows nothing rather than a fallback
	// block in the header, and it is not asked for again.
	if strings.Contains(all, "<strong>Notifications</strong>") || strings.Contains(all, `data-murmur-fragment="/notifications/frag/bell"`) {
		t.Error("the bell's slot has a fallback block")
	}
	without := read(t, services.All().Without("notifications"), "home.html")
	if strings.Contains(without, "notifications") {
		t.Errorf("without notifications in the list, the home page still names it:\n%s", without)
	}
	for _, want := range []string{`include virtual="/_ssi/profile/frag/nav"`, `include virtual="/_ssi/follow/frag/who-to-follow"`} {
		if !strings.Contains(without, want) {
			t.Errorf("without notifications, the home page lacks %q", want)
		}
	}
	user := read(t, services.All(), "user.html")
	if !strings.Contains(user, `data-murmur-fragment="/tweets/frag/users/<!--# echo var="handle" encoding="entity" default="" -->/tweets"`) {
		t.Errorf("the person's page does not fill its handle into the slot's fragment:\n%s", user)
	}
}

// A tweet's page, the hashtag page and the search page include their
// fragments with the values nginx takes from the address (the tweet's page
// the conversation from tweets and its live part from timeline, beside the
// author's card), and the echo that names each fragment for a retry prints
// nothing for an unset variable (a search without ?q=).
func TestTweetTagAndSearchPages(t *testing.T) {
	dir := t.TempDir()
	if err := Render(dir, services.All()); err != nil {
		t.Fatal(err)
	}
	for name, wants := range map[string][]string{
		"status.html": {`<!--# include virtual="/_ssi/tweets/frag/tweets/${tweet_id}/conversation"`,
			`<!--# include virtual="/_ssi/timeline/frag/conversation/${tweet_id}"`,
			`<!--# include virtual="/_ssi/profile/frag/users/${handle}"`,
			`<template data-murmur-fragment="/tweets/frag/tweets/<!--# echo var="tweet_id" encoding="entity" default="" -->/conversation">`,
			"<strong>This tweet</strong> can’t be shown right now"},
		"tags.html": {`<!--# include virtual="/_ssi/tweets/frag/tags/${tag}"`, `/tweets/frag/tags/<!--# echo var="tag" encoding="entity" default="" -->`,
			`<!--# include virtual="/_ssi/profile/frag/nav"`},
		"search.html": {`<!--# include virtual="/_ssi/profile/frag/nav?q=${arg_q}"`, `<!--# include virtual="/_ssi/profile/frag/search/people?q=${arg_q}"`,
			`<!--# include virtual="/_ssi/tweets/frag/search?q=${arg_q}"`, `/tweets/frag/search?q=<!--# echo var="arg_q" encoding="entity" default="" -->`},
	} {
		page, err := os.ReadFile(filepath.Join(dir, name))
		if err != nil {
			t.Fatal(err)
		}
		for _, want := range wants {
			if !strings.Contains(string(page), want) {
				t.Errorf("%s lacks %s", name, want)
			}
		}
	}
}
