package profile_test

import (
	"strings"
	"testing"

	"murmur/fragments/internal/fault"
	"murmur/fragments/profile"
)

func TestNormalizeHandle(t *testing.T) {
	tests := []struct {
		in, want string
		ok       bool
	}{
		{"ada", "ada", true},
		{"  Ada_99 ", "ada_99", true},
		{"abc", "abc", true},
		{strings.Repeat("a", 20), strings.Repeat("a", 20), true},
		{"ab", "", false},
		{strings.Repeat("a", 21), "", false},
		{"a b", "", false},
		{"ädä", "", false},
		{"ada;--", "", false},
		{"' OR 1=1 --", "", false},
		{"<script>", "", false},
		{"", "", false},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			got, err := profile.NormalizeHandle(tt.in)
			if tt.ok && (err != nil || got != tt.want) {
				t.Errorf("NormalizeHandle(%q) = %q, %v; want %q", tt.in, got, err, tt.want)
			}
			if !tt.ok && !fault.Is(err, fault.Invalid) {
				t.Errorf("NormalizeHandle(%q) error = %v, want Invalid", tt.in, err)
			}
		})
	}
}

func TestCleanText(t *testing.T) {
	if _, err := profile.CleanDisplayName(strings.Repeat("é", 50)); err != nil {
		t.Errorf("50 accented characters: %v, want accepted (length counts characters, not bytes)", err)
	}
	if _, err := profile.CleanDisplayName(strings.Repeat("x", 51)); !fault.Is(err, fault.Invalid) {
		t.Errorf("51 characters: %v, want Invalid", err)
	}
	if _, err := profile.CleanDisplayName("   "); !fault.Is(err, fault.Invalid) {
		t.Errorf("blank name: %v, want Invalid", err)
	}
	if _, err := profile.CleanDisplayName("a\x00b"); !fault.Is(err, fault.Invalid) {
		t.Errorf("NUL in a name: %v, want Invalid", err)
	}
	if got, err := profile.CleanBio(" two\r\nlines "); err != nil || got != "two\nlines" {
		t.Errorf("bio = %q, %v; want trimmed with its line break kept", got, err)
	}
	if _, err := profile.CleanBio("one\nline"); err != nil {
		t.Errorf("bio with a line break: %v", err)
	}
	if _, err := profile.CleanDisplayName("one\nline"); !fault.Is(err, fault.Invalid) {
		t.Errorf("name with a line break: %v, want Invalid", err)
	}
}

func TestPasswords(t *testing.T) {
	p := profile.DefaultPasswords
	hash, err := p.Hash("correct horse")
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(hash, "$argon2id$v=19$m=19456,t=2,p=1$") {
		t.Errorf("hash %q is not an argon2id PHC string with the configured cost", hash)
	}
	if !p.Verify(hash, "correct horse") {
		t.Error("the right password does not verify")
	}
	if p.Verify(hash, "correct horse ") {
		t.Error("a different password verifies")
	}
	other, _ := p.Hash("correct horse")
	if other == hash {
		t.Error("two hashes of one password are equal: the salt is not random")
	}
	for _, broken := range []string{"", "plain", "$argon2id$v=19$m=1,t=1,p=1$!!$!!", "$bcrypt$x$y$z$w"} {
		if p.Verify(broken, "x") {
			t.Errorf("Verify(%q) = true, want false", broken)
		}
	}
}
