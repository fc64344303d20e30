package search

import (
	"html"
	"slices"
	"strings"
	"unicode/utf8"
)

// Snippet size, in bytes of text around the first match: about two lines
// of a results list.
const (
	snippetBefore = 60
	snippetLength = 180
)

// span is a match inside a section's text, in bytes.
type span struct{ start, end int }

// snippet cuts a window of text around the first match and returns it as
// HTML: every character escaped, each match inside the window wrapped in
// <mark>. With no match (the words were in the heading or title), it is
// the start of the text.
func snippet(text string, spans []span) string {
	slices.SortFunc(spans, func(a, b span) int { return a.start - b.start })
	from := 0
	if len(spans) > 0 {
		from = wordStart(text, spans[0].start-snippetBefore)
	}
	to := wordEnd(text, from+snippetLength)

	var b strings.Builder
	if from > 0 {
		b.WriteString("… ")
	}
	at := from
	for _, s := range spans {
		if s.start < at || s.end > to {
			continue // overlaps the previous mark, or runs out of the window
		}
		b.WriteString(html.EscapeString(text[at:s.start]))
		b.WriteString("<mark>")
		b.WriteString(html.EscapeString(text[s.start:s.end]))
		b.WriteString("</mark>")
		at = s.end
	}
	b.WriteString(html.EscapeString(text[at:to]))
	if to < len(text) {
		b.WriteString(" …")
	}
	return b.String()
}

// wordStart moves i forward to the start of a word, so a snippet does not
// open in the middle of one.
func wordStart(text string, i int) int {
	if i <= 0 {
		return 0
	}
	if j := strings.IndexByte(text[i:], ' '); j >= 0 && j < snippetBefore {
		return i + j + 1
	}
	for i < len(text) && !utf8.RuneStart(text[i]) {
		i++
	}
	return i
}

// wordEnd moves i back to the end of a word, so a snippet does not close
// in the middle of one.
func wordEnd(text string, i int) int {
	if i >= len(text) {
		return len(text)
	}
	if j := strings.LastIndexByte(text[:i], ' '); j > i-40 && j > 0 {
		return j
	}
	for i > 0 && !utf8.RuneStart(text[i]) {
		i--
	}
	return i
}
