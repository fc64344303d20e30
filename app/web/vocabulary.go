package web

import (
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
	Anchor  string // the id of its heading: "letter-a", or "letter-other" for "#"
	Entries []notes.GlossaryEntry
}

func (s *Server) handleVocabulary(c echo.Context) error {
	snap := s.catalog.Current()
	lib := snap.Notes
	return s.renderContentPage(c, snap.Version, "vocabulary", vocabularyPage{
		Layout:  layout{Title: "Vocabulary", Description: "Every networking term of the class notes with its definition, to filter by name or letter.", Section: "vocabulary", Scripts: []string{"js/vocabulary.js"}},
		Letters: groupByLetter(lib.Glossary),
		Count:   len(lib.Glossary),
	})
}

// groupByLetter relies on the glossary being sorted A to Z already, by
// the same letter the notes package files each term under.
func groupByLetter(entries []notes.GlossaryEntry) []letterGroup {
	var groups []letterGroup
	for _, e := range entries {
		letter := e.Letter
		if len(groups) == 0 || groups[len(groups)-1].Letter != letter {
			groups = append(groups, letterGroup{Letter: letter, Anchor: letterAnchor(letter)})
		}
		g := &groups[len(groups)-1]
		g.Entries = append(g.Entries, e)
	}
	return groups
}

// letterAnchor is the id of a letter's heading. Terms that start with a
// digit or a sign are filed under "#", which an id should not hold: a
// URL's fragment would end before it.
func letterAnchor(letter string) string {
	if letter == "#" {
		return "letter-other"
	}
	return "letter-" + letter
}
