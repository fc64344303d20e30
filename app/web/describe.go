package web

import (
	"fmt"
	"net/http"
	"strings"
	"unicode/utf8"

	"netstudy/app/notes"
	"netstudy/app/quiz"
)

// The meta descriptions of the pages made from content: search engines
// show about 155 characters, so longer ones are cut at a word.
const descriptionMax = 155

// noteDescription says what a note covers: its title and its first
// sections.
func noteDescription(n *notes.Note) string {
	var sections []string
	for _, h := range n.TOC {
		if h.Level == 2 && h.Text != "" {
			sections = append(sections, h.Text)
		}
	}
	d := "Class notes on " + n.Title + "."
	if len(sections) > 0 {
		d = "Class notes on " + n.Title + ": " + strings.Join(sections, ", ") + "."
	}
	return shortenDescription(d)
}

// practiceDescription is the quiz's own description, or what the quiz is.
func practiceDescription(z quiz.PublicQuiz) string {
	if d := strings.Join(strings.Fields(z.Description), " "); d != "" {
		return shortenDescription(d)
	}
	return shortenDescription(fmt.Sprintf("Practice quiz on %s: %d questions, with feedback and an explanation for every answer.", z.Title, len(z.Questions)))
}

// shortenDescription cuts d at the last word that fits descriptionMax.
func shortenDescription(d string) string {
	if utf8.RuneCountInString(d) <= descriptionMax {
		return d
	}
	runes := []rune(d)[:descriptionMax-1]
	cut := string(runes)
	if i := strings.LastIndex(cut, " "); i > descriptionMax/2 {
		cut = cut[:i]
	}
	return strings.TrimRight(cut, " ,.:;") + "…"
}

// sessionDescription describes a live session's instructor screen
// (screen is "Host" or "Projector").
func sessionDescription(screen, quizTitle string) string {
	what := "The instructor's dashboard"
	if screen == "Projector" {
		what = "The projector view"
	}
	return shortenDescription(what + " of the live quiz “" + quizTitle + "”.")
}

// errorDescription describes an error page by its message, or its
// status when the message is no more than the status text.
func errorDescription(status int, msg string) string {
	if msg == "" || msg == http.StatusText(status) {
		return fmt.Sprintf("Error %d: %s. The page asked for could not be shown.", status, http.StatusText(status))
	}
	return shortenDescription(msg)
}
