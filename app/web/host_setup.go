package web

import (
	"cmp"
	"fmt"
	"html/template"
	"strconv"
	"strings"
	"time"

	"netstudy/app/catalog"
	"netstudy/app/live"
	"netstudy/app/notes"
	"netstudy/app/quiz"
	"netstudy/app/session"
)

// What a new session can be made from: the new-session form's "source".
const (
	sourceQuiz  = "quiz"
	sourceNote  = "note"
	sourceEmpty = "empty"
)

// defaultTimeLimit is the limit given, unless the form says otherwise, to
// the questions that have none of their own, so that every question ends
// by itself.
const defaultTimeLimit = 30 * time.Second

// maxTitle bounds a session's title, in characters: it must fit the
// projector's heading and the phones'.
const maxTitle = 120

// timeLimitChoices are the defaults the form offers, in seconds; 0 is "no
// limit" (the instructor closes each question).
var timeLimitChoices = []int{10, 20, 30, 45, 60, 90, 120, 0}

// newSessionForm is what the instructor chose on the new-session form.
type newSessionForm struct {
	Source    string
	Quiz      string // quiz ID, for sourceQuiz
	Note      string // note slug, for sourceNote
	Title     string // optional; the quiz's or note's title otherwise
	TimeLimit int    // seconds, for questions without their own; 0: none
	Options   session.Options
}

// defaultNewSessionForm is the form as first shown.
func defaultNewSessionForm() newSessionForm {
	return newSessionForm{Source: sourceQuiz, TimeLimit: int(defaultTimeLimit / time.Second), Options: session.DefaultOptions()}
}

// formValues is the part of echo.Context that reading the form needs.
type formValues interface{ FormValue(string) string }

// readNewSessionForm parses the form; the error is a message for the form.
func readNewSessionForm(f formValues) (newSessionForm, error) {
	form := newSessionForm{
		Source: f.FormValue("source"),
		Quiz:   strings.TrimSpace(f.FormValue("quiz")),
		Note:   strings.TrimSpace(f.FormValue("note")),
		Title:  strings.TrimSpace(f.FormValue("title")),
		Options: session.Options{
			ShowQuestionOnPhones: f.FormValue("show_question_on_phones") != "",
			AllowLateJoin:        f.FormValue("allow_late_join") != "",
			SpeedPoints:          f.FormValue("speed_points") != "",
		},
	}
	switch form.Source {
	case sourceQuiz, sourceNote, sourceEmpty:
	default:
		return form, fmt.Errorf("choose where the questions come from")
	}
	if len([]rune(form.Title)) > maxTitle {
		return form, fmt.Errorf("a title has at most %d characters", maxTitle)
	}
	limit, err := strconv.Atoi(cmp.Or(f.FormValue("time_limit"), "30"))
	if err != nil || limit < 0 || limit > 3600 {
		return form, fmt.Errorf("the time limit must be 0 to 3600 seconds")
	}
	form.TimeLimit = limit
	return form, nil
}

// setupFor builds the session a form asks for from the current content.
// The error is a message for the form.
func setupFor(snap *catalog.Snapshot, form newSessionForm) (live.Setup, error) {
	setup := live.Setup{Options: form.Options}
	switch form.Source {
	case sourceQuiz:
		z, ok := snap.Quizzes.Quiz(form.Quiz)
		if !ok {
			return setup, fmt.Errorf("choose a quiz")
		}
		setup.Title, setup.Source = z.Title, "quiz:"+z.ID
		setup.Questions = withTimeLimit(z.Questions, time.Duration(form.TimeLimit)*time.Second)
	case sourceNote:
		n, ok := snap.Notes.Note(form.Note)
		if !ok || n.Err != nil || len(n.QA) == 0 {
			return setup, fmt.Errorf("choose a note that has questions")
		}
		setup.Title, setup.Source = n.Title, "note:"+n.Slug
		setup.Questions = withTimeLimit(noteQuestions(n), time.Duration(form.TimeLimit)*time.Second)
	default:
		setup.Title = "Live questions"
	}
	if form.Title != "" {
		setup.Title = form.Title
	}
	return setup, nil
}

// withTimeLimit copies qs, giving limit to the questions without one. The
// questions' slices stay shared: the session copies them before use.
func withTimeLimit(qs []quiz.Question, limit time.Duration) []quiz.Question {
	out := make([]quiz.Question, len(qs))
	copy(out, qs)
	for i := range out {
		if out[i].TimeLimit == 0 {
			out[i].TimeLimit = limit
		}
	}
	return out
}

// noteConfidence are the choices of a question made from a note's Q&A pair.
var noteConfidence = []string{"I knew it", "Partly", "Not yet"}

// noteQuestions turns a note's question/answer pairs into live questions.
// A written answer is prose that no program can mark, so each pair becomes
// a poll: the class says how well it knew the answer, then the reveal shows
// the note's answer as the explanation and the histogram shows the teacher
// what to go over again. Polls score nothing, so nobody is ranked on it.
func noteQuestions(n *notes.Note) []quiz.Question {
	qs := make([]quiz.Question, 0, len(n.QA))
	for i, qa := range n.QA {
		q := quiz.Question{
			ID:              "n" + strconv.Itoa(i+1),
			Kind:            quiz.Poll,
			Prompt:          qa.Question,
			PromptHTML:      template.HTML(template.HTMLEscapeString(qa.Question)),
			ExplanationHTML: qa.AnswerHTML,
		}
		for j, label := range noteConfidence {
			q.Choices = append(q.Choices, quiz.Choice{
				ID: string(rune('a' + j)), Text: label, HTML: template.HTML(template.HTMLEscapeString(label)),
			})
		}
		qs = append(qs, q)
	}
	return qs
}
