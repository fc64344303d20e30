package study

import (
	"encoding/json"
	"os"
	"testing"

	"netstudy/app/quiz"
)

// The Write mode checks typed terms in the browser (static/js/answer.js)
// with the quizzes' rule for text answers. This test holds the quizzes'
// Go code to the shared table: every "right" row is a right answer to a
// text question, and every other row is not. The browser test
// TestWriteAnswerRulesAgreeWithQuizzes runs answer.js over the same table.
func TestAnswerMatchTableAgreesWithQuizzes(t *testing.T) {
	raw, err := os.ReadFile("testdata/answer_match.json")
	if err != nil {
		t.Fatal(err)
	}
	var rows []struct{ Typed, Accepted, Want string }
	if err := json.Unmarshal(raw, &rows); err != nil {
		t.Fatalf("answer_match.json: %v", err)
	}
	if len(rows) < 20 {
		t.Fatalf("only %d rows", len(rows))
	}
	for _, r := range rows {
		q := &quiz.Question{Kind: quiz.Text, Match: quiz.MatchText, Accepted: []string{r.Accepted}}
		if got := q.Check(quiz.Answer{Text: r.Typed}); got != (r.Want == "right") {
			t.Errorf("quiz accepts %q for %q: %v; the table says %q", r.Typed, r.Accepted, got, r.Want)
		}
	}
}
