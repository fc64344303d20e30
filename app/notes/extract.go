package notes

import (
	"slices"

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

// extract reads a parsed note: title, table of contents, vocabulary and
// questions. It looks at top-level blocks (and, for questions, into list
// items): a section is a heading and the blocks after it, up to the next
// heading of the same or a higher level (a smaller or equal level
// number), so deeper headings belong to it.
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
	titleHeading := pickTitle(n, heads, fmTitle)

	for _, h := range heads {
		if h.node != titleHeading && h.node.Level >= 2 && h.node.Level <= 3 && h.text != "" {
			n.TOC = append(n.TOC, Heading{Level: h.node.Level, ID: h.id, Text: h.text})
		}
	}

	// Vocabulary first: its blocks are neither answers nor linked later.
	sections, isVocab := findVocabSections(src, blocks, heads, ends)
	p.vocab = map[ast.Node]bool{}
	for i, b := range blocks {
		if isVocab[i] {
			p.vocab[b] = true
		}
	}
	seen := map[string]int{} // fold key -> index in n.Vocabulary
	for _, s := range sections {
		terms, problems, err := parseVocabulary(md, src, s, lines)
		if err != nil {
			return err
		}
		n.Problems = append(n.Problems, problems...)
		if len(terms) == 0 {
			n.Problems = append(n.Problems, lines.where(s.at, "%q looks like a vocabulary section but no term entry was found in it", clip(s.name)))
		}
		for _, t := range terms {
			key := foldKey(t.term.Term)
			if i, dup := seen[key]; dup {
				n.Vocabulary[i] = mergeDefinitions(n.Vocabulary[i], t.term)
				continue
			}
			seen[key] = len(n.Vocabulary)
			n.Vocabulary = append(n.Vocabulary, t.term)
		}
	}

	skip := slices.Clone(isVocab)
	for i, b := range blocks {
		if b == titleHeading {
			skip[i] = true
		}
	}
	qs := questionScanner{p: p}
	qs.scan(blocks, skip)
	for _, q := range qs.found {
		qa, err := buildQA(md, p, q)
		if err != nil {
			return err
		}
		if qa.AnswerHTML == "" {
			n.Problems = append(n.Problems, lines.where(q.anchor, "the question %q has no answer; it is listed as an open question", q.text))
		}
		n.QA = append(n.QA, qa)
	}

	// The page renders the title itself; the heading it came from would
	// repeat it when it opens the file, or comes right after other
	// headings only ("## Week 5" above "# Sockets").
	if titleHeading != nil {
		opens := true
		for _, b := range blocks {
			if b == titleHeading {
				break
			}
			opens = opens && b.Kind() == ast.KindHeading
		}
		if opens {
			p.doc.RemoveChild(p.doc, titleHeading)
		}
	}
	return nil
}

// pickTitle sets the note's title: the front matter's, else the first H1
// wherever it is, else the first heading that is neither a question nor a
// vocabulary heading, else (already set) the file name. It returns the
// heading used, if any.
func pickTitle(n *Note, heads []section, fmTitle string) *ast.Heading {
	if fmTitle != "" {
		n.Title = fmTitle
		return nil
	}
	for _, h := range heads {
		if h.node.Level == 1 && h.text != "" {
			n.Title = h.text
			return h.node
		}
	}
	for _, h := range heads {
		if _, q := questionText(h.text); h.text != "" && !q && !isVocabularyHeading(h.text) {
			n.Title = h.text
			return h.node
		}
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
