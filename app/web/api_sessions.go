package web

import (
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"strings"

	"github.com/labstack/echo/v4"

	"netstudy/app/live"
	"netstudy/app/quiz"
	"netstudy/app/session"
)

// apiInstructor lets scripts (the load test) act as the instructor with
// "Authorization: Bearer <instructor key>"; browsers use the cookie.
func (s *Server) apiInstructor(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		if s.bearerKey(c) {
			return next(c)
		}
		if ck, err := c.Cookie(live.CookieName); err == nil && s.auth.CheckInstructorCookie(ck.Value) {
			return next(c)
		}
		return echo.NewHTTPError(http.StatusForbidden, "Only the instructor can do that.")
	}
}

// bearerKey reports whether the request carries the instructor key as a
// bearer token.
func (s *Server) bearerKey(c echo.Context) bool {
	key, ok := strings.CutPrefix(c.Request().Header.Get("Authorization"), "Bearer ")
	return ok && s.auth.CheckKey(key)
}

// A session created by a script is bounded as one set up in the form is:
// its title by maxTitle, and the whole request by maxCreateSessionBody,
// room for maxTypedQuestions questions of every choice and answer a
// question may have.
const (
	maxCreateSessionBody = 1 << 20
	maxTypedQuestions    = 200
)

type apiCreateSession struct {
	Title     string                `json:"title"`
	QuizID    string                `json:"quiz_id"`
	Questions []live.ClientQuestion `json:"questions"`
	Options   *session.Options      `json:"options"`
}

type apiSessionCreated struct {
	ID      string `json:"id"`
	Code    string `json:"code"`
	JoinURL string `json:"join_url"`
}

// handleAPICreateSession starts a live session from a quiz of the catalog
// and/or questions given in the request.
func (s *Server) handleAPICreateSession(c echo.Context) error {
	var req apiCreateSession
	c.Request().Body = http.MaxBytesReader(c.Response(), c.Request().Body, maxCreateSessionBody)
	// Unknown fields are refused: a script that says "quiz" for "quiz_id"
	// must hear about it, not get an empty session called "Live quiz".
	dec := json.NewDecoder(c.Request().Body)
	dec.DisallowUnknownFields()
	if err := dec.Decode(&req); err != nil || dec.More() {
		var tooBig *http.MaxBytesError
		if errors.As(err, &tooBig) {
			return echo.NewHTTPError(http.StatusRequestEntityTooLarge, fmt.Sprintf("The session is too large: at most %d KiB.", maxCreateSessionBody>>10))
		}
		if field, ok := strings.CutPrefix(fmt.Sprint(err), "json: unknown field "); ok {
			return echo.NewHTTPError(http.StatusBadRequest, "Unknown field "+field+": the body is JSON with title, quiz_id, questions and options.")
		}
		return echo.NewHTTPError(http.StatusBadRequest, "The body must be JSON: {title, quiz_id, questions, options}.")
	}
	if n := len([]rune(strings.TrimSpace(req.Title))); n > maxTitle {
		return echo.NewHTTPError(http.StatusBadRequest, fmt.Sprintf("A title has at most %d characters; this one has %d.", maxTitle, n))
	}
	if len(req.Questions) > maxTypedQuestions {
		return echo.NewHTTPError(http.StatusBadRequest, fmt.Sprintf("A session has at most %d typed questions; this one has %d.", maxTypedQuestions, len(req.Questions)))
	}
	setup := live.Setup{Title: strings.TrimSpace(req.Title), Options: session.DefaultOptions()}
	if req.Options != nil {
		setup.Options = *req.Options
	}
	if req.QuizID != "" {
		z, ok := s.catalog.Current().Quizzes.Quiz(req.QuizID)
		if !ok {
			return notFound("There is no quiz called “" + req.QuizID + "”.")
		}
		setup.Questions = append(setup.Questions, z.Questions...)
		setup.Source = "quiz:" + z.ID
		if setup.Title == "" {
			setup.Title = z.Title
		}
	}
	for i, cq := range req.Questions {
		q, err := cq.Question()
		if err != nil {
			return echo.NewHTTPError(http.StatusBadRequest, fmt.Sprintf("Question %d: %v.", i+1, err))
		}
		q.ID = fmt.Sprintf("typed-%d", i+1)
		if q.Kind == "" {
			q.Kind = quiz.Single
		}
		if err := session.ValidateQuestion(&q); err != nil {
			return echo.NewHTTPError(http.StatusBadRequest, fmt.Sprintf("Question %d: %v.", i+1, err))
		}
		setup.Questions = append(setup.Questions, q)
	}
	if setup.Title == "" {
		setup.Title = "Live quiz"
	}
	info, err := s.hub.Create(c.Request().Context(), setup)
	if errors.Is(err, live.ErrClusterUnreachable) {
		return clusterUnreachable(c, err)
	}
	if err != nil {
		return fmt.Errorf("create session: %w", err)
	}
	return c.JSON(http.StatusCreated, apiSessionCreated{ID: info.ID, Code: info.Code, JoinURL: "/join?code=" + info.Code})
}

// cantReachNATS is what a teacher or a script is told when a new session
// cannot be recorded because NATS is out of reach: nothing is wrong with
// the request, and the same request may work in a moment.
const cantReachNATS = "This server cannot reach NATS, where the live sessions are kept, so the session was not created. Try again in a moment."

// cantListWithoutNATS is the host page's message when NATS is out of
// reach and the sessions cannot be listed.
const cantListWithoutNATS = "This server cannot reach NATS, where the live sessions are kept, so they cannot be listed or started right now. Try again in a moment."

// retryAfter is the Retry-After of that refusal, in seconds: about the
// time NATS takes to elect a leader or a client to reconnect.
const retryAfter = "5"

// clusterUnreachable refuses a request with 503 and cantReachNATS,
// logging the cause for the operator.
func clusterUnreachable(c echo.Context, err error) error {
	c.Response().Header().Set("Retry-After", retryAfter)
	return echo.NewHTTPError(http.StatusServiceUnavailable, cantReachNATS).SetInternal(err)
}
