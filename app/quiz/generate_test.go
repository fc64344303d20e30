package quiz

import (
	"fmt"
	"html/template"
	"reflect"
	"strings"
	"testing"
)

var fourTerms = []VocabTerm{
	{"TCP", "A reliable, ordered byte stream between two hosts."},
	{"UDP", "Connectionless datagrams with no delivery guarantee."},
	{"Port", "A 16-bit number that picks a process on a host."},
	{"Socket", "An endpoint for sending and receiving data."},
}

// testNotes are shaped like the notes package's output, with the traps a
// real class produces: repeated terms, shared definitions, blank entries.
func testNotes() []VocabNote {
	return []VocabNote{
		{Slug: "websockets", Title: "WebSockets", Terms: []VocabTerm{
			{"WebSocket", "A full-duplex channel over one TCP connection."},
			{"Handshake", "The HTTP exchange that upgrades a connection."},
			{"Frame", "The unit a WebSocket message is sent in."},
			{"Ping", "A control frame asking the peer to answer."},
			{"Pong", "The control frame that answers a ping."},
			{"Heartbeat", "A ping sent on a timer to detect dead peers."},
			{"Keepalive", "a ping sent on a timer  to detect dead peers."}, // same definition as Heartbeat
			{"websocket", "A repeat of the first term, in another case."},
			{"", "A definition without a term."},
			{"Orphan", "  "},
		}},
		{Slug: "transport", Title: "Transport layer", Terms: fourTerms},
		{Slug: "tiny", Title: "Too few", Terms: fourTerms[:3]},
	}
}

func TestGenerateQuizzes(t *testing.T) {
	got := Generate(testNotes())
	type row struct {
		id, title, source string
		questions         int
	}
	var rows []row
	for _, z := range got {
		rows = append(rows, row{z.ID, z.Title, z.Source, len(z.Questions)})
		if !z.Generated {
			t.Errorf("%s: Generated = false", z.ID)
		}
	}
	want := []row{
		// Sorted by slug; 7 distinct WebSocket terms and 4 transport ones;
		// "tiny" has too few terms for a quiz of its own but joins "all".
		{"vocab-transport", "Vocabulary: Transport layer", "generated from Transport layer", 8},
		{"vocab-websockets", "Vocabulary: WebSockets", "generated from WebSockets", 14},
		{"vocab-all", "Vocabulary: all notes", "generated from all notes", 22},
	}
	if !reflect.DeepEqual(rows, want) {
		t.Errorf("quizzes = %+v\nwant      %+v", rows, want)
	}
}

func TestGenerateQuestions(t *testing.T) {
	z := Generate([]VocabNote{{Slug: "t", Title: "T", Terms: fourTerms}})[0]
	q1, q2 := z.Questions[0], z.Questions[1]
	if q1.ID != "q1" || q1.Kind != Single || q1.Points != 100 || q1.Line != 0 {
		t.Errorf("q1 = %+v", q1)
	}
	if want := "Which term matches this definition? A reliable, ordered byte stream between two hosts."; q1.Prompt != want {
		t.Errorf("q1 Prompt = %q, want %q", q1.Prompt, want)
	}
	if want := "What does TCP mean?"; q2.Prompt != want {
		t.Errorf("q2 Prompt = %q, want %q", q2.Prompt, want)
	}
	if key := q1.Key().Correct; len(key) != 1 || q1.Choices[indexOf(q1.Choices, key[0])].Text != "TCP" {
		t.Errorf("q1 key = %v, choices %+v", key, q1.Choices)
	}
	if key := q2.Key().Correct; len(key) != 1 || q2.Choices[indexOf(q2.Choices, key[0])].Text != fourTerms[0].Definition {
		t.Errorf("q2 key = %v, choices %+v", key, q2.Choices)
	}
	for _, q := range z.Questions {
		if len(q.Choices) != 4 {
			t.Errorf("%s has %d choices, want 4", q.ID, len(q.Choices))
		}
		for i, c := range q.Choices {
			if want := string(rune('a' + i)); c.ID != want {
				t.Errorf("%s choice %d ID = %q, want %q", q.ID, i, c.ID, want)
			}
		}
	}
}

