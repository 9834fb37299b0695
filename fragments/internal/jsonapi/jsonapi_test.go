package jsonapi

import "testing"

func TestNext(t *testing.T) {
	if got := Next(""); got != nil {
		t.Errorf(`Next("") = %q, want nil (null on the last page)`, *got)
	}
	if got := Next("42"); got == nil || *got != "42" {
		t.Errorf(`Next("42") = %v, want "42"`, got)
	}
}
