package web

import (
	"context"
	"encoding/binary"
	"fmt"
	"hash/fnv"
	"net/http"
	"net/url"
	"time"

	"github.com/labstack/echo/v4"

	"netstudy/app/notes"
)

// An author who runs netstudy with --content keeps a note open while
// editing its file: the page reloads itself when the note's rendered form
// changes. GET /notes/:slug/changes?since=REVISION is a Server-Sent Events
// stream that sends one "changed" event as soon as the note's revision is
// no longer REVISION, then ends. Content embedded in the binary never
// changes, so there the route answers 404 and note pages do not ask.

// changesStreamLifetime bounds one stream: EventSource reconnects by
// itself, so a stream that ends now and then costs nothing and leaves no
// request open for good behind a client that vanished without a word.
const changesStreamLifetime = 5 * time.Minute

// changesRetry is how long EventSource waits before it reconnects.
const changesRetry = 2 * time.Second

// noteChangesURL is the changes stream of n as rendered now.
func noteChangesURL(n *notes.Note) string {
	return "/notes/" + url.PathEscape(n.Slug) + "/changes?since=" + noteRevision(n)
}

// noteRevision names what a note page shows of n: the same text gives the
// same revision. Another note's edit gives n a new snapshot version but
// not a new revision, so only the page of the note edited reloads.
func noteRevision(n *notes.Note) string {
	if n == nil {
		return "gone"
	}
	h := fnv.New64a()
	field := func(s string) {
		// Each field with its length, so that text moving from one field
		// to the next still changes the sum.
		_ = binary.Write(h, binary.LittleEndian, uint64(len(s)))
		h.Write([]byte(s))
	}
	field(n.Title)
	field(string(n.HTML))
	if n.Err != nil {
		field(n.Err.Error())
	}
	for _, p := range n.Problems {
		field(p)
	}
	return fmt.Sprintf("%016x", h.Sum64())
}

func (s *Server) handleNoteChanges(c echo.Context) error {
	if !s.catalog.Watched() {
		return notFound("This server's notes are built in and never change.")
	}
	slug := c.Param("slug")
	if _, ok := s.catalog.Current().Notes.Note(slug); !ok {
		return notFound("There is no note called “" + slug + "”.")
	}
	since := c.QueryParam("since")
	ctx, cancel := context.WithTimeout(c.Request().Context(), changesStreamLifetime)
	defer cancel()

	res := c.Response()
	h := res.Header()
	h.Set(echo.HeaderContentType, "text/event-stream")
	h.Set(echo.HeaderCacheControl, "no-store")
	res.WriteHeader(http.StatusOK)
	if c.Request().Method == http.MethodHead {
		return nil // the headers are the whole answer: no waiting for a body no one reads
	}
	if _, err := fmt.Fprintf(res, "retry: %d\n\n", changesRetry.Milliseconds()); err != nil {
		return nil // the client is gone
	}
	res.Flush()

	rev, ok := s.waitForNoteChange(ctx, slug, since)
	if !ok {
		return nil
	}
	// A note deleted since is a change too: the reload shows it is gone.
	if _, err := fmt.Fprintf(res, "event: changed\ndata: %s\n\n", rev); err != nil {
		return nil
	}
	res.Flush()
	return nil
}

// waitForNoteChange waits until the note called slug has a revision other
// than since, and returns it; false if ctx ended first (the client left,
// the stream's lifetime ran out, or the server is stopping).
func (s *Server) waitForNoteChange(ctx context.Context, slug, since string) (string, bool) {
	for {
		snap := s.catalog.Current()
		n, _ := snap.Notes.Note(slug)
		if rev := noteRevision(n); rev != since {
			return rev, true
		}
		select {
		case <-snap.Replaced():
		case <-ctx.Done():
			return "", false
		}
	}
}
