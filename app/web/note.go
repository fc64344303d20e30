package web

import (
	"github.com/labstack/echo/v4"

	"netstudy/app/notes"
)

type notePage struct {
	Layout layout
	Note   *notes.Note
}

func (s *Server) handleNote(c echo.Context) error {
	n, ok := s.catalog.Current().Notes.Note(c.Param("slug"))
	if !ok {
		return notFound("There is no note called “" + c.Param("slug") + "”.")
	}
	return s.renderOK(c, "note", notePage{
		Layout: layout{Title: n.Title, Section: "notes", Scripts: []string{"js/note.js"}},
		Note:   n,
	})
}
