package notes

import (
	"sync"

	chromahtml "github.com/alecthomas/chroma/v2/formatters/html"
	"github.com/yuin/goldmark"
	highlighting "github.com/yuin/goldmark-highlighting/v2"
	"github.com/yuin/goldmark/extension"
	"github.com/yuin/goldmark/parser"
	"github.com/yuin/goldmark/renderer"
	"github.com/yuin/goldmark/util"
	"go.abhg.dev/goldmark/frontmatter"
)

// markdown is the one goldmark configuration every note goes through. It is
// built on first use and never changed afterwards: goldmark's parser and
// renderer are safe for concurrent use once built, and everything that
// varies per note (IDs, glossary links) lives in the parse context or in
// the AST, not in the instance.
var markdown = sync.OnceValue(newMarkdown)

// tableAlign writes a column's alignment as an attribute: the site's CSP
// forbids inline styles.
var tableAlign = extension.WithTableCellAlignMethod(extension.TableCellAlignAttribute)

// newMarkdown lists every extension explicitly, so that what students may
// write is decided here and not by a library default.
func newMarkdown() goldmark.Markdown {
	return goldmark.New(
		goldmark.WithExtensions(
			// GFM, spelled out.
			extension.NewTable(tableAlign),
			extension.TaskList,
			extension.Strikethrough,
			extension.Linkify,
			extension.Footnote,
			&frontmatter.Extender{},
			highlighting.NewHighlighting(
				// Classes, not inline styles: see ChromaCSS.
				highlighting.WithFormatOptions(chromahtml.WithClasses(true)),
			),
		),
		goldmark.WithParserOptions(
			// The IDs themselves come from idSet, passed in each parse context.
			parser.WithAutoHeadingID(),
		),
		goldmark.WithRendererOptions(
			renderer.WithNodeRenderers(
				util.Prioritized(glossRenderer{}, 500),
				util.Prioritized(answerRenderer{}, 500),
				// Before goldmark's own HTML renderer (1000).
				util.Prioritized(rawHTMLRenderer{}, 100),
				// Before the table extension's (500): a lower number wins.
				util.Prioritized(newCornerCells(tableAlign), 100),
			),
			// No html.WithUnsafe: raw HTML is replaced by a comment and
			// dangerous URLs are dropped. safety.go adds a stricter allowlist.
		),
	)
}
