package notes

import (
	stdhtml "html"
	"net/url"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/yuin/goldmark/ast"
	"github.com/yuin/goldmark/renderer"
	"github.com/yuin/goldmark/text"
	"github.com/yuin/goldmark/util"
)

// foldRune maps a rune to the key under which terms are compared: case
// folded (the smallest rune of its Unicode case orbit, so "K", "k" and the
// Kelvin sign agree), any white space as " ", and curly apostrophes as
// straight ones, since students type both.
func foldRune(r rune) rune {
	switch {
	case unicode.IsSpace(r):
		return ' '
	case r == '’' || r == '‘':
		return '\''
	}
	m := r
	for f := unicode.SimpleFold(r); f != r; f = unicode.SimpleFold(f) {
		if f < m {
			m = f
		}
	}
	return m
}

// foldKey is the identity of a term: two spellings with the same key are
// the same term ("TCP" and "tcp", "Web  Socket" and "web socket", and
// "🔌 Ethernet" and "Ethernet", since an emoji only decorates a term).
func foldKey(term string) string {
	core := strings.TrimFunc(term, isDecoration)
	if core == "" {
		core = term // a term that is all emoji is still itself
	}
	rs := []rune(normalizeSpace(core))
	for i, r := range rs {
		rs[i] = foldRune(r)
	}
	return string(rs)
}

// isDecoration reports whether r is white space or part of an emoji:
// symbols, joiners, variation selectors and skin-tone modifiers.
func isDecoration(r rune) bool {
	return unicode.IsSpace(r) || unicode.Is(unicode.So, r) || unicode.Is(unicode.Cf, r) ||
		unicode.Is(unicode.Variation_Selector, r) || (r >= 0x1F3FB && r <= 0x1F3FF)
}

// find returns the glossary terms used in s, which starts at source offset
// base. Scanning left to right and taking the longest term at each place
// means "Socket.io" is one use of "Socket.io", never a use of "Socket".
// A term already linked (linked[entry]) still consumes its text but is not
// returned again: only the first use per note becomes a link.
func (g *glossaryIndex) find(s []byte, base int, linked map[int]bool) []match {
	var out []match
	prev := rune(-1)
	spans := escapeSpans(s)
	for i := 0; i < len(s); {
		for len(spans) > 0 && spans[0][1] <= i {
			spans = spans[1:] // behind us; spans are in order
		}
		r, size := utf8.DecodeRune(s[i:])
		if !(isLinkWordRune(r) && isLinkWordRune(prev)) {
			if end, e := g.longest(s, i); e >= 0 && !splitsSpan(spans, i, end) {
				if !linked[e] {
					linked[e] = true
					out = append(out, match{start: base + i, stop: base + end, entry: e})
				}
				prev, _ = utf8.DecodeLastRune(s[:end])
				i = end
				continue
			}
		}
		prev = r
		i += size
	}
	return out
}

// isLinkWordRune is isWordRune plus "_", so "TCP_2" is one word, as it is
// in code and in \w.
func isLinkWordRune(r rune) bool {
	return r == '_' || isWordRune(r)
}

// escapeSpans returns the byte ranges of backslash escapes and entity
// references in s. goldmark keeps them in text segments and resolves them
// when writing, so a link boundary must never fall inside one.
func escapeSpans(s []byte) [][2]int {
	var spans [][2]int
	for i := 0; i < len(s); i++ {
		switch s[i] {
		case '\\':
			if i+1 < len(s) && util.IsPunct(s[i+1]) {
				spans = append(spans, [2]int{i, i + 2})
				i++
			}
		case '&':
			j := i + 1
			for j < len(s) && j-i <= 32 && (s[j] == '#' || util.IsAlphaNumeric(s[j])) {
				j++
			}
			if j < len(s) && s[j] == ';' && j > i+1 {
				spans = append(spans, [2]int{i, j + 1})
				i = j
			}
		}
	}
	return spans
}

// splitsSpan reports whether a boundary at start or stop falls strictly
// inside one of the spans, which are in order and none of which ends
// before start.
func splitsSpan(spans [][2]int, start, stop int) bool {
	for _, sp := range spans {
		if sp[0] >= stop {
			return false
		}
		if (start > sp[0] && start < sp[1]) || (stop > sp[0] && stop < sp[1]) {
			return true
		}
	}
	return false
}

// link wraps the first use of each glossary term in the note's prose in a
// glossLink node. It skips headings, links, code, images, raw HTML and the
// vocabulary section itself. Matching works on runs of adjacent text nodes
// (goldmark splits text at characters such as "_"), which are contiguous
// in the source, so a match is a plain source range.
func (g *glossaryIndex) link(p *parsedNote) {
	linked := map[int]bool{}
	var visit func(parent ast.Node)
	visit = func(parent ast.Node) {
		for c := parent.FirstChild(); c != nil; {
			if t, ok := c.(*ast.Text); ok && !t.IsRaw() && t.Segment.Padding == 0 {
				run := textRun(t)
				next := run[len(run)-1].NextSibling()
				g.linkRun(p, parent, run, linked)
				c = next
				continue
			}
			if !skipForGlossary(c) && !(parent == p.doc && p.vocab[c]) {
				visit(c)
			}
			c = c.NextSibling()
		}
	}
	visit(p.doc)
}

