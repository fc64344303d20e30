package jslog

import (
	"encoding/base64"
	"regexp"
	"strings"
	"testing"
)

// kvKey is what NATS accepts as a key: these characters, no dot at either
// end (nats.go refuses anything else with ErrInvalidKey).
var kvKey = regexp.MustCompile(`^[-/_=\.a-zA-Z0-9]+$`)

func TestCheckToken(t *testing.T) {
	for _, tc := range []struct {
		in string
		ok bool
	}{
		{"9f2c4e1a0b3d5f6e", true},
		{"123456", true},
		{"a-b_C", true},
		{"", false},
		{"a.b", false}, // would be two subject tokens
		{"a*", false},  // a wildcard
		{">", false},   // a wildcard
		{"a b", false}, // a space splits a subject
		{"é", false},   // not ASCII
		{"s/1", false}, // the message ID separator
		{strings.Repeat("a", 65), false},
	} {
		if err := checkToken("session", tc.in); (err == nil) != tc.ok {
			t.Errorf("checkToken(%q) = %v, want ok=%v", tc.in, err, tc.ok)
		}
	}
}

// TestLiveKey checks that quiz sources, paths with spaces, dots and any
// bytes, make valid keys that decode back to the source. (A table, not a
// fuzz target: this package's test binary links SQLite for the benchmark,
// which makes a fuzzing build slow for little gain over base64.)
func TestLiveKey(t *testing.T) {
	for _, source := range []string{"quizzes/ip v6.md", ".", "../a", "ünïcode/ñ.md", "a\x00b", "\xff\xfe", "..."} {
		key, err := liveKey(source)
		if err != nil {
			t.Fatalf("liveKey(%q): %v", source, err)
		}
		if !kvKey.MatchString(key) || strings.HasSuffix(key, ".") {
			t.Fatalf("liveKey(%q) = %q: not a valid key", source, key)
		}
		back, err := base64.RawURLEncoding.DecodeString(strings.TrimPrefix(key, livePrefix))
		if err != nil || string(back) != source {
			t.Fatalf("liveKey(%q) = %q decodes to %q, %v", source, key, back, err)
		}
	}
	if key, err := liveKey(""); err == nil {
		t.Fatalf("liveKey(\"\") = %q: want an error, a session without a quiz plays none", key)
	}
}
