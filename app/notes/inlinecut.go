package notes

import (
	"strings"

	"github.com/yuin/goldmark/ast"
	"github.com/yuin/goldmark/text"
)

// Cutting inline content into lines and trimming it without changing the
// note's tree: entries and questions take their text from parts of a
// paragraph that the page still renders whole.

// splitLines cuts the inline children of a block at its line breaks, and
// at <br> tags, which students use as line breaks.
func splitLines(src []byte, block ast.Node) [][]ast.Node {
	var lines [][]ast.Node
	var cur []ast.Node
	for c := block.FirstChild(); c != nil; c = c.NextSibling() {
		cur = append(cur, c)
		t, ok := c.(*ast.Text)
		if ok && (t.SoftLineBreak() || t.HardLineBreak()) || isBreakTag(src, c) {
			lines = append(lines, cur)
			cur = nil
		}
	}
	if len(cur) > 0 {
		lines = append(lines, cur)
	}
	return lines
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
		if trimmed == "" && !t.SoftLineBreak() && !t.HardLineBreak() || trimmed == "" && len(nodes) > 1 {
			nodes = nodes[1:]
			continue
		}
		if len(trimmed) == len(value) {
			return nodes
		}
		return append([]ast.Node{detachedText(t, t.Segment.Stop-len(trimmed), t.Segment.Stop, true)}, nodes[1:]...)
	}
	return nil
}

// trimTrailingBreak drops the line break that ends the last line of a
// definition, and a <br> there: they belong to the paragraph.
func trimTrailingBreak(nodes []ast.Node) []ast.Node {
	if len(nodes) == 0 {
		return nodes
	}
	switch last := nodes[len(nodes)-1].(type) {
	case *ast.Text:
		if !(last.SoftLineBreak() || last.HardLineBreak()) {
			return nodes
		}
		out := append([]ast.Node(nil), nodes[:len(nodes)-1]...)
		return append(out, detachedText(last, last.Segment.Start, last.Segment.Stop, false))
	case *ast.RawHTML:
		return nodes[:len(nodes)-1]
	}
	return nodes
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
