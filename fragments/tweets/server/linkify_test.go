package server

import (
	"testing"

	"murmur/fragments/internal/render"
)

func TestLinkify(t *testing.T) {
	shell := render.Links{Shell: true, Service: "tweets", Mount: "/tweets"}
	own := render.Links{Service: "tweets", Mount: "/tweets"}
	mounted := render.Links{Service: "tweets", Mount: "/timeline/tweets"}
	const web = ` rel="nofollow noopener noreferrer ugc" target="_blank"`
	for _, tc := range []struct {
		name      string
		links     render.Links
		text      string
		mentioned []string
		want      string
	}{
		{"a tag", shell, "#Go is fun", nil,
			`<a href="/tags/go" class="hashtag">#Go</a> is fun`},
		{"a Unicode tag, escaped in the href", shell, "au #Café!", nil,
			`au <a href="/tags/caf%C3%A9" class="hashtag">#Café</a>!`},
		{"a tag on the service's own page", own, "#go", nil,
			`<a href="/tweets/tags/go" class="hashtag">#go</a>`},
		{"a tag mounted in the timeline", mounted, "(#Go)", nil,
			`(<a href="/timeline/tweets/tags/go" class="hashtag">#Go</a>)`},
		{"no tag after a letter, nor only digits", shell, "C# and #1 and a#b", nil,
			`C# and #1 and a#b`},
		{"a mention of an account", shell, "hi @Ada.", []string{"ada"},
			`hi <a href="/u/ada" class="mention">@Ada</a>.`},
		{"a mention of an account, own page", own, "@ada_b?", []string{"ada_b"},
			`<a href="/tweets/u/ada_b" class="mention">@ada_b</a>?`},
		{"an unknown handle stays text", shell, "hi @nobody and @ada", []string{"ada"},
			`hi @nobody and <a href="/u/ada" class="mention">@ada</a>`},
		{"no accounts at all", shell, "hi @ada", nil, `hi @ada`},
		{"an e-mail address mentions nobody", shell, "mail ada@example.org", []string{"example"},
			`mail ada@example.org`},
		{"an address next to punctuation", shell, "see (https://example.org/a?b=1&c=2).", nil,
			`see (<a href="https://example.org/a?b=1&amp;c=2"` + web + `>https://example.org/a?b=1&amp;c=2</a>).`},
		{"an address with a #fragment and an @path is one link", shell, "https://x.org/@ada#top, #go", []string{"ada"},
			`<a href="https://x.org/@ada#top"` + web + `>https://x.org/@ada#top</a>, <a href="/tags/go" class="hashtag">#go</a>`},
		{"all three side by side", shell, "@ada:#go,https://go.dev!", []string{"ada"},
			`<a href="/u/ada" class="mention">@ada</a>:<a href="/tags/go" class="hashtag">#go</a>,<a href="https://go.dev"` + web + `>https://go.dev</a>!`},
		{"markup and SSI are text", shell, `<b>#x</b> <!--# include virtual="/" --> @ada's "q" & 'a'`, []string{"ada"},
			`&lt;b&gt;<a href="/tags/x" class="hashtag">#x</a>&lt;/b&gt; &lt;!--# include virtual=&#34;/&#34; --&gt; <a href="/u/ada" class="mention">@ada</a>&#39;s &#34;q&#34; &amp; &#39;a&#39;`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got := string(linkify(tc.links, tc.text, tc.mentioned))
			if got != tc.want {
				t.Errorf("linkify(%q)\n got %s\nwant %s", tc.text, got, tc.want)
			}
			if err := checkTweetMarkup(tc.text, got, tweetAnchors(tc.links, tc.mentioned)); err != nil {
				t.Error(err)
			}
		})
	}
}