func indexOf(cs []Choice, id string) int {
	for i, c := range cs {
		if c.ID == id {
			return i
		}
	}
	panic("no choice " + id)
}

func TestGenerateDeterministic(t *testing.T) {
	a, b := Generate(testNotes()), Generate(testNotes())
	if !reflect.DeepEqual(a, b) {
		t.Error("two runs over the same notes differ")
	}
	// The order the notes come in does not matter either.
	notes := testNotes()
	notes[0], notes[2] = notes[2], notes[0]
	if c := Generate(notes); !reflect.DeepEqual(a, c) {
		t.Error("reordering the notes changed the quizzes")
	}
}

// TestGenerateOptions checks every generated question: no option twice,
// the right answer exactly once, no distractor that is also right, and the
// right answer not always in the same place.
func TestGenerateOptions(t *testing.T) {
	quizzes := Generate(testNotes())
	definitionOf := map[string]string{}
	for _, n := range testNotes() {
		for _, p := range vocabPool(n.Terms) {
			if _, ok := definitionOf[fold(p.term)]; !ok {
				definitionOf[fold(p.term)] = fold(p.definition)
			}
		}
	}
	positions := map[int]int{}
	for _, z := range quizzes {
		for _, q := range z.Questions {
			name := z.ID + " " + q.ID
			seen := map[string]bool{}
			right := 0
			for i, c := range q.Choices {
				if seen[fold(c.Text)] {
					t.Errorf("%s offers %q twice", name, c.Text)
				}
				seen[fold(c.Text)] = true
				if c.Correct {
					right++
					positions[i]++
				}
				if string(c.HTML) != template.HTMLEscapeString(c.Text) {
					t.Errorf("%s choice HTML %q is not the escaped text", name, c.HTML)
				}
			}
			if right != 1 {
				t.Errorf("%s has %d right answers, want 1", name, right)
			}
			if len(q.Choices) < 2 {
				t.Errorf("%s has %d choices", name, len(q.Choices))
			}
			// A term question's distractors must not share the answer's
			// definition: Heartbeat and Keepalive may never meet.
			if strings.HasPrefix(q.Prompt, "Which term") {
				var terms []string
				for _, c := range q.Choices {
					terms = append(terms, definitionOf[fold(c.Text)])
				}
				for i := range terms {
					for j := i + 1; j < len(terms); j++ {
						if terms[i] == terms[j] {
							t.Errorf("%s offers two terms with one definition: %+v", name, q.Choices)
						}
					}
				}
			}
		}
	}
	if len(positions) < 4 {
		t.Errorf("the right answer only ever sits at positions %v", positions)
	}
}

func TestGenerateEdgeCases(t *testing.T) {
	// Four terms with one definition between them: no term question can
	// have a distractor, and no definition question either, so no quiz.
	same := []VocabTerm{{"A", "same"}, {"B", "Same"}, {"C", "same "}, {"D", "SAME"}}
	if got := Generate([]VocabNote{{Slug: "s", Title: "S", Terms: same}}); len(got) != 0 {
		t.Errorf("Generate made %d quizzes from terms that share one definition", len(got))
	}
	// Two definitions shared pairwise: every question still has a
	// distractor, and never the answer's twin.
	pairs := []VocabTerm{{"A", "one"}, {"B", "one"}, {"C", "two"}, {"D", "two"}}
	z := Generate([]VocabNote{{Slug: "p", Title: "P", Terms: pairs}})
	if len(z) != 2 {
		t.Fatalf("got %d quizzes, want 2", len(z))
	}
	for _, q := range z[0].Questions {
		if len(q.Choices) != 2 {
			t.Errorf("%s: %d choices, want 2 (answer and one distractor): %+v", q.ID, len(q.Choices), q.Choices)
		}
	}
	if got := Generate(nil); len(got) != 0 {
		t.Errorf("Generate(nil) = %v", got)
	}
	// HTML in a term is text.
	xss := append([]VocabTerm{{"<script>alert(1)</script>", "An <img onerror=x> attack"}}, fourTerms...)
	for _, z := range Generate([]VocabNote{{Slug: "x", Title: "<b>X</b>", Terms: xss}}) {
		for _, q := range z.Questions {
			all := string(q.PromptHTML) + string(q.ExplanationHTML)
			for _, c := range q.Choices {
				all += string(c.HTML)
			}
			if strings.Contains(all, "<script") || strings.Contains(all, "<img") {
				t.Errorf("%s %s renders HTML from a term: %s", z.ID, q.ID, all)
			}
		}
	}
}

