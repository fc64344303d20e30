package notes

import (
	"regexp"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/yuin/goldmark/ast"
)

// A question is found in one of the shapes students write it:
//
//   - a heading that asks (any level, numbered or not);
//   - a list item whose first line asks, or that holds a heading that asks;
//   - a paragraph whose first line is a bold question, or a fill-in-the-
//     blank line ("TCP uses a ____ handshake.");
//   - a one-line paragraph that asks, when a block quote answers it.
//
// Its answer is what follows it up to the next question: the rest of the
// list item, the rest of the paragraph, the blocks after it. A heading's
// answer also stops at a heading of its level or higher, as before.

// question is a question found in a note, before its QA is built.
type question struct {
	text    string
	anchor  ast.Node   // the element that carries the question's id
	answer  []ast.Node // siblings, in order; empty for an open question
	level   int        // the heading level for a heading question, else 0
	onlyBQ  bool       // a plain paragraph question: only block quotes answer it
	inPlace bool       // the answer is complete (inside the list item or paragraph)
}

// questionScanner walks the top-level blocks in order, with at most one
// question open: the one whose answer the next blocks extend.
type questionScanner struct {
	p     *parsedNote
	found []*question
	open  *question
}

// scan finds the questions among the top-level blocks; skip[i] marks the
// blocks that belong to no question (the vocabulary, the title).
func (s *questionScanner) scan(blocks []ast.Node, skip []bool) {
	for i, b := range blocks {
		if skip[i] {
			s.close()
			continue
		}
		var next ast.Node
		if i+1 < len(blocks) && !skip[i+1] {
			next = blocks[i+1]
		}
		s.block(b, next)
	}
	s.close()
}

func (s *questionScanner) block(b, next ast.Node) {
	src := s.p.src
	switch b := b.(type) {
	case *ast.Heading:
		if q, ok := questionText(normalizeSpace(inlineText(src, b))); ok {
			s.close()
			s.open = &question{text: q, anchor: b, level: b.Level}
			return
		}
		if s.open != nil && s.open.level > 0 && b.Level > s.open.level {
			s.extend(b) // a sub-heading of the answer
			return
		}
		s.close()
		return
	case *ast.List:
		// Inside a heading's answer, a list is part of the answer unless
		// it is plainly a list of questions.
		if (s.open == nil || s.open.level == 0 || s.allQuestions(b)) && s.list(b) {
			return
		}
	case *ast.Paragraph:
		if s.paragraph(b, next, s.open == nil || s.open.level == 0) {
			return
		}
	case *ast.ThematicBreak:
		if s.open != nil && s.open.level == 0 {
			s.close()
			return
		}
	}
	s.extend(b)
}

// extend adds b to the open question's answer, if it takes it.
func (s *questionScanner) extend(b ast.Node) {
	q := s.open
	if q == nil {
		return
	}
	if q.inPlace || q.onlyBQ && b.Kind() != ast.KindBlockquote {
		s.close()
		return
	}
	q.answer = append(q.answer, b)
}

func (s *questionScanner) close() {
	if s.open != nil {
		s.found = append(s.found, s.open)
		s.open = nil
	}
}

// list reads the questions of a list. Each question item's answer is the
// rest of the item; the last item, when nothing follows its question
// inside it, is answered by the blocks after the list.
func (s *questionScanner) list(l *ast.List) bool {
	found := false
	for item := l.FirstChild(); item != nil; item = item.NextSibling() {
		q := s.itemQuestion(item)
		if q == nil {
			continue
		}
		found = true
		s.close()
		s.open = q
		if len(q.answer) == 0 && item.NextSibling() == nil {
			q.inPlace = false // the blocks after the list answer it
			continue
		}
		q.inPlace = true
		s.close()
	}
	return found
}

// itemQuestion returns the question a list item asks, or nil.
func (s *questionScanner) itemQuestion(item ast.Node) *question {
	first := item.FirstChild()
	switch first := first.(type) {
	case *ast.Heading:
		q, ok := questionText(normalizeSpace(inlineText(s.p.src, first)))
		if !ok {
			return nil
		}
		return &question{text: q, anchor: first, answer: siblingsAfter(first)}
	case *ast.Paragraph, *ast.TextBlock:
		lines := splitLines(s.p.src, first)
		if len(lines) == 0 {
			return nil
		}
		q, ok := lineQuestion(s.p.src, lines[0], false)
		if !ok {
			return nil
		}
		if len(lines) > 1 {
			splitAfterFirstLine(s.p.src, first, lines)
		}
		return &question{text: q, anchor: item, answer: siblingsAfter(first)}
	}
	return nil
}

// paragraph starts a question at a paragraph, when it asks one. A plain
// question answered by a block quote counts only outside a heading's
// answer (quoting is how answers are written, and questions in them are
// often rhetorical).
func (s *questionScanner) paragraph(p *ast.Paragraph, next ast.Node, quoted bool) bool {
	src := s.p.src
	lines := splitLines(src, p)
	if len(lines) == 0 {
		return false
	}
	if q, ok := lineQuestion(src, lines[0], true); ok {
		s.close()
		s.open = &question{text: q, anchor: p}
		if len(lines) > 1 {
			s.open.answer = []ast.Node{splitAfterFirstLine(src, p, lines)}
		}
		return true
	}
	if quoted && len(lines) == 1 && next != nil && next.Kind() == ast.KindBlockquote {
		if q, ok := questionText(normalizeSpace(inlineText(src, lines[0]...))); ok {
			s.close()
			s.open = &question{text: stripNumbering(q), anchor: p, onlyBQ: true}
			return true
		}
	}
	return false
}

