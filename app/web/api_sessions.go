package web

import (
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/labstack/echo/v4"

	"netstudy/app/auth"
	"netstudy/app/live"
	"netstudy/app/session"
)

// apiInstructor lets scripts (the load test) act as the instructor with
// "Authorization: Bearer <instructor key>"; browsers use the cookie.
func (s *Server) apiInstructor(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		if s.bearerKey(c) {
			return next(c)
		}
		if ck, err := c.Cookie(auth.CookieName); err == nil && s.auth.CheckInstructorCookie(ck.Value) {
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

// A session created by a script follows the rules of one set up in the
// form (session.NewSetup); the request itself is bounded by
// maxCreateSessionBody, room for maxTypedQuestions questions of every
// choice and answer a question may have.
const (
	maxCreateSessionBody = 1 << 20
	maxTypedQuestions    = 200
)

type apiCreateSession struct {
	Title     string                `json:"title"`
	QuizID    string                `json:"quiz_id"`
	Questions []live.ClientQuestion `json:"questions"`
	Options   *session.Options      `json:"options"`
	// TimeLimitSeconds is given to the questions without their own limit,
	// as the form's time limit is: absent, session.DefaultTimeLimit; 0,
	// none.
	TimeLimitSeconds *int `json:"time_limit_seconds"`
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
	// must hear about it, not get an empty session called "Live questions".
	dec := json.NewDecoder(c.Request().Body)
	dec.DisallowUnknownFields()
	if err := dec.Decode(&req); err != nil || dec.More() {
		var tooBig *http.MaxBytesError
		if errors.As(err, &tooBig) {
			return echo.NewHTTPError(http.StatusRequestEntityTooLarge, fmt.Sprintf("The session is too large: at most %d KiB.", maxCreateSessionBody>>10))
		}
		if field, ok := strings.CutPrefix(fmt.Sprint(err), "json: unknown field "); ok {
			return echo.NewHTTPError(http.StatusBadRequest, "Unknown field "+field+": the body is JSON with title, quiz_id, questions, options and time_limit_seconds.")
		}
		return echo.NewHTTPError(http.StatusBadRequest, "The body must be JSON: {title, quiz_id, questions, options, time_limit_seconds}.")
	}
	if len(req.Questions) > maxTypedQuestions {
		return echo.NewHTTPError(http.StatusBadRequest, fmt.Sprintf("A session has at most %d typed questions; this one has %d.", maxTypedQuestions, len(req.Questions)))
	}
	plan := session.Plan{Title: req.Title, TimeLimit: session.DefaultTimeLimit, Options: session.DefaultOptions()}
	if req.Options != nil {
		plan.Options = *req.Options
	}
	if req.TimeLimitSeconds != nil {
		plan.TimeLimit = session.Seconds(*req.TimeLimitSeconds)
	}
	if req.QuizID != "" {
		z, ok := s.catalog.Current().Quizzes.Quiz(req.QuizID)
		if !ok {
			return notFound("There is no quiz called “" + req.QuizID + "”.")
		}
		plan.Source, plan.SourceTitle, plan.Questions = "quiz:"+z.ID, z.Title, z.Questions
	}
	for _, cq := range req.Questions {
		plan.Typed = append(plan.Typed, cq.Question())
	}
	setup, err := session.NewSetup(plan)
	if err != nil {
		return echo.NewHTTPError(http.StatusBadRequest, sentence(err))
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

// sentence makes a message for a form ("a title has…") one for an API
// client: capitalised, with a full stop.
func sentence(err error) string {
	msg := err.Error()
	r, size := utf8.DecodeRuneInString(msg)
	return string(unicode.ToUpper(r)) + msg[size:] + "."
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
