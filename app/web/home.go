package web

import (
	"github.com/labstack/echo/v4"

	"netstudy/app/notes"
	"netstudy/app/quiz"
)

type homePage struct {
	Layout  layout
	Notes   []*notes.Note
	Terms   int
	Quizzes []*quiz.Quiz // for the short list of practice quizzes
}

func (s *Server) handleHome(c echo.Context) error {
	snap := s.catalog.Current()
	lib := snap.Notes
	return s.renderContentPage(c, snap.Version, "home", homePage{
		Layout:  layout{Title: "Home", Description: "The networking notes of the class, to read and search, with their vocabulary, flashcards, practice quizzes and live quizzes.", Section: "home", Scripts: []string{"js/home.js"}},
		Notes:   lib.Notes,
		Terms:   len(lib.Glossary),
		Quizzes: snap.Quizzes.Quizzes,
	})
}
