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
)

// section is a top-level heading of a note.
type section struct {
	at   int // index of the heading among the top-level blocks
	node *ast.Heading
	text string
	id   string
}

// extract reads a parsed note: title, table of contents, questions and
// vocabulary. It looks at top-level blocks only: a section is a heading and
// the blocks after it, up to the next heading of the same or a higher
// level (a smaller or equal level number), so deeper headings belong to it.
func extract(md goldmark.Markdown, p *parsedNote, fmTitle string, lines lineIndex) error {
	n, src := p.note, p.src
	var blocks []ast.Node
	for c := p.doc.FirstChild(); c != nil; c = c.NextSibling() {
		if c.Kind() == east.KindFootnoteList {
			continue // goldmark appends it at the end; it belongs to no section
		}
		blocks = append(blocks, c)
	}
	var heads []section
	for i, b := range blocks {
		if h, ok := b.(*ast.Heading); ok {
			heads = append(heads, section{at: i, node: h, text: normalizeSpace(inlineText(src, h)), id: headingID(h)})
		}
	}
	ends := sectionEnds(heads, len(blocks))

	var titleHeading *ast.Heading
	if fmTitle != "" {
		n.Title = fmTitle
	} else {
		for _, h := range heads {
			if h.node.Level == 1 && h.text != "" {
				n.Title, titleHeading = h.text, h.node
				break
			}
		}
	}

	for _, h := range heads {
		if h.node != titleHeading && h.node.Level >= 2 && h.node.Level <= 3 && h.text != "" {
			n.TOC = append(n.TOC, Heading{Level: h.node.Level, ID: h.id, Text: h.text})
		}
	}

	// Vocabulary first: its blocks are neither answers nor linked later.
	p.vocab = map[ast.Node]bool{}
	isVocab := make([]bool, len(blocks)) // a vocabulary heading or a block under one
	seen := map[string]string{}          // fold key -> term, to catch duplicates
	for k, h := range heads {
		if isVocab[h.at] || !isVocabularyHeading(h.text) {
			continue
		}
		isVocab[h.at] = true
		var body []ast.Node
		for i := h.at + 1; i < ends[k]; i++ {
			isVocab[i] = true
			p.vocab[blocks[i]] = true
			body = append(body, blocks[i])
		}
		terms, problems, err := parseVocabulary(md, src, body, lines)
		if err != nil {
			return err
		}
		n.Problems = append(n.Problems, problems...)
		for _, t := range terms {
			key := foldKey(t.term.Term)
			if first, dup := seen[key]; dup {
				n.Problems = append(n.Problems, lines.where(t.node, "%q is defined twice (first as %q); the first definition is kept", t.term.Term, first))
				continue
			}
			seen[key] = t.term.Term
			n.Vocabulary = append(n.Vocabulary, t.term)
		}
	}

	for k, h := range heads {
		if isVocab[h.at] || h.node == titleHeading {
			continue
		}
		q, ok := questionText(h.text)
		if !ok {
			continue
		}
		var answer []ast.Node
		for i := h.at + 1; i < ends[k] && !isVocab[i]; i++ {
			answer = append(answer, blocks[i])
		}
		qa, err := buildQA(md, src, h, q, answer)
		if err != nil {
			return err
		}
		if qa.AnswerHTML == "" {
			n.Problems = append(n.Problems, lines.where(h.node, "the question %q has no answer", q))
		}
		n.QA = append(n.QA, qa)
	}

	// The page renders the title itself; an opening H1 would repeat it.
	if titleHeading != nil && len(blocks) > 0 && blocks[0] == titleHeading {
		p.doc.RemoveChild(p.doc, titleHeading)
	}
	return nil
}

// sectionEnds returns, for each heading, the index of the first block after
// its section: the next heading of the same or a higher level, or the end.
// One pass with a stack of open sections keeps a file of many thousands of
// headings linear.
func sectionEnds(heads []section, blocks int) []int {
	ends := make([]int, len(heads))
	var open []int // indexes into heads, levels strictly increasing
	for k, h := range heads {
		for len(open) > 0 && heads[open[len(open)-1]].node.Level >= h.node.Level {
			ends[open[len(open)-1]] = h.at
			open = open[:len(open)-1]
		}
		open = append(open, k)
	}
	for _, k := range open {
		ends[k] = blocks
	}
	return ends
}

func buildQA(md goldmark.Markdown, src []byte, h section, q string, answer []ast.Node) (QA, error) {
	qa := QA{ID: h.id, Question: q}
	var texts []string
	visible := false
	for _, b := range answer {
		if t := blockText(src, b); t != "" {
			texts = append(texts, t)
			visible = true
		} else if hasImage(b) {
			visible = true
		}
	}
	if !visible {
		// Nothing a reader would see (at most raw HTML, which is dropped).
		return qa, nil
	}
	out, err := renderNodes(md, src, answer)
	if err != nil {
		return qa, fmt.Errorf("answer to %q: %w", q, err)
	}
	qa.AnswerHTML = template.HTML(out)
	qa.AnswerText = strings.Join(texts, "\n\n")
	return qa, nil
}

func hasImage(n ast.Node) bool {
	found := false
	_ = ast.Walk(n, func(c ast.Node, entering bool) (ast.WalkStatus, error) {
		if entering && c.Kind() == ast.KindImage {
			found = true
			return ast.WalkStop, nil
		}
		return ast.WalkContinue, nil
	})
	return found
}

func headingID(h *ast.Heading) string {
	v, ok := h.AttributeString("id")
	if !ok {
		return ""
	}
	switch v := v.(type) {
	case []byte:
		return string(v)
	case string:
		return v
	}
	return ""
}

// questionText reports whether a heading asks a question: its text ends
// with a question mark once anything after it that is not a letter or a
// digit is ignored (spaces, stray emphasis markers, "?!", "?)", an emoji).
// It returns the text without trailing spaces and stray markers.
func questionText(heading string) (string, bool) {
	q := strings.TrimRightFunc(heading, func(r rune) bool {
		return unicode.IsSpace(r) || strings.ContainsRune("*_~`", r)
	})
	core := strings.TrimRightFunc(q, func(r rune) bool {
		return !isQuestionMark(r) && !unicode.IsLetter(r) && !unicode.IsDigit(r)
	})
	last, _ := utf8.DecodeLastRuneInString(core)
	return q, isQuestionMark(last)
}

// isQuestionMark accepts the full-width and Arabic question marks too.
func isQuestionMark(r rune) bool {
	return r == '?' || r == '？' || r == '؟'
}

// isVocabularyHeading reports whether a heading opens a vocabulary section:
// one of the names students put over their word lists, in any case, with a
// trailing colon or a leading emoji allowed.
func isVocabularyHeading(text string) bool {
	name := strings.TrimFunc(text, func(r rune) bool { return !unicode.IsLetter(r) })
	switch strings.ToLower(normalizeSpace(name)) {
	case "vocabulary", "vocab", "key terms", "terms", "glossary", "key vocabulary":
		return true
	}
	return false
}
