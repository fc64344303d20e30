package notes

import (
	"bufio"
	"bytes"
	"fmt"
	stdhtml "html"
	"sort"
	"strconv"
	"strings"

	"github.com/yuin/goldmark"
	"github.com/yuin/goldmark/ast"
	east "github.com/yuin/goldmark/extension/ast"
	"github.com/yuin/goldmark/renderer/html"
)

// inlineText returns what a reader sees of some inline content, as plain
// text: emphasis dropped, escapes and entities resolved, raw HTML left out
// (it is not rendered either), line breaks as spaces.
//
// goldmark keeps backslash escapes and entity references in the source
// segments and resolves them while writing HTML, so this writes the text
// through goldmark's own HTML writer and unescapes the result: one pass,
// the same rules as the rendered page.
func inlineText(src []byte, nodes ...ast.Node) string {
	var buf bytes.Buffer
	// Small: the text of a heading or a definition; larger writes pass through.
	w := bufio.NewWriterSize(&buf, 128)
	for _, n := range nodes {
		writeInlineText(w, src, n, false)
	}
	_ = w.Flush() // cannot fail: the buffer grows
	return stdhtml.UnescapeString(buf.String())
}

func writeInlineText(w *bufio.Writer, src []byte, n ast.Node, code bool) {
	if n == nil {
		return
	}
	switch n := n.(type) {
	case *ast.Text:
		if code || n.IsRaw() {
			html.DefaultWriter.RawWrite(w, n.Segment.Value(src))
		} else {
			html.DefaultWriter.Write(w, n.Segment.Value(src))
		}
		if n.SoftLineBreak() || n.HardLineBreak() {
			_ = w.WriteByte(' ')
		}
	case *ast.String:
		if n.IsCode() {
			_, _ = w.Write(n.Value) // already HTML
		} else {
			html.DefaultWriter.Write(w, n.Value)
		}
	case *ast.AutoLink:
		_, _ = w.WriteString(stdhtml.EscapeString(string(n.Label(src))))
	case *ast.RawHTML:
		// omitted from the page, so from the text too, except a line break
		if isBreakTag(src, n) {
			_ = w.WriteByte(' ')
		}
	case *ast.CodeSpan:
		for c := n.FirstChild(); c != nil; c = c.NextSibling() {
			writeInlineText(w, src, c, true)
		}
	default:
		for c := n.FirstChild(); c != nil; c = c.NextSibling() {
			writeInlineText(w, src, c, code)
		}
	}
}

// blockText returns the plain text of a block, keeping the shape a reader
// needs: paragraphs apart, one list item per line, code verbatim.
func blockText(src []byte, n ast.Node) string {
	switch n := n.(type) {
	case *ast.Paragraph, *ast.TextBlock, *ast.Heading:
		return strings.TrimSpace(inlineText(src, n))
	case *ast.FencedCodeBlock, *ast.CodeBlock:
		var b strings.Builder
		lines := n.Lines()
		for i := 0; i < lines.Len(); i++ {
			seg := lines.At(i)
			b.Write(seg.Value(src))
		}
		return strings.TrimRight(b.String(), "\n")
	case *ast.HTMLBlock:
		return htmlBlockText(src, n)
	case *ast.ThematicBreak:
		return ""
	case *ast.List:
		var items []string
		num := n.Start
		for c := n.FirstChild(); c != nil; c = c.NextSibling() {
			marker := "- "
			if n.IsOrdered() {
				marker = strconv.Itoa(num) + ". "
				num++
			}
			body := strings.ReplaceAll(childrenText(src, c, "\n"), "\n", "\n  ")
			items = append(items, marker+body)
		}
		return strings.Join(items, "\n")
	case *east.Table:
		var rows []string
		for r := n.FirstChild(); r != nil; r = r.NextSibling() {
			var cells []string
			for c := r.FirstChild(); c != nil; c = c.NextSibling() {
				cells = append(cells, strings.TrimSpace(inlineText(src, c)))
			}
			rows = append(rows, strings.Join(cells, " | "))
		}
		return strings.Join(rows, "\n")
	default:
		return childrenText(src, n, "\n")
	}
}

func childrenText(src []byte, n ast.Node, sep string) string {
	var parts []string
	for c := n.FirstChild(); c != nil; c = c.NextSibling() {
		if t := blockText(src, c); t != "" {
			parts = append(parts, t)
		}
	}
	return strings.Join(parts, sep)
}

// renderNodes renders nodes one after the other with the note renderer.
// Rendering a subtree is how an answer or a definition gets its own HTML
// without a second parse.
func renderNodes(md goldmark.Markdown, src []byte, nodes []ast.Node) (string, error) {
	var buf bytes.Buffer
	w := bufio.NewWriterSize(&buf, 512) // bufio's 4 KiB default dominated the profile
	for _, n := range nodes {
		if err := md.Renderer().Render(w, src, n); err != nil {
			return "", fmt.Errorf("rendering %s: %w", n.Kind(), err)
		}
	}
	if err := w.Flush(); err != nil {
		return "", fmt.Errorf("rendering: %w", err)
	}
	return buf.String(), nil
}

// lineIndex maps byte offsets of a source to 1-based line numbers, so
// problems can say where they are.
type lineIndex []int

func newLineIndex(src []byte) lineIndex {
	starts := lineIndex{0}
	for i, c := range src {
		if c == '\n' {
			starts = append(starts, i+1)
		}
	}
	return starts
}

// line returns the line of the first source byte of n, or 0 if n has none.
func (li lineIndex) line(n ast.Node) int {
	off := nodeOffset(n)
	if off < 0 {
		return 0
	}
	return sort.Search(len(li), func(i int) bool { return li[i] > off })
}

// where prefixes msg with the line of n when it is known.
func (li lineIndex) where(n ast.Node, format string, args ...any) string {
	msg := fmt.Sprintf(format, args...)
	if l := li.line(n); l > 0 {
		return "line " + strconv.Itoa(l) + ": " + msg
	}
	return msg
}

func nodeOffset(n ast.Node) int {
	if n.Type() == ast.TypeBlock {
		if lines := n.Lines(); lines != nil && lines.Len() > 0 {
			return lines.At(0).Start
		}
	}
	if t, ok := n.(*ast.Text); ok {
		return t.Segment.Start
	}
	if p := n.Pos(); p >= 0 {
		return p
	}
	for c := n.FirstChild(); c != nil; c = c.NextSibling() {
		if off := nodeOffset(c); off >= 0 {
			return off
		}
	}
	return -1
}
