package notes

import (
	"fmt"
	"html/template"
	"strings"
	"unicode/utf8"

	"github.com/yuin/goldmark"
	"github.com/yuin/goldmark/ast"
	east "github.com/yuin/goldmark/extension/ast"
)

// The entries of a vocabulary section, in every shape students write them:
//
//	**Term:** definition        **Term**: definition      Term: definition
//	**Term** - definition       Term – definition         Term — definition
//	- **Term:** definition      (any of the above as list items)
//	- Term                      ### Term
//	  - definition              definition in the paragraph below
//
// several on consecutive lines of one paragraph, and tables (vocabtable.go).
// An entry with nothing after its separator is kept, undefined.

// parsedTerm is a vocabulary entry and where it was written, for problems.
type parsedTerm struct {
	term Term
	node ast.Node
}

// undefinedHTML is what a term with an empty definition shows wherever its
// definition would be. Its plain definition stays empty, so no flashcard
// or quiz question is made of it.
const undefinedHTML = template.HTML(`<em class="undefined">not defined yet</em>`)

// maxPlainTermWords bounds a term written without bold ("Term: ..."):
// past this, a line with a colon is a sentence, not an entry.
const maxPlainTermWords = 8

// parseVocabulary reads the entries of one vocabulary section. What it
// cannot read as an entry is reported, never dropped silently; code
// blocks and rules are skipped.
func parseVocabulary(md goldmark.Markdown, src []byte, s vocabSection, lines lineIndex) ([]parsedTerm, []string, error) {
	v := &vocabReader{md: md, src: src, lines: lines}
	if s.intro {
		if ls := splitLines(src, s.at); len(ls) > 1 {
			v.addAll(v.lineEntries(s.at, ls[1:]))
		}
	}
	body := s.body
	for i := 0; i < len(body) && v.err == nil; i++ {
		switch b := body[i].(type) {
		case *ast.Heading:
			i = v.headingTerm(b, body, i)
		case *ast.Paragraph:
			if term, ok := loneBold(src, b); ok && i+1 < len(body) && body[i+1].Kind() == ast.KindParagraph && !v.hasEntries(body[i+1]) {
				e := &entry{term: term, at: b}
				e.addBlock(body[i+1])
				v.add(e)
				i++
				continue
			}
			v.paragraph(b)
		case *ast.List:
			v.list(b)
		case *east.Table:
			v.table(b)
		case *ast.HTMLBlock:
			if htmlBlockText(src, b) != "" {
				v.problem(b, "HTML in a vocabulary section is not read as entries; ignored")
			}
		}
	}
	if v.err != nil {
		return nil, nil, v.err
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

// entry is a term whose definition is still in pieces of the AST.
type entry struct {
	term   string
	at     ast.Node
	pieces []defPiece
}

// defPiece is part of a definition: inline nodes (a line, a nested
// bullet) or a whole block (a code block under a heading term).
type defPiece struct {
	inline []ast.Node
	block  ast.Node
}

// addBlock adds a block to the definition: a paragraph as its text, a
// list item by item, anything else whole.
func (e *entry) addBlock(b ast.Node) {
	switch b := b.(type) {
	case *ast.Paragraph, *ast.TextBlock:
		e.pieces = append(e.pieces, defPiece{inline: children(b)})
	case *ast.List:
		for item := b.FirstChild(); item != nil; item = item.NextSibling() {
			for c := item.FirstChild(); c != nil; c = c.NextSibling() {
				e.addBlock(c)
			}
		}
	default:
		e.pieces = append(e.pieces, defPiece{block: b})
	}
}

// headingTerm reads "### Term" and the blocks under it. A heading followed
// by entries, or by a deeper heading, only groups them and is skipped. It
// returns the index of the last block it used.
func (v *vocabReader) headingTerm(h *ast.Heading, body []ast.Node, i int) int {
	j := i + 1
	for j < len(body) && body[j].Kind() != ast.KindHeading {
		j++
	}
	under := body[i+1 : j]
	if len(under) == 0 && j < len(body) && body[j].(*ast.Heading).Level > h.Level {
		return i
	}
	for _, b := range under {
		if v.hasEntries(b) {
			return i
		}
	}
	e := &entry{term: trimTermColon(normalizeSpace(inlineText(v.src, h))), at: h}
	for _, b := range under {
		e.addBlock(b)
	}
	v.add(e)
	return j - 1
}

// hasEntries reports whether a block holds entries of its own, which
// makes a heading or bullet above it a group label rather than a term.
func (v *vocabReader) hasEntries(b ast.Node) bool {
	switch b := b.(type) {
	case *ast.Paragraph, *ast.TextBlock:
		for _, line := range splitLines(v.src, b) {
			if h, ok := entryHead(v.src, line, true); ok && h.bold {
				return true
			}
		}
	case *ast.List:
		for item := b.FirstChild(); item != nil; item = item.NextSibling() {
			if first := item.FirstChild(); first != nil && v.hasEntries(first) {
				return true
			}
		}
	case *east.Table:
		return true
	}
	return false
}

func (v *vocabReader) paragraph(p ast.Node) {
	v.addAll(v.lineEntries(p, splitLines(v.src, p)))
}

func (v *vocabReader) addAll(entries []*entry) {
	for _, e := range entries {
		v.add(e)
	}
}

// lineEntries reads the entries of the lines of one paragraph or list
// item. A line that starts with a term opens an entry; a line that does
// not continues the definition above it (students wrap long lines). Once
// a paragraph has used bold terms, only bold terms open entries, so a
// wrapped line with a colon in it stays part of its definition.
func (v *vocabReader) lineEntries(block ast.Node, lines [][]ast.Node) []*entry {
	var (
		out     []*entry
		cur     *entry
		boldish bool
		loose   bool // text before the first entry
	)
	for i, line := range lines {
		if h, ok := entryHead(v.src, line, !boldish); ok {
			if cur == nil {
				boldish = h.bold
			}
			cur = &entry{term: h.term, at: line[0], pieces: []defPiece{{inline: h.rest}}}
			out = append(out, cur)
			continue
		}
		if term, ok := loneBoldLine(v.src, line); ok {
			next := i+1 < len(lines)
			if next {
				_, next = entryHead(v.src, lines[i+1], !boldish)
				next = !next
			}
			if next || len(lines) == 1 {
				// "**Term**" on a line of its own, the definition below it
				boldish = true
				cur = &entry{term: term, at: line[0], pieces: []defPiece{{}}}
				out = append(out, cur)
				continue
			}
		}
		if cur != nil {
			cur.pieces[len(cur.pieces)-1].inline = append(cur.pieces[len(cur.pieces)-1].inline, line...)
		} else {
			loose = true
		}
	}
	if loose {
		if len(out) > 0 {
			v.problem(block, "text before the first term entry ignored")
		} else {
			v.problem(block, "%q is not a term entry (write **Term:** definition); ignored", clip(normalizeSpace(inlineText(v.src, children(block)...))))
		}
	}
	return out
}

// list reads each item of a list as one or more entries. An item whose
// only line is a term ("- Term") takes its definition from the bullets or
// paragraphs nested under it; nested bullets that are entries themselves
// make the item a group label.
func (v *vocabReader) list(l *ast.List) {
	for item := l.FirstChild(); item != nil; item = item.NextSibling() {
		first := item.FirstChild()
		switch first.(type) {
		case *ast.Paragraph, *ast.TextBlock:
		case nil:
			continue // an empty bullet
		default:
			v.problem(item, "list item is not a term entry (write **Term:** definition); ignored")
			continue
		}
		lines := splitLines(v.src, first)
		extra := siblingsAfter(first)
		var group bool
		for _, x := range extra {
			group = group || v.hasEntries(x)
		}
		if group {
			if _, ok := entryHead(v.src, lines[0], true); ok || len(lines) > 1 {
				v.paragraph(first)
			} // else a label such as "- Transport", over its entries
			for _, x := range extra {
				if nested, ok := x.(*ast.List); ok {
					v.list(nested)
				} else {
					v.paragraph(x)
				}
			}
			continue
		}
		if _, ok := entryHead(v.src, lines[0], true); !ok && len(lines) == 1 && len(extra) > 0 {
			term := trimTermColon(normalizeSpace(inlineText(v.src, lines[0]...)))
			e := &entry{term: term, at: item}
			for _, x := range extra {
				e.addBlock(x)
			}
			v.add(e)
			continue
		}
		entries := v.lineEntries(first, lines)
		if len(entries) > 0 {
			last := entries[len(entries)-1]
			for _, x := range extra {
				last.addBlock(x)
			}
		}
		v.addAll(entries)
	}
}

// add renders an entry's definition and records the term.
func (v *vocabReader) add(e *entry) {
	if v.err != nil {
		return
	}
	if e.term == "" {
		v.problem(e.at, "term entry with an empty term; ignored")
		return
	}
	var plain, html string
	for _, p := range e.pieces {
		var pt, ph string
		if p.block != nil {
			pt = normalizeSpace(blockText(v.src, p.block))
			out, err := renderNodes(v.md, v.src, []ast.Node{p.block})
			if err != nil {
				v.err = fmt.Errorf("definition of %q: %w", e.term, err)
				return
			}
			ph = strings.TrimSpace(out)
		} else {
			nodes := trimTrailingBreak(trimLeadingSpace(v.src, p.inline))
			pt = normalizeSpace(inlineText(v.src, nodes...))
			if pt == "" {
				continue
			}
			out, err := renderNodes(v.md, v.src, nodes)
			if err != nil {
				v.err = fmt.Errorf("definition of %q: %w", e.term, err)
				return
			}
			ph = strings.TrimSpace(out)
		}
		if pt == "" {
			continue
		}
		sep := definitionJoiner(plain)
		plain, html = plain+sep+pt, html+sep+ph
	}
	t := Term{ID: TermID(e.term), Term: e.term, Definition: plain, DefinitionHTML: template.HTML(html)}
	if plain == "" {
		t.DefinitionHTML = undefinedHTML
		v.problem(e.at, "%q has no definition yet; it is listed as undefined", e.term)
	}
	v.terms = append(v.terms, parsedTerm{term: t, node: e.at})
}

// definitionJoiner is what goes between a definition so far and its next
// piece: nothing before the first, a space after a full stop, else "; ".
func definitionJoiner(sofar string) string {
	if sofar == "" {
		return ""
	}
	last, _ := utf8.DecodeLastRuneInString(sofar)
	if strings.ContainsRune(".!?;:。", last) {
		return " "
	}
	return "; "
}

// mergeDefinitions joins the definitions of a term written twice (in
// different case): both are kept.
func mergeDefinitions(a, b Term) Term {
	switch {
	case b.Definition == "" || b.Definition == a.Definition:
		return a
	case a.Definition == "":
		b.Term, b.ID = a.Term, a.ID
		return b
	}
	sep := definitionJoiner(a.Definition)
	a.Definition += sep + b.Definition
	a.DefinitionHTML += template.HTML(sep) + b.DefinitionHTML
	return a
}
