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
	snap := s.catalog.Current()
	n, ok := snap.Notes.Note(c.Param("slug"))
	if !ok {
		return notFound("There is no note called “" + c.Param("slug") + "”.")
	}
	return s.renderContentPage(c, snap.Version, "note", notePage{
		Layout: layout{Title: n.Title, Description: noteDescription(n), Section: "notes", Scripts: []string{"js/note.js"}},
		Note:   n,
	})
}
