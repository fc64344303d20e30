package web

import (
	"strings"
	"testing"
	"unicode/utf8"
)

func TestShortenDescription(t *testing.T) {
	long := strings.Repeat("routers forward packets, ", 10)
	cases := []struct {
		name, in, want string
	}{
		{"short stays", "Class notes on TCP.", "Class notes on TCP."},
		{"exactly the limit stays", strings.Repeat("a", descriptionMax), strings.Repeat("a", descriptionMax)},
		{"cut at a word", long, strings.TrimRight(long[:strings.LastIndex(long[:descriptionMax-1], " ")], " ,") + "…"},
		{"one long word is cut inside", strings.Repeat("é", 200), strings.Repeat("é", descriptionMax-1) + "…"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			got := shortenDescription(c.in)
			if got != c.want {
				t.Errorf("shortenDescription(%q) = %q, want %q", c.in, got, c.want)
			}
			if n := utf8.RuneCountInString(got); n > descriptionMax {
				t.Errorf("%d characters, want at most %d", n, descriptionMax)
			}
		})
	}
}
