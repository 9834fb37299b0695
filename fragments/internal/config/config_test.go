package config

import (
	"strings"
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

func TestLimits(t *testing.T) {
	t.Run("defaults", func(t *testing.T) {
		c, err := Load("profile")
		if err != nil {
			t.Fatal(err)
		}
		if got, want := c.Limits["sign-in"], (Limit{25, 5 * time.Minute}); got != want {
			t.Errorf("sign-in limit %+v, want %+v", got, want)
		}
		if len(c.Limits) != len(DefaultLimits) {
			t.Errorf("%d limits, want the %d defaults", len(c.Limits), len(DefaultLimits))
		}
	})
	t.Run("set and lifted", func(t *testing.T) {
		t.Setenv("MURMUR_LIMIT_POST", "10/1m")
		t.Setenv("MURMUR_LIMIT_SIGN_UP", "off")
		c, err := Load("tweets")
		if err != nil {
			t.Fatal(err)
		}
		if got, want := c.Limits["post"], (Limit{10, time.Minute}); got != want {
			t.Errorf("post limit %+v, want %+v", got, want)
		}
		if !c.Limits["sign-up"].Off() {
			t.Errorf("sign-up limit %+v, want off", c.Limits["sign-up"])
		}
		if c.Limits["like"] != DefaultLimits["like"] {
			t.Errorf("like limit %+v changed, want the default", c.Limits["like"])
		}
	})
	for _, bad := range []string{"300", "300/", "/3h", "0/3h", "-1/3h", "x/3h", "300/soon", "300/0s", "300/-3h", "none"} {
		t.Run(bad, func(t *testing.T) {
			t.Setenv("MURMUR_LIMIT_FOLLOW", bad)
			if _, err := Load("follow"); err == nil || !strings.Contains(err.Error(), "MURMUR_LIMIT_FOLLOW") {
				t.Errorf("MURMUR_LIMIT_FOLLOW=%s: error %v, want one naming the variable", bad, err)
			}
		})
	}
}
