package web

import (
	"errors"
	"net/http"
	"strconv"

	"github.com/labstack/echo/v4"

	"netstudy/app/live"
	"netstudy/app/quiz"
	"netstudy/app/session"
)

// The instructor's home, GET /host: the sessions (running and past) and
// the form that hosts a new one, POST /host/sessions. The rest of the
// instructor's side is in host_*.go: sign-in, the dashboard and projector
// pages, join links and QR codes. The live part runs in the browser
// (static/js/host.js, present.js) over the live protocol.

// hostPage is the data of /host.
type hostPage struct {
	Layout     layout
	Running    []live.RunningSession
	Past       []live.SessionInfo
	Quizzes    []*quiz.Quiz
	Notes      []noteChoice
	TimeLimits []timeLimitChoice
	MaxTitle   int // the title field's maxlength: session.MaxTitle
	Form       newSessionForm
	Error      string
}

// noteChoice is a note that can become a session.
type noteChoice struct {
	Slug, Title string
	Questions   int
}

// timeLimitChoice is one option of a time-limit select.
type timeLimitChoice struct {
	Seconds int
	Label   string
}

func timeLimitOptions() []timeLimitChoice {
	out := make([]timeLimitChoice, 0, len(timeLimitChoices))
	for _, s := range timeLimitChoices {
		label := strconv.Itoa(s) + " seconds"
		if s == 0 {
			label = "No limit (I close each question)"
		}
		out = append(out, timeLimitChoice{Seconds: s, Label: label})
	}
	return out
}

// handleHost is GET /host. With ?key= it signs the instructor in and
// redirects to itself without the key; otherwise it needs the cookie.
func (s *Server) handleHost(c echo.Context) error {
	if c.QueryParams().Has("key") {
		return s.signInWithKey(c, c.QueryParam("key"), "/host")
	}
	if !s.isInstructor(c) {
		return c.Redirect(http.StatusSeeOther, "/host/signin")
	}
	noStore(c)
	return s.renderHostPage(c, http.StatusOK, defaultNewSessionForm(), "")
}

// renderHostPage renders the host page with the form and msg. Without
// NATS, the page still comes, with the form and a 503 that says why the
// session lists are missing: the teacher sees what is wrong, not a 500.
func (s *Server) renderHostPage(c echo.Context, status int, form newSessionForm, msg string) error {
	sessions, err := s.hub.Sessions(c.Request().Context())
	if errors.Is(err, live.ErrClusterUnreachable) {
		s.log.Warn("list sessions", "err", err)
		c.Response().Header().Set("Retry-After", retryAfter)
		status, sessions, err = http.StatusServiceUnavailable, nil, nil
		if msg == "" {
			msg = cantListWithoutNATS
		}
	}
	if err != nil {
		return err
	}
	snap := s.catalog.Current()
	page := hostPage{
		Layout:     layout{Title: "Live quizzes", Description: "Run a live quiz for the class: pick a quiz, show the join code and follow the answers as they come in.", Section: "host", Scripts: []string{"js/host.js"}},
		Quizzes:    snap.Quizzes.Quizzes,
		TimeLimits: timeLimitOptions(),
		MaxTitle:   session.MaxTitle,
		Form:       form,
		Error:      msg,
	}
	for _, info := range sessions {
		if info.State == string(session.Ended) {
			page.Past = append(page.Past, info)
		}
	}
	if status != http.StatusServiceUnavailable {
		if page.Running, err = s.hub.Running(c.Request().Context()); err != nil {
			return err
		}
	}
	for _, n := range snap.Notes.Notes {
		if n.Err == nil && len(n.QA) > 0 {
			page.Notes = append(page.Notes, noteChoice{Slug: n.Slug, Title: n.Title, Questions: len(n.QA)})
		}
	}
	return s.render(c, status, "host", page)
}

// handleHostCreate is POST /host/sessions: it starts a session and sends
// the instructor to its dashboard. A form that cannot be used comes back
// with its message (422).
func (s *Server) handleHostCreate(c echo.Context) error {
	form, err := readNewSessionForm(c)
	var setup session.Setup
	if err == nil {
		setup, err = setupFor(s.catalog.Current(), form)
	}
	if err != nil {
		return s.renderHostPage(c, http.StatusUnprocessableEntity, form, err.Error())
	}
	info, err := s.hub.Create(c.Request().Context(), setup)
	if errors.Is(err, live.ErrClusterUnreachable) {
		// The form comes back as it was, so that sending it again is
		// one click.
		s.log.Warn("create a session", "err", err)
		c.Response().Header().Set("Retry-After", retryAfter)
		return s.renderHostPage(c, http.StatusServiceUnavailable, form, cantReachNATS)
	}
	if err != nil {
		return err
	}
	return c.Redirect(http.StatusSeeOther, "/host/sessions/"+info.ID)
}

// handleHostEnd is POST /host/sessions/{id}/end: the End button of the
// running sessions' list ends that session, as its dashboard would.
func (s *Server) handleHostEnd(c echo.Context) error {
	switch err := s.hub.End(c.Request().Context(), c.Param("id")); {
	case errors.Is(err, live.ErrNoSession):
		return notFound("There is no running session with that id.")
	case err != nil:
		return err
	}
	return c.Redirect(http.StatusSeeOther, "/host")
}