func siblingsAfter(n ast.Node) []ast.Node {
	var out []ast.Node
	for c := n.NextSibling(); c != nil; c = c.NextSibling() {
		out = append(out, c)
	}
	return out
}

// lineQuestion reports whether one line of a list item or paragraph asks
// a question: it ends with a question mark (a trailing colon allowed) or
// holds a fill-in-the-blank run of underscores. In a paragraph
// (boldOnly), a question mark counts only when the whole line is bold.
func lineQuestion(src []byte, line []ast.Node, boldOnly bool) (string, bool) {
	text := normalizeSpace(inlineText(src, line...))
	if text == "" {
		return "", false
	}
	if hasBlank(src, line) {
		return stripNumbering(text), true
	}
	if boldOnly && !wholeLineBold(src, line) {
		return "", false
	}
	q, ok := questionText(strings.TrimSuffix(strings.TrimSpace(text), ":"))
	if !ok {
		return "", false
	}
	return stripNumbering(q), true
}

// wholeLineBold reports whether a line is one bold span, with at most a
// colon or white space after it.
func wholeLineBold(src []byte, line []ast.Node) bool {
	em, ok := line[0].(*ast.Emphasis)
	if !ok || em.Level != 2 {
		return false
	}
	rest := strings.TrimSpace(inlineText(src, line[1:]...))
	return rest == "" || rest == ":"
}

// blankRun is how a fill-in-the-blank looks: three or more underscores.
var blankRun = regexp.MustCompile(`_{3,}`)

// hasBlank reports whether the text of a line, as written, has a blank.
// Underscores next to spaces stay text in goldmark, so they are in the
// text nodes' source.
func hasBlank(src []byte, line []ast.Node) bool {
	for _, n := range line {
		if t, ok := n.(*ast.Text); ok && blankRun.Match(t.Segment.Value(src)) {
			return true
		}
	}
	return false
}

// numbering matches the number students put before a question: "1. ",
// "2) ", "Q3: ", "Question 4 - ".
var numbering = regexp.MustCompile(`^(?i:(?:q|question)\s*)?\d{1,3}\s*[.):-]\s+`)

func stripNumbering(q string) string {
	if loc := numbering.FindStringIndex(q); loc != nil && loc[1] < len(q) {
		return q[loc[1]:]
	}
	return q
}

// allQuestions reports whether every item of a list asks a question, or
// one of them holds a heading that asks one.
func (s *questionScanner) allQuestions(l *ast.List) bool {
	if listHasHeadingQuestion(s.p.src, l) {
		return true
	}
	for item := l.FirstChild(); item != nil; item = item.NextSibling() {
		first := item.FirstChild()
		if first == nil || first.Kind() != ast.KindParagraph && first.Kind() != ast.KindTextBlock {
			return false
		}
		lines := splitLines(s.p.src, first)
		if len(lines) == 0 {
			return false
		}
		if _, ok := lineQuestion(s.p.src, lines[0], false); !ok {
			return false
		}
	}
	return true
}

// listHasHeadingQuestion reports whether a list item holds a heading that
// asks a question ("1. #### What is TCP?"): that is a question even in the
// middle of another question's answer.
func listHasHeadingQuestion(src []byte, l *ast.List) bool {
	for item := l.FirstChild(); item != nil; item = item.NextSibling() {
		if h, ok := item.FirstChild().(*ast.Heading); ok {
			if _, ok := questionText(normalizeSpace(inlineText(src, h))); ok {
				return true
			}
		}
	}
	return false
}

// splitAfterFirstLine moves the lines of block after its first into a new
// paragraph right after it, so that a question and its answer written on
// consecutive lines become two elements, the answer hideable on its own.
func splitAfterFirstLine(src []byte, block ast.Node, lines [][]ast.Node) *ast.Paragraph {
	rest := ast.NewParagraph()
	for _, line := range lines[1:] {
		for _, n := range line {
			rest.AppendChild(rest, n) // detaches n from block
		}
	}
	first := lines[0]
	switch last := first[len(first)-1].(type) {
	case *ast.Text:
		last.SetSoftLineBreak(false)
		last.SetHardLineBreak(false)
	case *ast.RawHTML:
		if isBreakTag(src, last) {
			block.RemoveChild(block, last)
		}
	}
	block.Parent().InsertAfter(block.Parent(), block, rest)
	return rest
}

// questionText reports whether a heading asks a question: its text ends
// with a question mark once anything after it that is not a letter or a
// digit is ignored (spaces, stray emphasis markers, "?!", "?)", an emoji).
// It returns the text without trailing spaces and stray markers, and
// without the number that some students put in front.
func questionText(heading string) (string, bool) {
	q := strings.TrimRightFunc(heading, func(r rune) bool {
		return unicode.IsSpace(r) || strings.ContainsRune("*_~`", r)
	})
	core := strings.TrimRightFunc(q, func(r rune) bool {
		return !isQuestionMark(r) && !unicode.IsLetter(r) && !unicode.IsDigit(r)
	})
	last, _ := utf8.DecodeLastRuneInString(core)
	if !isQuestionMark(last) {
		return "", false
	}
	return stripNumbering(q), true
}

// isQuestionMark accepts the full-width and Arabic question marks too.
func isQuestionMark(r rune) bool {
	return r == '?' || r == '？' || r == '؟'
}
