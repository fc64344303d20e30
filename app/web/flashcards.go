package web

import (
	"net/http"

	"github.com/labstack/echo/v4"

	"netstudy/app/notes"
	"netstudy/app/study"
)

type flashcardsPage struct {
	Layout   layout
	Notes    []*notes.Note
	Selected string
}

func (s *Server) handleFlashcards(c echo.Context) error {
	return s.renderOK(c, "flashcards", flashcardsPage{
		Layout:   layout{Title: "Flashcards", Description: "Review the flashcards of the class notes with spaced repetition: the cards you find hard come back sooner.", Section: "flashcards", Scripts: []string{"js/flashcards.js"}},
		Notes:    s.catalog.Current().Notes.Notes,
		Selected: c.QueryParam("note"),
	})
}

// handleAPIFlashcards serves a deck: every note's cards, or one note's with
// ?note=slug.
func (s *Server) handleAPIFlashcards(c echo.Context) error {
	cards, ok := study.Deck(s.catalog.Current().Notes, c.QueryParam("note"))
	if !ok {
		return notFound("There is no note called “" + c.QueryParam("note") + "”.")
	}
	if cards == nil {
		cards = []study.Card{}
	}
	return c.JSON(http.StatusOK, cards)
}
