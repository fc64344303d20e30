package quiz

import (
	"html/template"
	"slices"
)

// PublicQuestion is a question as students may see it before the reveal:
// it is built field by field, never by copying a Question, so that a field
// added to the answer key later cannot leak through it.
type PublicQuestion struct {
	ID          string         `json:"id"`
	Kind        Kind           `json:"kind"`
	Prompt      string         `json:"prompt"`
	PromptHTML  template.HTML  `json:"prompt_html"`
	Choices     []PublicChoice `json:"choices,omitempty"`
	TimeLimitMS int64          `json:"time_limit_ms"` // 0: no limit
	Points      int            `json:"points"`
	Match       Match          `json:"match,omitempty"` // text questions only: how answers are compared is no secret
}

// PublicChoice is a choice without whether it is correct.
type PublicChoice struct {
	ID   string        `json:"id"`
	Text string        `json:"text"`
	HTML template.HTML `json:"html"`
}

// Key is the answer key of one question: what the server keeps until the
// reveal and what the instructor's screen may show.
type Key struct {
	QuestionID      string        `json:"id"`
	Correct         []string      `json:"correct,omitempty"`  // choice IDs; none for a poll
	Accepted        []string      `json:"accepted,omitempty"` // text questions
	Match           Match         `json:"match,omitempty"`
	ExplanationHTML template.HTML `json:"explanation_html,omitempty"`
}

// PublicQuiz is a quiz as students may see it: every question's Public form.
type PublicQuiz struct {
	ID          string           `json:"id"`
	Title       string           `json:"title"`
	Description string           `json:"description,omitempty"`
	Source      string           `json:"source"`
	Generated   bool             `json:"generated"`
	Questions   []PublicQuestion `json:"questions"`
}

// Public returns q without its answer key.
func (q *Question) Public() PublicQuestion {
	pq := PublicQuestion{
		ID:          q.ID,
		Kind:        q.Kind,
		Prompt:      q.Prompt,
		PromptHTML:  q.PromptHTML,
		TimeLimitMS: q.TimeLimit.Milliseconds(),
		Points:      q.Points,
	}
	if q.Kind == Text {
		pq.Match = q.Match
		if pq.Match == "" {
			pq.Match = MatchText
		}
	}
	for _, c := range q.Choices {
		pq.Choices = append(pq.Choices, PublicChoice{ID: c.ID, Text: c.Text, HTML: c.HTML})
	}
	return pq
}

// Key returns q's answer key. The slices are copies: the caller may keep
// or change them without touching the quiz, which is shared.
func (q *Question) Key() Key {
	k := Key{QuestionID: q.ID, ExplanationHTML: q.ExplanationHTML}
	for _, c := range q.Choices {
		if c.Correct {
			k.Correct = append(k.Correct, c.ID)
		}
	}
	if q.Kind == Text {
		k.Accepted = slices.Clone(q.Accepted)
		k.Match = q.Match
		if k.Match == "" {
			k.Match = MatchText
		}
	}
	return k
}

// Public returns z without any answer key.
func (z *Quiz) Public() PublicQuiz {
	pz := PublicQuiz{
		ID:          z.ID,
		Title:       z.Title,
		Description: z.Description,
		Source:      z.Source,
		Generated:   z.Generated,
		Questions:   make([]PublicQuestion, len(z.Questions)),
	}
	for i := range z.Questions {
		pz.Questions[i] = z.Questions[i].Public()
	}
	return pz
}
