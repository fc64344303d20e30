package web

import (
	"fmt"
	"html/template"
	"strconv"
	"strings"
	"time"

	"netstudy/app/catalog"
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

// timeLimitChoices are the defaults the form offers, in seconds; 0 is "no
// limit" (the instructor closes each question).
var timeLimitChoices = []int{10, 20, 30, 45, 60, 90, 120, 0}

// newSessionForm is what the instructor chose on the new-session form. It
// is read, not judged: session.NewSetup holds the rules.
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
	return newSessionForm{Source: sourceQuiz, TimeLimit: int(session.DefaultTimeLimit / time.Second), Options: session.DefaultOptions()}
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
	form.TimeLimit = int(session.DefaultTimeLimit / time.Second)
	if v := f.FormValue("time_limit"); v != "" {
		limit, err := strconv.Atoi(v)
		if err != nil {
			return form, fmt.Errorf("the time limit must be 0 to %d seconds", int(session.MaxTimeLimit/time.Second))
		}
		form.TimeLimit = limit
	}
	return form, nil
}

// setupFor builds the session a form asks for from the current content.
// The error is a message for the form.
func setupFor(snap *catalog.Snapshot, form newSessionForm) (session.Setup, error) {
	plan := session.Plan{
		Title:     form.Title,
		TimeLimit: session.Seconds(form.TimeLimit),
		Options:   form.Options,
	}
	switch form.Source {
	case sourceQuiz:
		z, ok := snap.Quizzes.Quiz(form.Quiz)
		if !ok {
			return session.Setup{}, fmt.Errorf("choose a quiz")
		}
		plan.Source, plan.SourceTitle, plan.Questions = "quiz:"+z.ID, z.Title, z.Questions
	case sourceNote:
		n, ok := snap.Notes.Note(form.Note)
		if !ok || n.Err != nil || len(n.QA) == 0 {
			return session.Setup{}, fmt.Errorf("choose a note that has questions")
		}
		plan.Source, plan.SourceTitle, plan.Questions = "note:"+n.Slug, n.Title, noteQuestions(n)
	}
	return session.NewSetup(plan)
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
