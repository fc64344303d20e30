package quiz

import (
	"bufio"
	"bytes"
	"fmt"
	"html/template"
	"strings"
	"sync"

	"github.com/yuin/goldmark"
	"github.com/yuin/goldmark/ast"
	"github.com/yuin/goldmark/extension"
	extast "github.com/yuin/goldmark/extension/ast"
	"github.com/yuin/goldmark/util"
	"go.abhg.dev/goldmark/frontmatter"
)

// markdown is built once: goldmark's parser and renderer are safe for
// concurrent use, and building them per file would waste the work of
// sorting their extension lists.
//
// Raw HTML stays off (goldmark's default), so <script> and event handlers in
// a quiz come out as "raw HTML omitted", and goldmark drops javascript: and
// similar link targets. Only YAML front matter is recognised: a quiz file
// starting with "+++" is more likely a typo than TOML.
var markdown = sync.OnceValue(func() goldmark.Markdown {
	return goldmark.New(goldmark.WithExtensions(
		extension.GFM,
		&frontmatter.Extender{Formats: []frontmatter.Format{frontmatter.YAML}},
	))
})

// renderNodes renders whole blocks (paragraphs, code, lists) as HTML.
func renderNodes(src []byte, nodes []ast.Node) (template.HTML, error) {
	if len(nodes) == 0 {
		return "", nil
	}
	var buf bytes.Buffer
	// One bufio.Writer for all nodes: handed a plain io.Writer, goldmark
	// allocates a 4 KiB buffer on every Render call.
	w := bufio.NewWriter(&buf)
	r := markdown().Renderer()
	for _, n := range nodes {
		if err := r.Render(w, src, n); err != nil {
			return "", fmt.Errorf("render markdown: %w", err)
		}
	}
	if err := w.Flush(); err != nil {
		return "", fmt.Errorf("render markdown: %w", err)
	}
	return template.HTML(buf.String()), nil
}

// renderInline renders the inline content of a block (a heading, a list
// item's text) without the block's own element, skipping a task list box:
// the checkbox is the app's to draw, not the author's.
func renderInline(src []byte, block ast.Node) (template.HTML, error) {
	var children []ast.Node
	for c := block.FirstChild(); c != nil; c = c.NextSibling() {
		if _, ok := c.(*extast.TaskCheckBox); !ok {
			children = append(children, c)
		}
	}
	h, err := renderNodes(src, children)
	return template.HTML(strings.TrimSpace(string(h))), err
}

// plainText is the text a reader sees in n, with Markdown syntax removed,
// entities resolved and white space collapsed: what goes into CSV exports,
// screen-reader labels and error messages.
func plainText(src []byte, n ast.Node) string {
	var b strings.Builder
	_ = ast.Walk(n, func(n ast.Node, entering bool) (ast.WalkStatus, error) {
		if !entering {
			return ast.WalkContinue, nil
		}
		switch n := n.(type) {
		case *ast.CodeSpan:
			// Code is shown as written: no escapes or entities inside.
			for c := n.FirstChild(); c != nil; c = c.NextSibling() {
				if t, ok := c.(*ast.Text); ok {
					b.Write(t.Segment.Value(src))
				}
			}
			return ast.WalkSkipChildren, nil
		case *ast.Text:
			v := n.Segment.Value(src)
			if !n.IsRaw() {
				v = resolveText(v)
			}
			b.Write(v)
			if n.SoftLineBreak() || n.HardLineBreak() {
				b.WriteByte(' ')
			}
		case *ast.String:
			if n.IsCode() || n.IsRaw() {
				b.Write(n.Value)
			} else {
				b.Write(resolveText(n.Value))
			}
		case *ast.AutoLink:
			b.Write(n.Label(src))
			return ast.WalkSkipChildren, nil
		case *ast.RawHTML:
			// Markup is not text; it is not rendered either.
			return ast.WalkSkipChildren, nil
		}
		return ast.WalkContinue, nil
	})
	return collapseSpace(b.String())
}

// resolveText turns Markdown text into what it means: "\*" is "*", "&amp;"
// is "&".
func resolveText(v []byte) []byte {
	return util.ResolveEntityNames(util.ResolveNumericReferences(util.UnescapePunctuations(v)))
}

// collapseSpace trims s and turns every run of white space into one space.
func collapseSpace(s string) string {
	return strings.Join(strings.Fields(s), " ")
}