func TestGenerateLargePool(t *testing.T) {
	var terms []VocabTerm
	for i := range 300 {
		terms = append(terms, VocabTerm{fmt.Sprintf("term %d", i), fmt.Sprintf("definition %d", i)})
	}
	z := Generate([]VocabNote{{Slug: "big", Title: "Big", Terms: terms}})
	if len(z) != 2 || len(z[0].Questions) != 600 {
		t.Fatalf("got %d quizzes", len(z))
	}
}

func TestBlankOut(t *testing.T) {
	tests := []struct{ definition, term, want string }{
		{"A socket is one endpoint of a two-way link.", "Socket", "A ____ is one endpoint of a two-way link."},
		{"WebSocket is a protocol over one TCP connection.", "Web Socket", "____ is a protocol over one TCP connection."},
		{"Socket.IO enables real-time communication.", "Socket.io", "____ enables real-time communication."},
		{"The Transmission Control Protocol (TCP) is reliable.", "TCP", "The Transmission Control Protocol (____) is reliable."},
		{"Sockets and websocket are not a socket pair.", "Socket", "Sockets and websocket are not a ____ pair."},
		{"C++ is not C.", "C++", "____ is not C."},
		{"Ärger means trouble; ärger too.", "Ärger", "____ means trouble; ____ too."},
		{"Nothing to hide.", "TCP", "Nothing to hide."},
	}
	for _, tt := range tests {
		if got := blankOut(tt.definition, tt.term); got != tt.want {
			t.Errorf("blankOut(%q, %q) = %q, want %q", tt.definition, tt.term, got, tt.want)
		}
	}
}

// TestGenerateHidesTerm uses definitions shaped like a real student's
// notes, which name their own term.
func TestGenerateHidesTerm(t *testing.T) {
	terms := []VocabTerm{
		{"Socket", "A socket is one endpoint of a two-way communication link."},
		{"Web Socket", "WebSocket is a protocol providing full-duplex channels over TCP."},
		{"Client", "In computing, a client accesses a service made available by a server."},
		{"Server", "In computing, a server provides functionality for other programs."},
		{"Echo", "Echo"}, // nothing left once blanked: left out
	}
	z := Generate([]VocabNote{{Slug: "n13", Title: "Notes 13", Terms: terms}})
	if len(z) != 2 || len(z[0].Questions) != 8 {
		t.Fatalf("got %d quizzes", len(z))
	}
	for _, q := range z[0].Questions {
		term := strings.TrimSuffix(strings.TrimPrefix(q.Prompt, "What does "), " mean?")
		if term == q.Prompt {
			// "Which term": the definition in the prompt hides the answer.
			answer := q.Choices[indexOf(q.Choices, q.Key().Correct[0])].Text
			if strings.Contains(strings.ToLower(strings.ReplaceAll(q.Prompt, " ", "")), strings.ToLower(strings.ReplaceAll(answer, " ", ""))) {
				t.Errorf("%s: prompt %q names its answer %q", q.ID, q.Prompt, answer)
			}
			continue
		}
		squash := func(s string) string { return strings.ToLower(strings.ReplaceAll(s, " ", "")) }
		right := q.Choices[indexOf(q.Choices, q.Key().Correct[0])].Text
		if strings.Contains(squash(right), squash(term)) || !strings.Contains(right, blank) {
			t.Errorf("%s: right option %q does not hide the term %q", q.ID, right, term)
		}
		if !strings.Contains(string(q.ExplanationHTML), "<strong>"+term+"</strong>") {
			t.Errorf("%s: explanation %q does not name the term", q.ID, q.ExplanationHTML)
		}
	}
}
