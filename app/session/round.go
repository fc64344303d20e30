package session

import (
	"cmp"
	"maps"
	"slices"
	"strings"
	"time"
	"unicode/utf8"

	"netstudy/app/quiz"
)

// round is one asking of a question. A question asked again (Reask) gets a
// new round with fresh answers, so both histograms survive side by side.
type round struct {
	q      int // index in Session.questions
	number int // 1-based ordinal of the question among those asked
	round  int // 1 for the first asking of the question, 2 for a reask...

	openedAt time.Time
	closedAt time.Time // zero while open
	limit    time.Duration
	deadline time.Time            // the class's deadline; zero: no limit
	latest   time.Time            // the latest deadline, extensions included
	extended map[string]time.Time // personal deadlines by participant ID

	// Captured at asking, so that changing the options mid-question
	// changes neither the scoring nor what phones show of it.
	speed      bool
	showPrompt bool

	answers  map[string]*answer // by participant ID
	order    []*answer          // arrival order, which results report
	tally    tally
	revealed bool
	// reveal is the revealed payload, built once at the reveal: the round
	// is frozen from then on, and a whole class reconnecting asks for it
	// thousands of times.
	reveal *RevealedPayload
}

// answer is one accepted answer.
type answer struct {
	participant string
	command     string
	answer      quiz.Answer
	at          time.Time
	elapsed     time.Duration
	right       bool
	points      int // what it earns if its round is the one that counts
	result      AnswerResult
}

// deadlineFor returns the deadline that applies to one participant: their
// extension if they have one, the class's otherwise (zero: no limit).
func (r *round) deadlineFor(id string) time.Time {
	if d, ok := r.extended[id]; ok {
		return d
	}
	return r.deadline
}

// remove takes a participant's answer out of the round (they were kicked
// before it was revealed): it no longer counts anywhere.
func (r *round) remove(id string) bool {
	a, ok := r.answers[id]
	if !ok {
		return false
	}
	delete(r.answers, id)
	r.order = slices.DeleteFunc(r.order, func(x *answer) bool { return x == a })
	r.tally.add(a.answer, -1)
	return true
}

// rightCount is how many accepted answers are right.
func (r *round) rightCount() int {
	n := 0
	for _, a := range r.order {
		if a.right {
			n++
		}
	}
	return n
}

// maxTextBuckets is how many distinct typed answers a histogram lists; the
// rest are counted together, so that a class of 10,000 free-typing phones
// cannot make every broadcast huge.
const maxTextBuckets = 20

// maxBucketRunes shortens the typed answers used as histogram labels.
const maxBucketRunes = 40

// tally counts answers for the histograms as they arrive.
type tally struct {
	answered int
	choices  map[string]int // choice questions: every choice ID, even at 0
	text     map[string]int // text questions: by normalised answer
	first    []string       // text keys in order of first appearance
}

func newTally(q *quiz.Question) tally {
	t := tally{}
	if q.Kind == quiz.Text {
		t.text = make(map[string]int)
		return t
	}
	t.choices = make(map[string]int, len(q.Choices))
	for _, c := range q.Choices {
		t.choices[c.ID] = 0
	}
	return t
}

// add counts a (delta +1) or uncounts it (-1).
func (t *tally) add(a quiz.Answer, delta int) {
	t.answered += delta
	if t.text == nil {
		for _, id := range a.Choices {
			if _, ok := t.choices[id]; ok {
				t.choices[id] += delta
			}
		}
		return
	}
	k := bucket(a.Text)
	n := t.text[k] + delta
	switch {
	case n > 0 && t.text[k] == 0:
		t.first = append(t.first, k)
	case n <= 0:
		t.first = slices.DeleteFunc(t.first, func(x string) bool { return x == k })
		delete(t.text, k)
		return
	}
	t.text[k] = n
}

// bucket is the histogram label of a typed answer: the way a teacher reads
// them, case and spacing ignored.
func bucket(s string) string {
	s = strings.ToLower(strings.Join(strings.Fields(s), " "))
	if utf8.RuneCountInString(s) > maxBucketRunes {
		s = string([]rune(s)[:maxBucketRunes]) + "…"
	}
	return s
}

// live is the histogram while answers arrive: for typed answers, the first
// distinct ones to arrive, which is cheap to keep on every answer.
func (t *tally) live() Histogram {
	if t.text == nil {
		return Histogram{Counts: maps.Clone(t.choices)}
	}
	h := Histogram{Counts: make(map[string]int, min(len(t.first), maxTextBuckets))}
	listed := 0
	for _, k := range t.first[:min(len(t.first), maxTextBuckets)] {
		h.Counts[k] = t.text[k]
		listed += t.text[k]
	}
	h.Other = t.answered - listed
	return h
}

// top is the histogram at the reveal and in the results: for typed answers,
// the most frequent ones, ties in alphabetical order.
func (t *tally) top() Histogram {
	if t.text == nil {
		return Histogram{Counts: maps.Clone(t.choices)}
	}
	keys := make([]string, 0, len(t.text))
	for k := range t.text {
		keys = append(keys, k)
	}
	slices.SortFunc(keys, func(a, b string) int {
		if c := cmp.Compare(t.text[b], t.text[a]); c != 0 {
			return c
		}
		return strings.Compare(a, b)
	})
	h := Histogram{Counts: make(map[string]int, min(len(keys), maxTextBuckets))}
	listed := 0
	for _, k := range keys[:min(len(keys), maxTextBuckets)] {
		h.Counts[k] = t.text[k]
		listed += t.text[k]
	}
	h.Other = t.answered - listed
	return h
}
