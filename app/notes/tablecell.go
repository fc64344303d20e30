package notes

import (
	"github.com/yuin/goldmark/ast"
	"github.com/yuin/goldmark/extension"
	east "github.com/yuin/goldmark/extension/ast"
	"github.com/yuin/goldmark/renderer"
	"github.com/yuin/goldmark/util"
)

// cornerCells renders table cells as goldmark's table extension does,
// except an empty header cell: the corner of a comparison table, as
// students write it ("| | TCP | UDP |"), names no column, and as a <th> a
// screen reader would announce an empty header for every cell under it.
// It is written as a <td>.
type cornerCells struct {
	table *extension.TableHTMLRenderer
	cell  renderer.NodeRendererFunc // the extension's own
}

func newCornerCells(opts ...extension.TableOption) *cornerCells {
	c := &cornerCells{table: extension.NewTableHTMLRenderer(opts...).(*extension.TableHTMLRenderer)}
	c.table.RegisterFuncs(registerFunc(func(kind ast.NodeKind, f renderer.NodeRendererFunc) {
		if kind == east.KindTableCell {
			c.cell = f
		}
	}))
	return c
}

// SetOption passes the renderer's options (XHTML, say) to the extension's
// renderer, whose cells this one writes.
func (c *cornerCells) SetOption(name renderer.OptionName, value any) {
	c.table.SetOption(name, value)
}

func (c *cornerCells) RegisterFuncs(reg renderer.NodeRendererFuncRegisterer) {
	reg.Register(east.KindTableCell, c.renderCell)
}

func (c *cornerCells) renderCell(w util.BufWriter, source []byte, node ast.Node, entering bool) (ast.WalkStatus, error) {
	if node.Parent().Kind() != east.KindTableHeader || node.ChildCount() > 0 {
		return c.cell(w, source, node, entering)
	}
	if entering {
		_, _ = w.WriteString("<td")
		if a := node.(*east.TableCell).Alignment; a != east.AlignNone {
			_, _ = w.WriteString(` align="` + a.String() + `"`)
		}
		_ = w.WriteByte('>')
		return ast.WalkContinue, nil
	}
	_, _ = w.WriteString("</td>\n")
	return ast.WalkContinue, nil
}

// registerFunc adapts a function to renderer.NodeRendererFuncRegisterer.
type registerFunc func(ast.NodeKind, renderer.NodeRendererFunc)

func (f registerFunc) Register(kind ast.NodeKind, fn renderer.NodeRendererFunc) { f(kind, fn) }
