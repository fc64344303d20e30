package notes

import (
	"fmt"
	"html/template"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/yuin/goldmark"
	"github.com/yuin/goldmark/ast"
	east "github.com/yuin/goldmark/extension/ast"
	"github.com/yuin/goldmark/text"
)

// parsedTerm is a vocabulary entry and where it was written, for problems.
type parsedTerm struct {
	term Term
	node ast.Node
}

// parseVocabulary reads the blocks of a vocabulary section. Students write
// entries as "**Term:** definition" (the colon inside or outside the bold,
// or a dash, en dash or em dash instead of it; "__" works like "**"), one
// per paragraph, one per line, or one per list item, or as a two-column
// table. Other paragraphs are reported and skipped; other blocks (sub-
// headings, rules, code) are skipped silently.
func parseVocabulary(md goldmark.Markdown, src []byte, body []ast.Node, lines lineIndex) ([]parsedTerm, []string, error) {
	v := vocabReader{md: md, src: src, lines: lines}
	for _, b := range body {
		switch b := b.(type) {
		case *ast.Paragraph:
			v.entries(b)
		case *ast.List:
			for item := b.FirstChild(); item != nil; item = item.NextSibling() {
				switch first := item.FirstChild().(type) {
				case *ast.Paragraph, *ast.TextBlock:
					v.entries(first)
				default:
					v.problem(item, "list item is not a term entry (write **Term:** definition); ignored")
				}
			}
		case *east.Table:
			v.table(b)
		}
		if v.err != nil {
			return nil, nil, v.err
		}
	}
	return v.terms, v.problems, nil
}

type vocabReader struct {
	md       goldmark.Markdown
	src      []byte
	lines    lineIndex
	terms    []parsedTerm
	problems []string
	err      error
}

func (v *vocabReader) problem(n ast.Node, format string, args ...any) {
	v.problems = append(v.problems, v.lines.where(n, format, args...))
}

// entries reads the entries of one paragraph or list item. Each line that
// starts with a bold term opens an entry; a line that does not continues
// the definition above it (students wrap long definitions).
func (v *vocabReader) entries(block ast.Node) {
	var (
		term    string
		at      ast.Node
		def     []ast.Node
		started bool
		loose   bool // text before the first entry
	)
	flush := func() {
		if started {
			v.add(at, term, def)
		}
	}
	for _, line := range splitLines(block) {
		if t, rest, ok := entryHead(v.src, line); ok {
			flush()
			term, at, def, started = t, line[0], rest, true
			continue
		}
		if started {
			def = append(def, line...)
		} else {
			loose = true
		}
	}
	flush()
	if loose {
		if started {
			v.problem(block, "text before the first term entry ignored")
		} else {
			v.problem(block, "paragraph is not a term entry (write **Term:** definition); ignored")
		}
	}
}

// table reads a two-column table: term, definition. GFM tables always have
// a header row; it names the columns ("Term | Definition") and is skipped.
func (v *vocabReader) table(t *east.Table) {
	wide := false
	for row := t.FirstChild(); row != nil; row = row.NextSibling() {
		if row.Kind() != east.KindTableRow {
			continue
		}
		if row.ChildCount() > 2 {
			wide = true
		}
		first := row.FirstChild()
		if first == nil || first.NextSibling() == nil {
			v.problem(row, "table row needs a term and a definition; ignored")
			continue
		}
		term := trimTermColon(normalizeSpace(inlineText(v.src, first)))
		var def []ast.Node
		for c := first.NextSibling().FirstChild(); c != nil; c = c.NextSibling() {
			def = append(def, c)
		}
		v.add(row, term, trimLeadingSpace(v.src, def))
	}
	if wide {
		v.problem(t, "vocabulary table has more than two columns; only the first two are used")
	}
}

// add records one entry, rendering its definition on its own.
func (v *vocabReader) add(at ast.Node, term string, def []ast.Node) {
	if v.err != nil {
		return
	}
	if term == "" {
		v.problem(at, "term entry with an empty term; ignored")
		return
	}
	def = trimTrailingBreak(def)
	plain := normalizeSpace(inlineText(v.src, def...))
	if plain == "" {
		v.problem(at, "%q has no definition; ignored", term)
		return
	}
	out, err := renderNodes(v.md, v.src, def)
	if err != nil {
		v.err = fmt.Errorf("definition of %q: %w", term, err)
		return
	}
	v.terms = append(v.terms, parsedTerm{
		term: Term{ID: TermID(term), Term: term, Definition: plain, DefinitionHTML: template.HTML(strings.TrimSpace(out))},
		node: at,
	})
}

