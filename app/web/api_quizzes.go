package web

import (
	"encoding/json"
	"errors"
	"html/template"
	"net/http"
	"net/url"
	"strings"

	"github.com/labstack/echo/v4"

	"netstudy/app/quiz"
)

// The quiz API (ARCHITECTURE.md): GET /api/quizzes lists every quiz, authored and
// generated, with the problems of the files that could not be loaded (the
// teacher must see them); GET /api/quizzes/{id} is one quiz WITHOUT its
// answer key; POST /api/quizzes/{id}/check checks one answer and only then
// reveals that one question's key. Because the key never leaves the server
// before an answer does, practice checking is the server's job.

// maxCheckBody bounds a check request: a question has at most 26 choices
// and a typed answer at most quiz.MaxAnswerLen characters, so a few KiB is
// generous and anything larger is not an honest client.
const maxCheckBody = 16 << 10

type (
	apiQuizSummary struct {
		ID          string `json:"id"`
		Title       string `json:"title"`
		Description string `json:"description,omitempty"`
		Source      string `json:"source"`
		Generated   bool   `json:"generated"`
		Questions   int    `json:"questions"`
		URL         string `json:"url"` // the practice page
	}
	apiQuizList struct {
		Quizzes []apiQuizSummary `json:"quizzes"`
		Errors  []apiQuizError   `json:"errors"` // broken files; never null
	}
	apiQuizError struct {
		Path    string `json:"path"`
		Line    int    `json:"line"` // 1-based; 0 for the file as a whole
		Message string `json:"message"`
	}
	apiCheckRequest struct {
		QuestionID string   `json:"question_id"`
		Choices    []string `json:"choices"`
		Text       string   `json:"text"`
	}
	// apiCheckResult is one question's verdict and, since the student has
	// now answered it, that question's key.
	apiCheckResult struct {
		QuestionID      string        `json:"question_id"`
		Correct         bool          `json:"correct"`
		Poll            bool          `json:"poll"`            // no right answer: nothing is wrong
		CorrectChoices  []string      `json:"correct_choices"` // choice IDs; empty for text and polls
		Accepted        []string      `json:"accepted"`        // text questions: the accepted answers
		Match           quiz.Match    `json:"match,omitempty"` // text questions: how they were compared
		ExplanationHTML template.HTML `json:"explanation_html"`
	}
)

func summarizeQuiz(z *quiz.Quiz) apiQuizSummary {
	return apiQuizSummary{
		ID:          z.ID,
		Title:       z.Title,
		Description: z.Description,
		Source:      z.Source,
		Generated:   z.Generated,
		Questions:   len(z.Questions),
		URL:         "/practice/" + url.PathEscape(z.ID),
	}
}

func quizErrors(set *quiz.Set) []apiQuizError {
	out := make([]apiQuizError, 0, len(set.Errors))
	for _, e := range set.Errors {
		out = append(out, apiQuizError{Path: e.Path, Line: max(e.Line, 0), Message: e.Msg})
	}
	return out
}

func (s *Server) handleAPIQuizzes(c echo.Context) error {
	set := s.catalog.Current().Quizzes
	out := apiQuizList{Quizzes: make([]apiQuizSummary, 0, len(set.Quizzes)), Errors: quizErrors(set)}
	for _, z := range set.Quizzes {
		out.Quizzes = append(out.Quizzes, summarizeQuiz(z))
	}
	return c.JSON(http.StatusOK, out)
}

// quizByID finds a quiz of the current snapshot or fails with a 404.
func (s *Server) quizByID(id string) (*quiz.Quiz, error) {
	z, ok := s.catalog.Current().Quizzes.Quiz(id)
	if !ok {
		return nil, notFound("There is no quiz called “" + id + "”.")
	}
	return z, nil
}

func (s *Server) handleAPIQuiz(c echo.Context) error {
	z, err := s.quizByID(c.Param("id"))
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, z.Public()) // Public: never the key
}

func (s *Server) handleAPIQuizCheck(c echo.Context) error {
	z, err := s.quizByID(c.Param("id"))
	if err != nil {
		return err
	}
	// Checking reveals a question's key; while the class plays this quiz
	// live, that would be a way to cheat.
	if s.hub.SourceLive("quiz:" + z.ID) {
		return echo.NewHTTPError(http.StatusConflict, "This quiz is being played live right now. Practise it after the class.")
	}
	var req apiCheckRequest
	body := http.MaxBytesReader(c.Response(), c.Request().Body, maxCheckBody)
	if err := json.NewDecoder(body).Decode(&req); err != nil {
		var tooBig *http.MaxBytesError
		if errors.As(err, &tooBig) {
			return echo.NewHTTPError(http.StatusRequestEntityTooLarge, "The answer is too large.")
		}
		return echo.NewHTTPError(http.StatusBadRequest,
			`The answer must be JSON: {"question_id": "q1", "choices": ["a"]} or {"question_id": "q1", "text": "…"}.`)
	}
	var q *quiz.Question
	for i := range z.Questions {
		if z.Questions[i].ID == req.QuestionID {
			q = &z.Questions[i]
			break
		}
	}
	if q == nil {
		return notFound("The quiz “" + z.Title + "” has no question “" + req.QuestionID + "”.")
	}
	a := quiz.Answer{Choices: req.Choices, Text: req.Text}
	if err := q.Validate(a); err != nil {
		msg := err.Error() // "invalid answer to q3: the answer is empty"
		return echo.NewHTTPError(http.StatusBadRequest, strings.ToUpper(msg[:1])+msg[1:]+".")
	}
	k := q.Key()
	out := apiCheckResult{
		QuestionID:      q.ID,
		Correct:         q.Check(a),
		Poll:            q.Kind == quiz.Poll,
		CorrectChoices:  checkList(k.Correct),
		Accepted:        checkList(k.Accepted),
		Match:           k.Match,
		ExplanationHTML: k.ExplanationHTML,
	}
	return c.JSON(http.StatusOK, out)
}

// checkList makes an absent list encode as [] rather than null, so clients can
// iterate without a check.
func checkList(s []string) []string {
	if s == nil {
		return []string{}
	}
	return s
}
