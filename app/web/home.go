package web

import (
	"github.com/labstack/echo/v4"

	"netstudy/app/notes"
)

type homePage struct {
	Layout layout
	Notes  []*notes.Note
	Terms  int
}

func (s *Server) handleHome(c echo.Context) error {
	lib := s.catalog.Current().Notes
	return s.renderOK(c, "home", homePage{
		Layout: layout{Title: "Home", Section: "home", Scripts: []string{"js/home.js"}},
		Notes:  lib.Notes,
		Terms:  len(lib.Glossary),
	})
}
