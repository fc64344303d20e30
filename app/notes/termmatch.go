package notes

import (
	"regexp"
	"strings"
	"unicode"
	"unicode/utf8"
)

// A glossary term is linked in the forms people write it, not only as
// defined: in any case; with its words joined, spaced or hyphenated ("web
// socket", "web-socket" and "websocket" all name "Web Socket"); as a simple
// plural ("sockets", "addresses", "proxies"); and, for a term defined as
// "Web Socket (WS)", as "Web Socket" or "WS" alone. An abbreviation in
// capitals is matched in capitals only, so the alias "IT" leaves "it" alone.

// undefinedTip is the tooltip of a term no note has defined yet.
const undefinedTip = "Not defined yet."

// glossaryIndex finds glossary terms in text: a trie over the link keys of
// every term and alias, so one scan finds the longest term at each place.
type glossaryIndex struct {
	root    *trieNode
	entries []GlossaryEntry
}

type trieNode struct {
	next  map[rune]*trieNode
	entry int    // index in entries of the term that ends here, or -1
	exact string // when set, the text must spell the term exactly so (an abbreviation)
}

// isJoiner reports whether r is a space or hyphen between the words of a
// term, which link keys leave out.
func isJoiner(r rune) bool {
	return unicode.IsSpace(r) || r == '-' || r == '‐' || r == '‑'
}

// linkKey is a term as the trie holds it: folded like foldKey, emoji
// trimmed, and without the spaces and hyphens between its words.
func linkKey(term string) string {
	return strings.Map(func(r rune) rune {
		if isJoiner(r) {
			return -1
		}
		return r
	}, foldKey(term))
}

// abbreviated matches a term that ends with another name for it in
// parentheses: "Web Socket (WS)", "TCP (Transmission Control Protocol)".
var abbreviated = regexp.MustCompile(`^(.*\S)\s*\(([^()]+)\)$`)

func newGlossaryIndex(entries []GlossaryEntry) *glossaryIndex {
	g := &glossaryIndex{root: &trieNode{entry: -1}, entries: entries}
	// Every term first, then the aliases, so that a term another entry
	// defines on its own is never taken by an alias.
	for i, e := range entries {
		g.insert(linkKey(e.Term), i, "")
	}
	for i, e := range entries {
		m := abbreviated.FindStringSubmatch(normalizeSpace(e.Term))
		if m == nil {
			continue
		}
		g.insert(linkKey(m[1]), i, "")
		exact := ""
		if alias := strings.TrimSpace(m[2]); alias == strings.ToUpper(alias) {
			exact = strings.Map(func(r rune) rune {
				if isJoiner(r) {
					return -1
				}
				return r
			}, alias)
		}
		g.insert(linkKey(m[2]), i, exact)
	}
	return g
}

func (g *glossaryIndex) insert(key string, entry int, exact string) {
	if strings.IndexFunc(key, isWordRune) < 0 {
		return // no letter or digit: nothing a reader would call a use of it
	}
	n := g.root
	for _, r := range key {
		next := n.next[r]
		if next == nil {
			if n.next == nil {
				n.next = map[rune]*trieNode{}
			}
			next = &trieNode{entry: -1}
			n.next[r] = next
		}
		n = next
	}
	if n.entry < 0 {
		n.entry, n.exact = entry, exact
	}
}

// match is one place where a term is used: source bytes [start, stop).
type match struct {
	start, stop int
	entry       int
}

// longest returns the end (in s) and entry of the longest term that starts
// at s[i] and ends on a word boundary, or entry -1. Spaces and hyphens in
// the text are skipped, as link keys have none; a plural ending may follow
// the term.
func (g *glossaryIndex) longest(s []byte, i int) (int, int) {
	n, bestEnd, best := g.root, 0, -1
	for j := i; j < len(s); {
		r, size := utf8.DecodeRune(s[j:])
		if j > i && isJoiner(r) {
			j += size
			continue
		}
		f := foldRune(r)
		// "proxies" for "proxy": the term ends in y, the text in "ies".
		if f == foldRune('i') {
			if y := n.next[foldRune('y')]; y != nil && y.entry >= 0 && y.exact == "" && endsWord(s, j, "ies") {
				bestEnd, best = j+3, y.entry
			}
		}
		n = n.next[f]
		if n == nil {
			break
		}
		j += size
		if n.entry < 0 || n.exact != "" && !spelledExactly(s[i:j], n.exact) {
			continue
		}
		if atBoundary(s, j) {
			bestEnd, best = j, n.entry
		} else if end := pluralEnd(s, j); end > 0 && n.exact == "" || end > 0 && s[j] == 's' {
			bestEnd, best = end, n.entry
		}
	}
	return bestEnd, best
}

// atBoundary reports whether a word ends at s[j]: the text ends there or
// the rune there cannot continue a word.
func atBoundary(s []byte, j int) bool {
	if j >= len(s) {
		return true
	}
	next, _ := utf8.DecodeRune(s[j:])
	prev, _ := utf8.DecodeLastRune(s[:j])
	return !(isLinkWordRune(prev) && isLinkWordRune(next))
}

// pluralEnd returns the end of a plural ending ("s", "es") at s[j] that
// ends the word, or 0.
func pluralEnd(s []byte, j int) int {
	for _, suffix := range []string{"s", "es"} {
		if endsWord(s, j, suffix) {
			return j + len(suffix)
		}
	}
	return 0
}

// endsWord reports whether s continues at j with suffix (any case) and a
// word boundary right after it.
func endsWord(s []byte, j int, suffix string) bool {
	end := j + len(suffix)
	return end <= len(s) && strings.EqualFold(string(s[j:end]), suffix) && atBoundary(s, end)
}

// spelledExactly reports whether text, spaces and hyphens left out, is
// exactly want.
func spelledExactly(text []byte, want string) bool {
	return strings.Map(func(r rune) rune {
		if isJoiner(r) {
			return -1
		}
		return r
	}, string(text)) == want
}
