package web

import (
	"github.com/labstack/echo/v4"

	"netstudy/app/notes"
)

type notePage struct {
	Layout layout
	Note   *notes.Note
	// Prev and Next are the neighbouring notes in the home page's order;
	// nil at either end.
	Prev, Next *notes.Note
	// Changes is the URL that tells the open page its note changed, or
	// "" when the content cannot change (see handleNoteChanges).
	Changes string
}

func (s *Server) handleNote(c echo.Context) error {
	snap := s.catalog.Current()
	n, ok := snap.Notes.Note(c.Param("slug"))
	if !ok {
		return notFound("There is no note called “" + c.Param("slug") + "”.")
	}
	page := notePage{
		Layout: layout{Title: n.Title, Description: noteDescription(n), Section: "notes", Scripts: []string{"js/note.js", "js/copycode.js"}},
		Note:   n,
	}
	page.Prev, page.Next = neighbourNotes(snap.Notes, n)
	if s.catalog.Watched() {
		page.Changes = noteChangesURL(n)
		page.Layout.Scripts = append(page.Layout.Scripts, "js/notereload.js")
	}
	return s.renderContentPage(c, snap.Version, "note", page)
}

// neighbourNotes returns the notes before and after n in the library's
// order, the order of the home page's list. A file whose slug another
// file took has no page of its own, so it is no one's neighbour.
func neighbourNotes(lib *notes.Library, n *notes.Note) (prev, next *notes.Note) {
	found := false
	for _, m := range lib.Notes {
		if own, _ := lib.Note(m.Slug); own != m {
			continue
		}
		switch {
		case m == n:
			found = true
		case !found:
			prev = m
		default:
			return prev, m
		}
	}
	return prev, nil
}