func skipForGlossary(n ast.Node) bool {
	switch n.Kind() {
	case ast.KindHeading, ast.KindLink, ast.KindAutoLink, ast.KindImage,
		ast.KindCodeSpan, ast.KindCodeBlock, ast.KindFencedCodeBlock,
		ast.KindHTMLBlock, ast.KindRawHTML, kindGlossLink:
		return true
	}
	return false
}

// textRun returns t and the text siblings that continue it in the source
// without a line break in between.
func textRun(t *ast.Text) []*ast.Text {
	run := []*ast.Text{t}
	for last := t; !last.SoftLineBreak() && !last.HardLineBreak(); {
		next, ok := last.NextSibling().(*ast.Text)
		if !ok || next.IsRaw() || next.Segment.Padding != 0 || next.Segment.Start != last.Segment.Stop {
			break
		}
		run = append(run, next)
		last = next
	}
	return run
}

// linkRun replaces a run of text nodes by text and glossLink nodes when
// the run uses glossary terms.
func (g *glossaryIndex) linkRun(p *parsedNote, parent ast.Node, run []*ast.Text, linked map[int]bool) {
	first, last := run[0], run[len(run)-1]
	start, stop := first.Segment.Start, last.Segment.Stop
	matches := g.find(p.src[start:stop], start, linked)
	if len(matches) == 0 {
		return
	}
	var out []ast.Node
	pos := start
	for _, m := range matches {
		if m.start > pos {
			out = append(out, ast.NewTextSegment(text.NewSegment(pos, m.start)))
		}
		e := g.entries[m.entry]
		gl := &glossLink{termID: e.ID, tipID: p.ids.numbered("tip"), tip: undefinedTip}
		for _, d := range e.Definitions {
			if d.Definition != "" {
				gl.tip = d.Definition
				break
			}
		}
		gl.AppendChild(gl, ast.NewTextSegment(text.NewSegment(m.start, m.stop)))
		out = append(out, gl)
		pos = m.stop
	}
	if pos < stop || last.SoftLineBreak() || last.HardLineBreak() {
		tail := ast.NewTextSegment(text.NewSegment(pos, stop))
		tail.SetSoftLineBreak(last.SoftLineBreak())
		tail.SetHardLineBreak(last.HardLineBreak())
		out = append(out, tail)
	}
	for _, n := range out {
		parent.InsertBefore(parent, first, n)
	}
	for _, t := range run {
		parent.RemoveChild(parent, t)
	}
}

// kindGlossLink is the AST kind of a glossary link.
var kindGlossLink = ast.NewNodeKind("GlossLink")

// glossLink is a use of a glossary term in a note: a link to the term on
// the glossary page, with the definition as a tooltip.
type glossLink struct {
	ast.BaseInline
	termID string
	tipID  string
	tip    string // plain text
}

func (n *glossLink) Kind() ast.NodeKind { return kindGlossLink }

func (n *glossLink) Dump(src []byte, level int) {
	ast.DumpHelper(n, src, level, map[string]string{"Term": n.termID, "Tip": n.tipID}, nil)
}

// glossRenderer writes glossLink nodes. The tooltip is a sibling of the
// link, not a child, so the link's accessible name is the term alone and
// the definition is its description (aria-describedby). The wrapper lets
// CSS keep the tooltip open while the pointer is over it (WCAG 1.4.13):
//
//	<span class="gloss-wrap"><a class="gloss" href="/vocabulary#term-tcp"
//	aria-describedby="tip-1">TCP</a><span class="gloss-tip" role="tooltip"
//	id="tip-1">definition</span></span>
type glossRenderer struct{}

func (glossRenderer) RegisterFuncs(reg renderer.NodeRendererFuncRegisterer) {
	reg.Register(kindGlossLink, renderGlossLink)
}

func renderGlossLink(w util.BufWriter, _ []byte, node ast.Node, entering bool) (ast.WalkStatus, error) {
	n := node.(*glossLink)
	if entering {
		href := (&url.URL{Path: "/vocabulary", Fragment: n.termID}).String()
		_, _ = w.WriteString(`<span class="gloss-wrap"><a class="gloss" href="`)
		_, _ = w.WriteString(stdhtml.EscapeString(href))
		_, _ = w.WriteString(`" aria-describedby="`)
		_, _ = w.WriteString(stdhtml.EscapeString(n.tipID))
		_, _ = w.WriteString(`">`)
		return ast.WalkContinue, nil
	}
	_, _ = w.WriteString(`</a><span class="gloss-tip" role="tooltip" id="`)
	_, _ = w.WriteString(stdhtml.EscapeString(n.tipID))
	_, _ = w.WriteString(`">`)
	_, _ = w.WriteString(stdhtml.EscapeString(n.tip))
	_, _ = w.WriteString(`</span></span>`)
	return ast.WalkContinue, nil
}
