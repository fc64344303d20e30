package web

import (
	"errors"
	"net/http"
	"strings"

	"github.com/labstack/echo/v4"

	"netstudy/app/live"
	"netstudy/app/session"
)

// The student side of a live quiz: GET /join is the page (the join form,
// then the whole game, driven by static/js/join.js over the live
// protocol); GET /api/join/{code} tells the form whether a code names a
// running session before it opens a connection, so a mistyped code gets a
// clear message instead of a connection that never says welcome.

// joinPage is the data of the join page.
type joinPage struct {
	Layout layout
	// Code is what to prefill: the ?code= of the QR code's link.
	Code string
	// Session is the session the code names, when it names one.
	Session *live.SessionInfo
	// CodeError says why a prefilled code cannot be joined.
	CodeError string
	// MaxNickname is the longest nickname, in characters.
	MaxNickname int
}

// maxCodeInput bounds what is echoed back of a typed code.
const maxCodeInput = 12

// cleanJoinCode keeps the digits of a code as typed or scanned ("483 920"
// is 483920); anything that is not a plausible code comes back empty.
func cleanJoinCode(raw string) string {
	if len(raw) > maxCodeInput*4 {
		return ""
	}
	var b strings.Builder
	for _, r := range raw {
		switch {
		case r >= '0' && r <= '9':
			b.WriteRune(r)
		case r == ' ' || r == '-':
		default:
			return ""
		}
	}
	if b.Len() > maxCodeInput {
		return ""
	}
	return b.String()
}

func (s *Server) handleJoin(c echo.Context) error {
	p := joinPage{
		Layout:      layout{Title: "Join a quiz", Description: "Join the live quiz on the classroom screen: type the code it shows and a nickname.", Section: "join", Scripts: []string{"js/join.js"}},
		MaxNickname: session.MaxNickname,
	}
	if raw := c.QueryParam("code"); raw != "" {
		p.Code = cleanJoinCode(raw)
		switch info, err := s.hub.Lookup(c.Request().Context(), c.RealIP(), p.Code); {
		case errors.Is(err, live.ErrTooManyAttempts):
			p.CodeError = "Too many wrong codes from this network. Wait a minute, then check the code on the screen."
		case p.Code == "" || errors.Is(err, live.ErrNoSession):
			p.CodeError = "There is no quiz running with that code. Check the code on the screen."
		case err != nil:
			return err
		case info.State == string(session.Ended):
			p.CodeError = "That quiz has ended."
			p.Session = &info
		default:
			p.Session = &info
		}
	}
	// The page changes with every session: never serve it from a cache.
	c.Response().Header().Set("Cache-Control", "no-store")
	return s.renderOK(c, "join", p)
}

// joinLookup is what the join form learns about a code.
type joinLookup struct {
	Code  string `json:"code"`
	Title string `json:"title"`
	State string `json:"state"`
}

func (s *Server) handleAPIJoinLookup(c echo.Context) error {
	code := cleanJoinCode(c.Param("code"))
	info, err := s.hub.Lookup(c.Request().Context(), c.RealIP(), code)
	if errors.Is(err, live.ErrTooManyAttempts) {
		return echo.NewHTTPError(http.StatusTooManyRequests, "Too many wrong codes from this network. Wait a minute, then try again.")
	}
	if code == "" || errors.Is(err, live.ErrNoSession) {
		return notFound("There is no quiz running with that code.")
	}
	if err != nil {
		return err
	}
	c.Response().Header().Set("Cache-Control", "no-store")
	return c.JSON(http.StatusOK, joinLookup{Code: info.Code, Title: info.Title, State: info.State})
}
