package web

import (
	"github.com/labstack/echo/v4"

	"netstudy/app/quiz"
)

// Self-paced practice: GET /practice lists the quizzes (and the files that
// could not be loaded), GET /practice/{quiz} renders one quiz's questions.
// The page is built from the quiz's Public form only, so no template can
// leak the key; static/js/practice.js turns the read-only list into one
// question at a time, checked by POST /api/quizzes/{id}/check.

type practiceListPage struct {
	Layout    layout
	Authored  []practiceCard
	Generated []practiceCard
	Errors    []*quiz.ParseError
	BadFiles  int // distinct files among Errors
}

// practiceCard is a quiz in the list; Live when a class is playing it
// right now, which keeps it out of practice until the class is over.
type practiceCard struct {
	*quiz.Quiz
	Live bool
}

type practiceQuizPage struct {
	Layout    layout
	Quiz      quiz.PublicQuiz
	Questions []practiceQuestion
}

// practiceQuestion is a public question with what the page shows around it.
type practiceQuestion struct {
	quiz.PublicQuestion
	Number int    // 1-based position in the quiz
	Input  string // "radio", "checkbox" or "text"
	Hint   string // how to answer, in words
}

func (s *Server) handlePractice(c echo.Context) error {
	set := s.catalog.Current().Quizzes
	page := practiceListPage{
		Layout: layout{Title: "Practice quizzes", Description: "Practice quizzes on the class notes, with feedback and an explanation for every answer, to take as often as you like.", Section: "practice"},
		Errors: set.Errors,
	}
	playing := s.hub.PlayingSources()
	for _, z := range set.Quizzes {
		card := practiceCard{Quiz: z, Live: playing["quiz:"+z.ID]}
		if z.Generated {
			page.Generated = append(page.Generated, card)
		} else {
			page.Authored = append(page.Authored, card)
		}
	}
	files := map[string]bool{}
	for _, e := range set.Errors {
		files[e.Path] = true
	}
	page.BadFiles = len(files)
	return s.renderOK(c, "practice", page)
}

func (s *Server) handlePracticeQuiz(c echo.Context) error {
	z, err := s.quizByID(c.Param("quiz"))
	if err != nil {
		return err
	}
	pz := z.Public()
	page := practiceQuizPage{
		Layout:    layout{Title: pz.Title, Description: practiceDescription(pz), Section: "practice", Scripts: []string{"js/practice.js"}},
		Quiz:      pz,
		Questions: make([]practiceQuestion, len(pz.Questions)),
	}
	for i, q := range pz.Questions {
		input, hint := answerForm(q)
		page.Questions[i] = practiceQuestion{PublicQuestion: q, Number: i + 1, Input: input, Hint: hint}
	}
	return s.renderOK(c, "practice_quiz", page)
}

// answerForm says which input a question takes and how to fill it in.
func answerForm(q quiz.PublicQuestion) (input, hint string) {
	switch q.Kind {
	case quiz.Multiple:
		return "checkbox", "Select every right answer, then check."
	case quiz.TrueFalse:
		return "radio", "True or false?"
	case quiz.Poll:
		return "radio", "A poll: there is no wrong answer."
	case quiz.Text:
		switch q.Match {
		case quiz.MatchNumber:
			return "text", "Type a number, such as 42."
		case quiz.MatchIP:
			return "text", "Type an IP address, such as 192.0.2.10 or 2001:db8::1."
		case quiz.MatchCIDR:
			return "text", "Type a prefix, such as 198.51.100.0/24; a mask (198.51.100.0/255.255.255.0) works too."
		}
		return "text", "Type your answer; capitals do not matter."
	}
	return "radio", "Choose one answer."
}
