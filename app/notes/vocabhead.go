package notes

import (
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/yuin/goldmark/ast"
)

// Where an entry starts: the term at the head of a line and the separator
// after it.

// entryHeadResult is the start of an entry: its term, the rest of the line
// (where the definition starts), and whether the term was bold.
type entryHeadResult struct {
	term string
	rest []ast.Node
	bold bool
}

// entryHead recognises the start of an entry: a bold term followed by a
// separator, inside the bold ("**Term:**") or after it ("**Term**:",
// "**Term** - "), or, when plain is true, a short plain term followed by
// one ("Term: ", "Term - ", "Term – ").
func entryHead(src []byte, line []ast.Node, plain bool) (entryHeadResult, bool) {
	if len(line) == 0 {
		return entryHeadResult{}, false
	}
	if em, ok := line[0].(*ast.Emphasis); ok && em.Level == 2 {
		label := normalizeSpace(inlineText(src, em))
		rest := line[1:]
		if strings.HasSuffix(label, ":") || strings.HasSuffix(label, "：") {
			term := trimTermColon(label)
			return entryHeadResult{term, trimLeadingSpace(src, rest), true}, term != ""
		}
		if len(rest) > 0 {
			if t, ok := rest[0].(*ast.Text); ok && !t.IsRaw() {
				value := t.Segment.Value(src)
				skip := len(value) - len(strings.TrimLeft(string(value), " \t"))
				if n := separatorLen(string(value[skip:])); n > 0 && label != "" {
					first := detachedText(t, t.Segment.Start+skip+n, t.Segment.Stop, true)
					return entryHeadResult{label, trimLeadingSpace(src, append([]ast.Node{first}, rest[1:]...)), true}, true
				}
			}
		}
		// "**Web Socket** (WS): ..." is read below, as a bold-led plain term.
		plain = true
	}
	if !plain {
		return entryHeadResult{}, false
	}
	for i, n := range line {
		switch n := n.(type) {
		case *ast.Text:
			if n.IsRaw() {
				return entryHeadResult{}, false
			}
			value := n.Segment.Value(src)
			off, size := findSeparator(value, i > 0)
			if off < 0 {
				continue
			}
			termNodes := append([]ast.Node(nil), line[:i]...)
			if off > 0 {
				termNodes = append(termNodes, detachedText(n, n.Segment.Start, n.Segment.Start+off, false))
			}
			term := trimTermColon(normalizeSpace(inlineText(src, termNodes...)))
			if !plausibleTerm(term) {
				return entryHeadResult{}, false
			}
			rest := append([]ast.Node{detachedText(n, n.Segment.Start+off+size, n.Segment.Stop, true)}, line[i+1:]...)
			_, bold := line[0].(*ast.Emphasis)
			return entryHeadResult{term, trimLeadingSpace(src, rest), bold}, true
		case *ast.Emphasis, *ast.CodeSpan, *ast.Link:
		default:
			return entryHeadResult{}, false
		}
	}
	return entryHeadResult{}, false
}

// plausibleTerm rejects what a plain "text: text" line has before its
// colon when that is a sentence, a question or a URL rather than a term.
func plausibleTerm(term string) bool {
	if term == "" || len(strings.Fields(term)) > maxPlainTermWords || utf8.RuneCountInString(term) > 80 {
		return false
	}
	if _, q := questionText(term); q || strings.Contains(term, "://") {
		return false
	}
	return true
}

// findSeparator returns the offset and length of the first separator in
// a line's text: a colon followed by white space or the end, a hyphen
// with white space on both sides, or an en or em dash. At the start of a
// text node that follows the term (afterTerm), a hyphen needs no space
// before it. It returns -1 when there is none.
func findSeparator(value []byte, afterTerm bool) (int, int) {
	s := string(value)
	for i, r := range s {
		size := utf8.RuneLen(r)
		next, _ := utf8.DecodeRuneInString(s[i+size:])
		endOrSpace := i+size == len(s) || unicode.IsSpace(next)
		switch r {
		case ':', '：':
			if endOrSpace && i > 0 || endOrSpace && afterTerm {
				return i, size
			}
		case '–', '—':
			if i > 0 || afterTerm {
				return i, size
			}
		case '-':
			before := i > 0 && (s[i-1] == ' ' || s[i-1] == '\t') || i == 0 && afterTerm
			if before && endOrSpace {
				return i, size
			}
		}
	}
	return -1, 0
}

// loneBoldLine reports whether a line is nothing but a bold term, with no
// separator: "**Socket**" with its definition on the next line.
func loneBoldLine(src []byte, line []ast.Node) (string, bool) {
	em, ok := line[0].(*ast.Emphasis)
	if !ok || em.Level != 2 {
		return "", false
	}
	for _, n := range line[1:] {
		if t, ok := n.(*ast.Text); !ok || strings.TrimSpace(string(t.Segment.Value(src))) != "" {
			if !isBreakTag(src, n) {
				return "", false
			}
		}
	}
	term := normalizeSpace(inlineText(src, em))
	if _, q := questionText(term); q || term == "" || isVocabularyName(term) {
		return "", false
	}
	return term, true
}

// loneBold is loneBoldLine for a paragraph of one line.
func loneBold(src []byte, p ast.Node) (string, bool) {
	lines := splitLines(src, p)
	if len(lines) != 1 {
		return "", false
	}
	return loneBoldLine(src, lines[0])
}

// separatorLen returns the length of the separator that s starts with, or 0.
// A colon always separates; a dash (or several) only when a space or the end
// of the text follows, so "**TCP**-based" is not read as an entry.
func separatorLen(s string) int {
	if strings.HasPrefix(s, ":") {
		return 1
	}
	if strings.HasPrefix(s, "：") {
		return len("：")
	}
	n := 0
	for n < len(s) {
		r, size := utf8.DecodeRuneInString(s[n:])
		if r != '-' && r != '–' && r != '—' {
			break
		}
		n += size
	}
	if n == 0 {
		return 0
	}
	if r, _ := utf8.DecodeRuneInString(s[n:]); n < len(s) && !unicode.IsSpace(r) {
		return 0
	}
	return n
}

// trimTermColon removes the colon that ends a term, and any space before it.
func trimTermColon(s string) string {
	return strings.TrimSpace(strings.TrimRight(strings.TrimSpace(s), ":："))
}
