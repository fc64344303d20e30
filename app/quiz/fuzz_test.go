package quiz

import (
	"encoding/json"
	"errors"
	"fmt"
	"html"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"unicode/utf8"
)

// FuzzParse feeds Parse arbitrary bytes. Beyond "no panic", it checks that
// whatever Parse accepts is a quiz the live session can run safely, and
// that whatever it rejects is explained with a line in the file. Seeds:
// testdata/fuzz/FuzzParse plus every example and broken fixture.
func FuzzParse(f *testing.F) {
	for _, pattern := range []string{"testdata/quizzes/*.md", "testdata/bad/*.md"} {
		files, err := filepath.Glob(pattern)
		if err != nil {
			f.Fatal(err)
		}
		for _, file := range files {
			src, err := os.ReadFile(file)
			if err != nil {
				f.Fatal(err)
			}
			f.Add(src)
		}
	}
	f.Fuzz(func(t *testing.T, src []byte) {
		const path = "quizzes/fuzz.md"
		z, err := Parse(path, src)
		if err != nil {
			if z != nil {
				t.Fatal("Parse returned a quiz and an error")
			}
			var list ErrorList
			if !errors.As(err, &list) || len(list) == 0 {
				t.Fatalf("error %v is not a non-empty ErrorList", err)
			}
			lines := strings.Count(string(src), "\n") + strings.Count(string(src), "\r") + 1
			for _, e := range list {
				if e.Path != path || e.Line < 0 || e.Line > lines || e.Msg == "" {
					t.Errorf("bad error %+v (file has %d lines)", e, lines)
				}
				if strings.HasPrefix(e.Msg, "internal error") {
					t.Errorf("Parse panicked: %v", e)
				}
			}
			return
		}
		checkQuiz(t, z)
	})
}

// checkQuiz asserts what every playable quiz, authored or generated,
// guarantees to the code that runs it.
func checkQuiz(t *testing.T, z *Quiz) {
	t.Helper()
	if z.ID == "" || z.Title == "" || len(z.Questions) == 0 {
		t.Fatalf("quiz %q %q has %d questions", z.ID, z.Title, len(z.Questions))
	}
	for i := range z.Questions {
		q := &z.Questions[i]
		name := z.ID + " " + q.ID
		if want := fmt.Sprintf("q%d", i+1); q.ID != want {
			t.Errorf("%s: ID, want %s", name, want)
		}
		if q.Prompt == "" || !utf8.ValidString(q.Prompt) {
			t.Errorf("%s: prompt %q", name, q.Prompt)
		}
		if q.TimeLimit != 0 && (q.TimeLimit < minTimeLimit || q.TimeLimit > maxTimeLimit) {
			t.Errorf("%s: time limit %v", name, q.TimeLimit)
		}
		if q.Points < 0 || q.Points > maxPoints {
			t.Errorf("%s: points %d", name, q.Points)
		}
		checkNoScript(t, name, q)

		k := q.Key()
		switch q.Kind {
		case Single, TrueFalse, Multiple, Poll:
			checkChoices(t, name, q)
			switch {
			case (q.Kind == Single || q.Kind == TrueFalse) && len(k.Correct) != 1:
				t.Errorf("%s: %s question with %d correct choices", name, q.Kind, len(k.Correct))
			case q.Kind == Multiple && len(k.Correct) == 0:
				t.Errorf("%s: multiple-choice question with no correct choice", name)
			case q.Kind == Poll && (len(k.Correct) != 0 || q.Points != 0):
				t.Errorf("%s: poll with %d correct choices and %d points", name, len(k.Correct), q.Points)
			}
			if q.Kind != Poll && !q.Check(Answer{Choices: k.Correct}) {
				t.Errorf("%s: the key %v is judged wrong", name, k.Correct)
			}
		case Text:
			if len(q.Choices) != 0 || len(q.Accepted) == 0 {
				t.Errorf("%s: text question with %d choices and %d accepted answers", name, len(q.Choices), len(q.Accepted))
			}
			switch q.Match {
			case MatchText, MatchNumber, MatchIP, MatchCIDR:
			default:
				t.Errorf("%s: match %q", name, q.Match)
			}
			for _, acc := range q.Accepted {
				a := Answer{Text: acc}
				if err := q.Validate(a); err != nil || !q.Check(a) {
					t.Errorf("%s: accepted answer %q: valid %v, right %v", name, acc, err, q.Check(a))
				}
			}
		default:
			t.Errorf("%s: kind %q", name, q.Kind)
		}

		b, err := json.Marshal(q.Public())
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		for _, key := range []string{`"correct"`, `"accepted"`, `"explanation_html"`} {
			if strings.Contains(string(b), key+":") {
				t.Errorf("%s: public JSON has %s", name, key)
			}
		}
	}
}

func checkChoices(t *testing.T, name string, q *Question) {
	t.Helper()
	if len(q.Choices) < 2 || len(q.Choices) > maxChoices || len(q.Accepted) != 0 {
		t.Errorf("%s: %d choices, %d accepted answers", name, len(q.Choices), len(q.Accepted))
	}
	ids, texts := map[string]bool{}, map[string]bool{}
	for _, c := range q.Choices {
		if c.ID == "" || ids[c.ID] || c.Text == "" || texts[strings.ToLower(c.Text)] {
			t.Errorf("%s: choice %+v is blank or repeated", name, c)
		}
		ids[c.ID], texts[strings.ToLower(c.Text)] = true, true
	}
	if q.Kind == TrueFalse && (!ids["true"] || !ids["false"]) {
		t.Errorf("%s: true/false choice IDs %v", name, ids)
	}
}

// In rendered HTML, text never holds a raw "<" or '"' (goldmark escapes
// them), so these only match real tags and attributes.
var (
	dangerousTag  = regexp.MustCompile(`(?i)<(script|iframe|object|embed|style|svg|math)\b|<[a-z][^>]*\son[a-z]+\s*=`)
	urlAttributes = regexp.MustCompile(`(?i)\s(?:href|src)="([^"]*)"`)
)

// checkNoScript looks for markup that could run. URLs are unescaped first,
// so that an entity cannot hide a scheme from the check.
func checkNoScript(t *testing.T, name string, q *Question) {
	t.Helper()
	all := string(q.PromptHTML) + string(q.ExplanationHTML)
	for _, c := range q.Choices {
		all += string(c.HTML)
	}
	if m := dangerousTag.FindString(all); m != "" {
		t.Errorf("%s: rendered HTML contains %q", name, m)
	}
	for _, m := range urlAttributes.FindAllStringSubmatch(all, -1) {
		u := strings.ToLower(strings.TrimSpace(html.UnescapeString(m[1])))
		if strings.HasPrefix(u, "javascript:") || strings.HasPrefix(u, "vbscript:") {
			t.Errorf("%s: rendered HTML links to %q", name, m[1])
		}
	}
}

// TestGeneratedQuizzesArePlayable holds generated quizzes to the same
// guarantees as parsed ones.
func TestGeneratedQuizzesArePlayable(t *testing.T) {
	for _, z := range Generate(testNotes()) {
		checkQuiz(t, z)
	}
	for _, z := range loadExamples(t) {
		checkQuiz(t, z)
	}
}
