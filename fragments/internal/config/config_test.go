package config

import (
	"testing"
	"time"
)

func TestLoad(t *testing.T) {
	t.Setenv("MURMUR_DATA_DIR", "/tmp/x")
	t.Setenv("MURMUR_SESSION_TTL", "2h")
	c, err := Load("tweets")
	if err != nil {
		t.Fatal(err)
	}
	if c.Listen != "127.0.0.1:4042" || c.SessionTTL != 2*time.Hour || c.DatabasePath() != "/tmp/x/tweets.db" ||
		c.JWTPrivateKey != "/tmp/x/jwt-ed25519.pem" {
		t.Errorf("config = %+v", c)
	}
	for key, bad := range map[string]string{"MURMUR_SESSION_TTL": "soon", "MURMUR_SECURE_COOKIES": "maybe"} {
		t.Run(key, func(t *testing.T) {
			t.Setenv(key, bad)
			if _, err := Load("tweets"); err == nil {
				t.Errorf("%s=%s was accepted", key, bad)
			}
		})
	}
}

func TestDebugListenOnlyOnLoopback(t *testing.T) {
	for _, tc := range []struct {
		value string
		ok    bool
	}{
		{"", true}, {"127.0.0.1:6060", true}, {"[::1]:6060", true}, {"localhost:6060", true},
		{"0.0.0.0:6060", false}, {":6060", false}, {"10.0.0.5:6060", false}, {"6060", false},
	} {
		t.Run(tc.value, func(t *testing.T) {
			t.Setenv("MURMUR_DEBUG_LISTEN", tc.value)
			c, err := Load("tweets")
			if got := err == nil; got != tc.ok {
				t.Fatalf("MURMUR_DEBUG_LISTEN=%q accepted = %v, want %v (err %v)", tc.value, got, tc.ok, err)
			}
			if tc.ok && c.DebugListen != tc.value {
				t.Errorf("DebugListen = %q, want %q", c.DebugListen, tc.value)
			}
		})
	}
}
