package web

import "github.com/labstack/echo/v4"

type notesFormatPage struct {
	Layout layout
}

// handleNotesFormat serves the help page that lists every shape of
// question, vocabulary section and entry the notes parser reads. The page
// is static: its examples are in the template.
func (s *Server) handleNotesFormat(c echo.Context) error {
	return s.renderOK(c, "notes_format", notesFormatPage{
		Layout: layout{
			Title:       "The notes format",
			Section:     "notes",
			Description: "How to write notes that netstudy reads: questions, vocabulary sections and term entries, each with an example.",
			Scripts:     []string{"js/copycode.js"},
		},
	})
}
