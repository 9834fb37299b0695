package notifications

import "testing"

// A change that notifies no one and takes nothing back leaves no record:
// one's own likes and follows, a tweet that answers no one.
func TestQuietChanges(t *testing.T) {
	own := Fact{RecipientID: "1", ActorID: "1", Kind: Like, TweetID: "9"}
	other := Fact{RecipientID: "1", ActorID: "2", Kind: Like, TweetID: "9"}
	for _, c := range []struct {
		name   string
		change Change
		quiet  bool
	}{
		{"nothing", Change{}, true},
		{"my own like", Change{Add: []Fact{own}}, true},
		{"taking back my own like", Change{Remove: []Fact{own}}, true},
		{"someone's like", Change{Add: []Fact{own, other}}, false},
		{"someone takes a like back", Change{Remove: []Fact{other}}, false},
		{"a tweet gone", Change{TweetGone: "9"}, false},
		{"an account gone", Change{UserGone: "2"}, false},
	} {
		if got := c.change.quiet(); got != c.quiet {
			t.Errorf("%s: quiet = %v, want %v", c.name, got, c.quiet)
		}
	}
}
