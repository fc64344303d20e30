package web

import (
	"net/http"

	"github.com/labstack/echo/v4"

	"netstudy/app/notes"
	"netstudy/app/study"
)

// studyPageData is the data of the flashcards page and of the other study
// modes: the decks to choose from and the one chosen.
type studyPageData struct {
	Layout   layout
	Notes    []*notes.Note
	Selected string
	Mode     string // cards, write or match: the mode shown as current
}

func (s *Server) renderStudyPage(c echo.Context, name, title, description, script, mode string) error {
	return s.renderOK(c, name, studyPageData{
		Mode:     mode,
		Layout:   layout{Title: title, Description: description, Section: "flashcards", Scripts: []string{script}},
		Notes:    s.catalog.Current().Notes.Notes,
		Selected: c.QueryParam("note"),
	})
}

func (s *Server) handleFlashcards(c echo.Context) error {
	return s.renderStudyPage(c, "flashcards", "Flashcards",
		"Review the flashcards of the class notes with spaced repetition: the cards you find hard come back sooner.",
		"js/flashcards.js", "cards")
}

// handleWrite is the Write mode: see a definition, type the term.
func (s *Server) handleWrite(c echo.Context) error {
	return s.renderStudyPage(c, "write", "Write the term",
		"Read a definition from the class notes and type the term it defines; small typos are forgiven.",
		"js/write.js", "write")
}

// handleMatch is the Match mode: pair terms with definitions against the clock.
func (s *Server) handleMatch(c echo.Context) error {
	return s.renderStudyPage(c, "match", "Match",
		"Pair the terms of the class notes with their definitions against the clock.",
		"js/match.js", "match")
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

// deckCounts is the answer of GET /api/flashcards/counts.
type deckCounts struct {
	Decks map[string]int `json:"decks"` // note slug → number of cards
}

// handleAPIFlashcardCounts serves the number of cards of each deck: with
// the schedule kept in the browser, enough for a due count, at a few
// hundred bytes instead of the whole deck.
func (s *Server) handleAPIFlashcardCounts(c echo.Context) error {
	return c.JSON(http.StatusOK, deckCounts{Decks: study.DeckSizes(s.catalog.Current().Notes)})
}
