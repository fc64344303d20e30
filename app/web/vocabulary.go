package web

import (
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/labstack/echo/v4"

	"netstudy/app/notes"
)

type vocabularyPage struct {
	Layout  layout
	Letters []letterGroup
	Count   int
}

// letterGroup is the glossary terms that start with one letter, for the
// A to Z jump list.
type letterGroup struct {
	Letter  string
	Entries []notes.GlossaryEntry
}

func (s *Server) handleVocabulary(c echo.Context) error {
	lib := s.catalog.Current().Notes
	return s.renderOK(c, "vocabulary", vocabularyPage{
		Layout:  layout{Title: "Vocabulary", Section: "vocabulary", Scripts: []string{"js/vocabulary.js"}},
		Letters: groupByLetter(lib.Glossary),
		Count:   len(lib.Glossary),
	})
}

// groupByLetter relies on the glossary being sorted A to Z already.
func groupByLetter(entries []notes.GlossaryEntry) []letterGroup {
	var groups []letterGroup
	for _, e := range entries {
		r, _ := utf8.DecodeRuneInString(e.Term)
		letter := "#"
		if unicode.IsLetter(r) {
			letter = strings.ToUpper(string(r))
		}
		if len(groups) == 0 || groups[len(groups)-1].Letter != letter {
			groups = append(groups, letterGroup{Letter: letter})
		}
		g := &groups[len(groups)-1]
		g.Entries = append(g.Entries, e)
	}
	return groups
}
