package notes

import (
	"fmt"
	stdhtml "html"
	"html/template"
	"strings"

	"github.com/yuin/goldmark"
	"github.com/yuin/goldmark/ast"
	"github.com/yuin/goldmark/renderer"
	"github.com/yuin/goldmark/util"
)

// buildQA turns a found question into a QA: its id (the heading's own, or
// a new one on the element that asks), the answer's HTML and text. It
// then wraps the answer in the note's tree in an answerBlock, so that the
// page can hide it behind a button whatever shape the question had.
func buildQA(md goldmark.Markdown, p *parsedNote, q *question) (QA, error) {
	qa := QA{Question: q.text}
	if h, ok := q.anchor.(*ast.Heading); ok {
		qa.ID = headingID(h)
	}
	if qa.ID == "" {
		base := slugify(q.text)
		if base == "" {
			base = "question"
		}
		qa.ID = p.ids.unique(base)
		q.anchor.SetAttributeString("id", []byte(qa.ID))
	}
	var texts []string
	visible := false
	for _, b := range q.answer {
		if t := blockText(p.src, b); t != "" {
			texts = append(texts, t)
			visible = true
		} else if hasImage(b) {
			visible = true
		}
	}
	if !visible {
		// Nothing a reader would see (at most raw HTML with no text).
		return qa, nil
	}
	out, err := renderNodes(md, p.src, q.answer)
	if err != nil {
		return qa, fmt.Errorf("answer to %q: %w", q.text, err)
	}
	qa.AnswerHTML = template.HTML(out)
	qa.AnswerText = strings.Join(texts, "\n\n")

	wrap := &answerBlock{questionID: qa.ID}
	parent := q.answer[0].Parent()
	parent.InsertBefore(parent, q.answer[0], wrap)
	for _, b := range q.answer {
		wrap.AppendChild(wrap, b) // detaches b
	}
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

// kindAnswer is the AST kind of an answerBlock.
var kindAnswer = ast.NewNodeKind("Answer")

// answerBlock holds the blocks that answer one question:
//
//	<div class="answer" data-answer-for="what-is-tcp">…</div>
//
// Without JavaScript it is a plain container; note.js hides it behind a
// "Show answer" button.
type answerBlock struct {
	ast.BaseBlock
	questionID string
}

func (n *answerBlock) Kind() ast.NodeKind { return kindAnswer }

func (n *answerBlock) Dump(src []byte, level int) {
	ast.DumpHelper(n, src, level, map[string]string{"For": n.questionID}, nil)
}

type answerRenderer struct{}

func (answerRenderer) RegisterFuncs(reg renderer.NodeRendererFuncRegisterer) {
	reg.Register(kindAnswer, renderAnswer)
}

func renderAnswer(w util.BufWriter, _ []byte, node ast.Node, entering bool) (ast.WalkStatus, error) {
	if entering {
		_, _ = w.WriteString(`<div class="answer" data-answer-for="`)
		_, _ = w.WriteString(stdhtml.EscapeString(node.(*answerBlock).questionID))
		_, _ = w.WriteString("\">\n")
	} else {
		_, _ = w.WriteString("</div>\n")
	}
	return ast.WalkContinue, nil
}
