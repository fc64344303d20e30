package content_test

import (
	"testing"

	"netstudy/app/notes"
	"netstudy/app/quiz"
	"netstudy/content"
)

// TestShippedNotesAreComplete holds every shipped note to the students'
// format: it loads without a problem, and it has questions with answers
// and a vocabulary section.
func TestShippedNotesAreComplete(t *testing.T) {
	lib := notes.Load(content.FS)
	for _, p := range lib.Problems {
		t.Errorf("loading the shipped notes: %s", p)
	}
	if len(lib.Notes) == 0 {
		t.Fatal("no shipped notes")
	}
	for _, n := range lib.Notes {
		if n.Err != nil || len(n.Problems) > 0 {
			t.Errorf("%s: error %v, problems %q", n.Path, n.Err, n.Problems)
		}
		if len(n.QA) < 5 {
			t.Errorf("%s has %d questions; a shipped note has at least 5", n.Path, len(n.QA))
		}
		for _, qa := range n.QA {
			if qa.AnswerText == "" {
				t.Errorf("%s: %q has no answer", n.Path, qa.Question)
			}
		}
		if len(n.Vocabulary) < 8 {
			t.Errorf("%s has %d vocabulary terms; a shipped note has at least 8", n.Path, len(n.Vocabulary))
		}
	}
}

// TestShippedQuizzesLoad checks that every shipped quiz parses, has 8 to
// 12 questions, and explains every question that has a right answer.
func TestShippedQuizzesLoad(t *testing.T) {
	set := quiz.LoadDir(content.FS, "quizzes")
	for _, e := range set.Errors {
		t.Errorf("shipped quiz: %v", e)
	}
	if len(set.Quizzes) == 0 {
		t.Fatal("no shipped quizzes")
	}
	for _, z := range set.Quizzes {
		if n := len(z.Questions); n < 8 || n > 12 {
			t.Errorf("%s has %d questions; a shipped quiz has 8 to 12", z.Source, n)
		}
		for _, q := range z.Questions {
			if q.Kind != quiz.Poll && q.ExplanationHTML == "" {
				t.Errorf("%s:%d: %q has no explanation", z.Source, q.Line, q.Prompt)
			}
		}
	}
}
