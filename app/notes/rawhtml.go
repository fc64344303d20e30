package notes

import (
	"bytes"
	stdhtml "html"
	"regexp"
	"strings"

	"github.com/yuin/goldmark/ast"
	"github.com/yuin/goldmark/renderer"
	"github.com/yuin/goldmark/util"
	"golang.org/x/net/html"
)

// Raw HTML never reaches a page as markup, but students paste it for
// layout (a <br/> inside a line, a <div align="center"> around a
// paragraph) and their words must not vanish with it. rawHTMLRenderer
// writes a line break tag as a plain <br>, and an HTML block as the text
// it contains, escaped; everything else of the HTML is dropped.
type rawHTMLRenderer struct{}

func (rawHTMLRenderer) RegisterFuncs(reg renderer.NodeRendererFuncRegisterer) {
	reg.Register(ast.KindRawHTML, renderRawHTML)
	reg.Register(ast.KindHTMLBlock, renderHTMLBlock)
}

// brTag matches the line break tag in the ways students type it.
var brTag = regexp.MustCompile(`(?i)^<br\s*/?>$`)

// isBreakTag reports whether an inline raw HTML node is a <br>.
func isBreakTag(src []byte, n ast.Node) bool {
	raw, ok := n.(*ast.RawHTML)
	if !ok {
		return false
	}
	var b bytes.Buffer
	for i := 0; i < raw.Segments.Len(); i++ {
		seg := raw.Segments.At(i)
		b.Write(seg.Value(src))
	}
	return brTag.Match(bytes.TrimSpace(b.Bytes()))
}

func renderRawHTML(w util.BufWriter, src []byte, node ast.Node, entering bool) (ast.WalkStatus, error) {
	if !entering {
		return ast.WalkSkipChildren, nil
	}
	if isBreakTag(src, node) {
		_, _ = w.WriteString("<br>\n")
	} else {
		_, _ = w.WriteString("<!-- raw HTML omitted -->")
	}
	return ast.WalkSkipChildren, nil
}

func renderHTMLBlock(w util.BufWriter, src []byte, node ast.Node, entering bool) (ast.WalkStatus, error) {
	if !entering {
		return ast.WalkContinue, nil
	}
	if t := htmlBlockText(src, node); t != "" {
		_, _ = w.WriteString("<p>")
		_, _ = w.WriteString(stdhtml.EscapeString(t))
		_, _ = w.WriteString("</p>\n")
	} else {
		_, _ = w.WriteString("<!-- raw HTML omitted -->\n")
	}
	return ast.WalkContinue, nil
}

// htmlBlockText is the text a browser would show of an HTML block, white
// space collapsed; script, style and comments show nothing.
func htmlBlockText(src []byte, node ast.Node) string {
	var raw bytes.Buffer
	lines := node.Lines()
	for i := 0; i < lines.Len(); i++ {
		seg := lines.At(i)
		raw.Write(seg.Value(src))
	}
	if hb, ok := node.(*ast.HTMLBlock); ok && hb.HasClosure() {
		raw.Write(hb.ClosureLine.Value(src))
	}
	var out strings.Builder
	z := html.NewTokenizer(&raw)
	skip := 0 // inside script, style, template or textarea
	for {
		switch z.Next() {
		case html.ErrorToken:
			return normalizeSpace(out.String())
		case html.StartTagToken:
			if name, _ := z.TagName(); hiddenElement(string(name)) {
				skip++
			}
			out.WriteByte(' ')
		case html.EndTagToken:
			if name, _ := z.TagName(); hiddenElement(string(name)) && skip > 0 {
				skip--
			}
			out.WriteByte(' ')
		case html.SelfClosingTagToken:
			out.WriteByte(' ')
		case html.TextToken:
			if skip == 0 {
				out.Write(z.Text())
			}
		}
	}
}

func hiddenElement(name string) bool {
	switch name {
	case "script", "style", "template", "textarea", "noscript", "iframe", "object", "svg", "math":
		return true
	}
	return false
}
