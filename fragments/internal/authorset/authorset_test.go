package authorset_test

import (
	"fmt"
	"testing"

	"murmur/fragments/internal/authorset"
)

func TestNames(t *testing.T) {
	a, b := authorset.Name([]string{"1", "2"}), authorset.Name([]string{"2", "1"})
	if !authorset.Valid(a) || !authorset.Valid(b) {
		t.Fatalf("names %q and %q are not of a name's shape", a, b)
	}
	if a == b {
		t.Error("a list and its reverse share a name")
	}
	if again := authorset.Name([]string{"1", "2"}); again != a {
		t.Errorf("the same list named %q, then %q", a, again)
	}
	// Ids are separated, not concatenated.
	if authorset.Name([]string{"12"}) == authorset.Name([]string{"1", "2"}) {
		t.Error(`["12"] and ["1","2"] share a name`)
	}
	if got := authorset.Name([]string{"1\n2"}); got != "" {
		t.Errorf("an id holding a newline got the name %q", got)
	}
	for _, bad := range []string{"", "abc", a[:63], a + "0", "A" + a[1:], "g" + a[1:]} {
		if authorset.Valid(bad) {
			t.Errorf("%q passes as a name", bad)
		}
	}
}

func TestSetsRememberOnlyWhatTheirNameSays(t *testing.T) {
	sets := authorset.NewSets(10)
	ids := []string{"1", "2", "3"}
	name := authorset.Name(ids)
	if _, ok := sets.Get(name); ok {
		t.Fatal("a list never sent is known")
	}
	if sets.Remember(authorset.Name([]string{"1", "2"}), ids) {
		t.Fatal("a list was kept under another list's name")
	}
	if !sets.Remember(name, ids) {
		t.Fatal("a list was refused under its own name")
	}
	ids[0] = "changed" // the caller's slice is not the one kept
	if got, ok := sets.Get(name); !ok || fmt.Sprint(got) != "[1 2 3]" {
		t.Fatalf("Get = %v %t, want [1 2 3]", got, ok)
	}
}

func TestSetsForgetTheOldestBeyondTheirBound(t *testing.T) {
	sets := authorset.NewSets(10) // ids in all
	var names []string
	for i := range 4 {
		ids := []string{fmt.Sprint(i), "a", "b"}
		names = append(names, authorset.Name(ids))
		sets.Remember(names[i], ids)
	}
	// 12 ids were sent, 10 fit: the first list went.
	if _, ok := sets.Get(names[0]); ok {
		t.Error("the oldest list is still kept beyond the bound")
	}
	for _, n := range names[1:] {
		if _, ok := sets.Get(n); !ok {
			t.Errorf("list %s was forgotten within the bound", n)
		}
	}
	long := make([]string, 11)
	for i := range long {
		long[i] = fmt.Sprint(i)
	}
	if !sets.Remember(authorset.Name(long), long) {
		t.Error("a list longer than the bound was refused as misnamed")
	}
	if _, ok := sets.Get(authorset.Name(long)); ok {
		t.Error("a list longer than the whole bound was kept")
	}
}
