package quiz

import (
	"encoding/json"
	"strings"
	"testing"
)

// secretQuiz has an answer key made of words that appear nowhere else, so
// that finding one in the public JSON means a leak.
const secretQuiz = `---
title: Secrets
---
## Pick the colour

- [ ] red
- [x] Chartreuse

> Explained by zanzibar.

## Pick several

- [x] Alpha
- [x] Beta
- [ ] Gamma

## Type the word

Answers: xylophone | quagmire

> Because of walrus.

## Type the prefix

Answer: 10.99.0.0/16
Match: cidr

## Poll

Type: poll

- [ ] one
- [ ] two
`

func TestPublicHidesKey(t *testing.T) {
	z := mustParse(t, secretQuiz)
	b, err := json.Marshal(z.Public())
	if err != nil {
		t.Fatal(err)
	}
	js := string(b)
	for _, leak := range []string{"correct", "Correct", "accepted", "xylophone", "quagmire", "10.99.0.0", "zanzibar", "walrus", "explanation"} {
		if strings.Contains(js, leak) {
			t.Errorf("public JSON contains %q:\n%s", leak, js)
		}
	}

	// Parsing the JSON back as generic data catches a key that a future
	// field might add under another name: every choice object must have
	// exactly id, text and html.
	var generic struct {
		Questions []struct {
			Choices []map[string]any `json:"choices"`
		} `json:"questions"`
	}
	if err := json.Unmarshal(b, &generic); err != nil {
		t.Fatal(err)
	}
	for _, q := range generic.Questions {
		for _, c := range q.Choices {
			if len(c) != 3 || c["id"] == nil || c["text"] == nil || c["html"] == nil {
				t.Errorf("public choice has fields %v, want id, text, html", c)
			}
		}
	}
}

func TestPublicFields(t *testing.T) {
	z := mustParse(t, "---\ntime: 1m30s\n---\n## Q\n\nPoints: 7\n\n- [x] `a`\n- [ ] b\n\n## T\n\nAnswer: 1\nMatch: number\n")
	got := z.Public()
	if got.ID != "test" || got.Title != "test" || got.Source != "quizzes/test.md" || got.Generated || len(got.Questions) != 2 {
		t.Fatalf("Public() = %+v", got)
	}
	q := got.Questions[0]
	if q.ID != "q1" || q.Kind != Single || q.TimeLimitMS != 90000 || q.Points != 7 || q.Match != "" {
		t.Errorf("q1 = %+v", q)
	}
	if c := q.Choices[0]; c.ID != "a" || c.Text != "a" || c.HTML != "<code>a</code>" {
		t.Errorf("q1 choice a = %+v", c)
	}
	if q := got.Questions[1]; q.Kind != Text || q.Match != MatchNumber || q.Choices != nil {
		t.Errorf("q2 = %+v", q)
	}
	b, err := json.Marshal(got.Questions[1])
	if err != nil {
		t.Fatal(err)
	}
	want := `{"id":"q2","kind":"text","prompt":"T","prompt_html":"\u003cp\u003eT\u003c/p\u003e\n","time_limit_ms":90000,"points":100,"match":"number"}`
	if string(b) != want {
		t.Errorf("JSON = %s\nwant   %s", b, want)
	}
}

func TestKey(t *testing.T) {
	z := mustParse(t, secretQuiz)
	tests := []struct {
		q    int
		want string
	}{
		{0, `{"id":"q1","correct":["b"],"explanation_html":"\u003cp\u003eExplained by zanzibar.\u003c/p\u003e\n"}`},
		{1, `{"id":"q2","correct":["a","b"]}`},
		{2, `{"id":"q3","accepted":["xylophone","quagmire"],"match":"text","explanation_html":"\u003cp\u003eBecause of walrus.\u003c/p\u003e\n"}`},
		{3, `{"id":"q4","accepted":["10.99.0.0/16"],"match":"cidr"}`},
		{4, `{"id":"q5"}`},
	}
	for _, tt := range tests {
		b, err := json.Marshal(z.Questions[tt.q].Key())
		if err != nil {
			t.Fatal(err)
		}
		if string(b) != tt.want {
			t.Errorf("Key(q%d) = %s\nwant       %s", tt.q+1, b, tt.want)
		}
	}
	// The key is a copy: changing it must not change the quiz.
	k := z.Questions[2].Key()
	k.Accepted[0] = "changed"
	if z.Questions[2].Accepted[0] != "xylophone" {
		t.Error("Key shares its Accepted slice with the question")
	}
}