// splitLines cuts the inline children of a block at its line breaks. Only
// text nodes carry line breaks in goldmark.
func splitLines(block ast.Node) [][]ast.Node {
	var lines [][]ast.Node
	var cur []ast.Node
	for c := block.FirstChild(); c != nil; c = c.NextSibling() {
		cur = append(cur, c)
		if t, ok := c.(*ast.Text); ok && (t.SoftLineBreak() || t.HardLineBreak()) {
			lines = append(lines, cur)
			cur = nil
		}
	}
	if len(cur) > 0 {
		lines = append(lines, cur)
	}
	return lines
}

// entryHead recognises the start of an entry: a bold term followed by a
// separator, either inside the bold ("**Term:**") or right after it
// ("**Term**:", "**Term** - ", "**Term** – ", "**Term** — "). It returns the
// term and the rest of the line, which starts the definition.
func entryHead(src []byte, line []ast.Node) (string, []ast.Node, bool) {
	em, ok := line[0].(*ast.Emphasis)
	if !ok || em.Level != 2 {
		return "", nil, false
	}
	label := normalizeSpace(inlineText(src, em))
	rest := line[1:]
	if strings.HasSuffix(label, ":") || strings.HasSuffix(label, "：") {
		term := trimTermColon(label)
		return term, trimLeadingSpace(src, rest), term != ""
	}
	if len(rest) == 0 {
		return "", nil, false
	}
	t, ok := rest[0].(*ast.Text)
	if !ok || t.IsRaw() {
		return "", nil, false
	}
	value := t.Segment.Value(src)
	skip := len(value) - len(strings.TrimLeft(string(value), " \t"))
	n := separatorLen(string(value[skip:]))
	if n == 0 || label == "" {
		return "", nil, false
	}
	first := detachedText(t, t.Segment.Start+skip+n, t.Segment.Stop, true)
	return label, trimLeadingSpace(src, append([]ast.Node{first}, rest[1:]...)), true
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

// trimLeadingSpace drops the white space (and empty text nodes) that open
// a definition, without touching the AST: a trimmed node is a detached copy.
func trimLeadingSpace(src []byte, nodes []ast.Node) []ast.Node {
	for len(nodes) > 0 {
		t, ok := nodes[0].(*ast.Text)
		if !ok || t.IsRaw() {
			return nodes
		}
		value := t.Segment.Value(src)
		trimmed := strings.TrimLeft(string(value), " \t")
		if trimmed == "" {
			nodes = nodes[1:]
			continue
		}
		if len(trimmed) == len(value) {
			return nodes
		}
		out := append([]ast.Node{detachedText(t, t.Segment.Stop-len(trimmed), t.Segment.Stop, true)}, nodes[1:]...)
		return out
	}
	return nil
}

// trimTrailingBreak drops the line break that ends the last line of a
// definition: it belongs to the paragraph, not to the definition.
func trimTrailingBreak(nodes []ast.Node) []ast.Node {
	if len(nodes) == 0 {
		return nodes
	}
	last, ok := nodes[len(nodes)-1].(*ast.Text)
	if !ok || !(last.SoftLineBreak() || last.HardLineBreak()) {
		return nodes
	}
	out := append([]ast.Node(nil), nodes[:len(nodes)-1]...)
	return append(out, detachedText(last, last.Segment.Start, last.Segment.Stop, false))
}

// detachedText copies part of a text node into a new node outside the
// tree, so a definition can be rendered trimmed while the note, which
// shares the AST, keeps the original.
func detachedText(t *ast.Text, start, stop int, keepBreaks bool) *ast.Text {
	seg := text.NewSegment(start, stop)
	seg.Padding = 0
	d := ast.NewTextSegment(seg)
	d.SetRaw(t.IsRaw())
	if keepBreaks {
		d.SetSoftLineBreak(t.SoftLineBreak())
		d.SetHardLineBreak(t.HardLineBreak())
	}
	return d
}
