package web

import (
	"html/template"
	"net/http"
	"net/url"

	"github.com/labstack/echo/v4"

	"netstudy/app/notes"
)

// The JSON shapes of the notes API (ARCHITECTURE.md). They are separate from the
// domain types so that the API stays stable when the domain changes.
type (
	apiNoteSummary struct {
		Slug   string    `json:"slug"`
		Title  string    `json:"title"`
		URL    string    `json:"url"`
		Counts apiCounts `json:"counts"`
		Error  string    `json:"error,omitempty"`
	}
	apiCounts struct {
		Questions int `json:"questions"`
		Terms     int `json:"terms"`
	}
	apiNote struct {
		apiNoteSummary
		HTML       template.HTML `json:"html"`
		TOC        []apiHeading  `json:"toc"`
		QA         []apiQA       `json:"qa"`
		Vocabulary []apiTerm     `json:"vocabulary"`
		Problems   []string      `json:"problems,omitempty"`
	}
	apiHeading struct {
		Level int    `json:"level"`
		ID    string `json:"id"`
		Text  string `json:"text"`
	}
	apiQA struct {
		ID         string        `json:"id"`
		Question   string        `json:"question"`
		AnswerHTML template.HTML `json:"answer_html"`
		AnswerText string        `json:"answer_text"`
		Open       bool          `json:"open,omitempty"` // no answer written yet
	}
	apiTerm struct {
		ID             string        `json:"id"`
		Term           string        `json:"term"`
		DefinitionHTML template.HTML `json:"definition_html"`
		Definition     string        `json:"definition"`
		Undefined      bool          `json:"undefined,omitempty"` // no definition written yet
	}
	apiGlossaryEntry struct {
		ID          string          `json:"id"`
		Term        string          `json:"term"`
		Definitions []apiDefinition `json:"definitions"`
		Notes       []apiNoteRef    `json:"notes"`
	}
	apiDefinition struct {
		DefinitionHTML template.HTML `json:"definition_html"`
		Definition     string        `json:"definition"`
		Note           apiNoteRef    `json:"note"`
	}
	apiNoteRef struct {
		Slug  string `json:"slug"`
		Title string `json:"title"`
	}
)

func summarize(n *notes.Note) apiNoteSummary {
	s := apiNoteSummary{
		Slug:   n.Slug,
		Title:  n.Title,
		URL:    "/notes/" + url.PathEscape(n.Slug),
		Counts: apiCounts{Questions: len(n.QA), Terms: len(n.Vocabulary)},
	}
	if n.Err != nil {
		s.Error = n.Err.Error()
	}
	return s
}

func (s *Server) handleAPINotes(c echo.Context) error {
	lib := s.catalog.Current().Notes
	out := make([]apiNoteSummary, 0, len(lib.Notes))
	for _, n := range lib.Notes {
		out = append(out, summarize(n))
	}
	return c.JSON(http.StatusOK, out)
}

func (s *Server) handleAPINote(c echo.Context) error {
	n, ok := s.catalog.Current().Notes.Note(c.Param("slug"))
	if !ok {
		return notFound("There is no note called “" + c.Param("slug") + "”.")
	}
	out := apiNote{
		apiNoteSummary: summarize(n),
		HTML:           n.HTML,
		TOC:            make([]apiHeading, 0, len(n.TOC)),
		QA:             make([]apiQA, 0, len(n.QA)),
		Vocabulary:     make([]apiTerm, 0, len(n.Vocabulary)),
		Problems:       n.Problems,
	}
	for _, h := range n.TOC {
		out.TOC = append(out.TOC, apiHeading{Level: h.Level, ID: h.ID, Text: h.Text})
	}
	for _, qa := range n.QA {
		out.QA = append(out.QA, apiQA{ID: qa.ID, Question: qa.Question, AnswerHTML: qa.AnswerHTML,
			AnswerText: qa.AnswerText, Open: qa.AnswerText == "" && qa.AnswerHTML == ""})
	}
	for _, t := range n.Vocabulary {
		out.Vocabulary = append(out.Vocabulary, apiTerm{ID: t.ID, Term: t.Term, DefinitionHTML: t.DefinitionHTML,
			Definition: t.Definition, Undefined: t.Definition == ""})
	}
	return c.JSON(http.StatusOK, out)
}

func (s *Server) handleAPIVocabulary(c echo.Context) error {
	lib := s.catalog.Current().Notes
	out := make([]apiGlossaryEntry, 0, len(lib.Glossary))
	for _, e := range lib.Glossary {
		g := apiGlossaryEntry{ID: e.ID, Term: e.Term, Definitions: []apiDefinition{}, Notes: []apiNoteRef{}}
		seen := map[string]bool{}
		for _, d := range e.Definitions {
			ref := apiNoteRef{Slug: d.NoteSlug, Title: d.NoteTitle}
			g.Definitions = append(g.Definitions, apiDefinition{DefinitionHTML: d.DefinitionHTML, Definition: d.Definition, Note: ref})
			if !seen[d.NoteSlug] {
				seen[d.NoteSlug] = true
				g.Notes = append(g.Notes, ref)
			}
		}
		out = append(out, g)
	}
	return c.JSON(http.StatusOK, out)
}
