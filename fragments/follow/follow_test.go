package follow_test

import (
	"testing"

	"murmur/fragments/follow"
)

func TestValidID(t *testing.T) {
	tests := []struct {
		id   string
		want bool
	}{
		{"1", true},
		{"42", true},
		{"9223372036854775807", true},
		{"", false},
		{"0", false},
		{"-1", false},
		{"+1", false},
		{"01", false},
		{" 1", false},
		{"1.0", false},
		{"1e3", false},
		{"abc", false},
		{"9223372036854775808", false},
	}
	for _, tc := range tests {
		t.Run(tc.id, func(t *testing.T) {
			if got := follow.ValidID(tc.id); got != tc.want {
				t.Errorf("ValidID(%q) = %v, want %v", tc.id, got, tc.want)
			}
		})
	}
}
