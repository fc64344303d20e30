package quiz

import (
	"fmt"
	"html/template"
	"reflect"
	"slices"
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
		var terms []noteTerm
		for _, t := range n.Terms {
			terms = append(terms, noteTerm{VocabTerm: t, note: n.Slug})
		}
		for _, p := range vocabPool(terms) {
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

// routingTerms and transportTerms are shaped like the shipped notes'
// vocabulary, with the traps a teacher would catch: a broader term that
// also fits, a definition that names another term, a definition that
// spells out its acronym, and definitions that name their own term.
var routingTerms = []VocabTerm{
	{"Router", "A layer-3 device that connects networks and forwards packets between them, choosing the next hop from its routing table."},
	{"Default gateway", "The router a host sends packets to when the destination is outside its own subnet."},
	{"Subnet mask", "A 32-bit value that marks which bits of an address are the network part, such as 255.255.255.0."},
	{"TTL", "Time to live. A field that every router lowers by one, so a looping packet is dropped."},
	{"ARP", "Address Resolution Protocol. Finds the MAC address that belongs to an IPv4 address on the local network."},
	{"NAT", "Rewrites private source addresses to one public address at the edge of a home network."},
}

var transportTerms = []VocabTerm{
	{"Port", "A 16-bit number (0–65535) that identifies a program or service on a host."},
	{"Ephemeral port", "A temporary port the operating system picks for the client end of a connection."},
	{"Socket", "A socket is one endpoint of a two-way communication link."},
	{"Segment", "The unit of data TCP hands to IP: a header and a slice of the byte stream."},
	{"Handshake", "The exchange of SYN, SYN-ACK and ACK that opens a TCP connection."},
	{"Window", "How many bytes a receiver can still accept, advertised in every segment."},
}

func choiceTexts(q Question) (right string, all []string) {
	for _, c := range q.Choices {
		all = append(all, c.Text)
		if c.Correct {
			right = c.Text
		}
	}
	return right, all
}

// In "What does X mean?" the options are definitions as written: a blank
// in the right one only would point at it. A definition that names its
// own term is not asked that way, since it would answer itself; its
// "Which term" question blanks the term, which is the answer there.
func TestGenerateBlanksOnlyWhereTheTermIsTheAnswer(t *testing.T) {
	notes := []VocabNote{{Slug: "transport", Title: "Transport", Terms: transportTerms}}
	z := Generate(notes)[0]
	asked := map[string]bool{}
	for _, q := range z.Questions {
		right, all := choiceTexts(q)
		if term, ok := strings.CutPrefix(q.Prompt, "What does "); ok {
			term = strings.TrimSuffix(term, " mean?")
			asked[term] = true
			for _, o := range all {
				if strings.Contains(o, blank) {
					t.Errorf("%s: option %q has a blank", q.Prompt, o)
				}
			}
			if strings.Contains(strings.ToLower(right), strings.ToLower(term)) {
				t.Errorf("%s: the right option %q names the term", q.Prompt, right)
			}
			continue
		}
		if strings.Contains(strings.ToLower(q.Prompt), strings.ToLower(right)) {
			t.Errorf("%s: the prompt names its answer %q", q.Prompt, right)
		}
	}
	for _, tt := range []struct {
		term  string
		asked bool
	}{
		{"Socket", false},        // "A socket is ...": it would answer itself
		{"Ephemeral port", true}, // says "port", which is not its own term
		{"Port", true},
		{"Segment", true},
		{"Window", true},
	} {
		if asked[tt.term] != tt.asked {
			t.Errorf("What does %s mean? asked = %v, want %v", tt.term, asked[tt.term], tt.asked)
		}
	}
}

func TestSpellsOutAcronym(t *testing.T) {
	tests := []struct {
		term, definition string
		want             bool
	}{
		{"DNS", "Domain Name System. A distributed database that maps names to addresses.", true},
		{"HTTP", "Hypertext Transfer Protocol. A request/response protocol.", true},
		{"TTL", "Time to live. A field that every router lowers by one.", true},
		{"TCP", "Transmission Control Protocol. A connection-oriented transport protocol.", true},
		{"MSS", "Maximum segment size. The largest amount of data one TCP segment carries.", true},
		{"ARP", "Finds a MAC address with the Address Resolution Protocol.", true},
		{"NAT", "Rewrites private source addresses to one public address.", false},
		{"SYN", "The TCP flag meaning synchronise sequence numbers.", false},
		{"ACK", "Acknowledgement: the number of the next byte expected.", false}, // one word is not an acronym spelt out
		{"Port", "Place Of Running Things", false},                               // not an acronym
		{"IPv4", "Internet Protocol version 4.", false},
		{"DNS", "", false},
	}
	for _, tt := range tests {
		if got := spellsOutAcronym(tt.definition, tt.term); got != tt.want {
			t.Errorf("spellsOutAcronym(%q, %q) = %v, want %v", tt.definition, tt.term, got, tt.want)
		}
	}
	// DNS is still asked the other way round.
	terms := append([]VocabTerm{{"DNS", "Domain Name System. A distributed database that maps names such as example.com to IP addresses."}}, transportTerms...)
	z := Generate([]VocabNote{{Slug: "dns", Title: "DNS", Terms: terms}})[0]
	var prompts []string
	for _, q := range z.Questions {
		if right, _ := choiceTexts(q); right == "DNS" || strings.Contains(q.Prompt, "DNS") {
			prompts = append(prompts, q.Prompt)
		}
	}
	if !reflect.DeepEqual(prompts, []string{"What does DNS mean?"}) {
		t.Errorf("questions about DNS: %q", prompts)
	}
}

// A distractor that also fits the question is never offered: a broader or
// narrower term, or a term named in the other's definition.
func TestGenerateNeverOffersADistractorThatAlsoFits(t *testing.T) {
	tests := []struct {
		answer, never string
	}{
		{"Default gateway", "Router"}, // a default gateway is a router
		{"Router", "Default gateway"},
		{"Ephemeral port", "Port"}, // an ephemeral port is a port
		{"Port", "Ephemeral port"},
		{"TTL", "Router"},     // every router lowers the TTL: "Router" would fit a TTL definition
		{"Segment", "Window"}, // a window is advertised in every segment
		{"Window", "Segment"},
	}
	notes := []VocabNote{
		{Slug: "routing", Title: "Routing", Terms: routingTerms},
		{Slug: "transport", Title: "Transport", Terms: transportTerms},
	}
	offered := map[[2]string]bool{} // answer term, option term
	for _, z := range Generate(notes) {
		for _, q := range z.Questions {
			right, all := choiceTexts(q)
			answer, opts := termOf(right), []string{}
			for _, o := range all {
				opts = append(opts, termOf(o))
			}
			for _, o := range opts {
				offered[[2]string{answer, o}] = true
			}
		}
	}
	for _, tt := range tests {
		if offered[[2]string{tt.answer, tt.never}] {
			t.Errorf("a question about %s offers %s", tt.answer, tt.never)
		}
	}
}

// termOf maps a choice (a term or a definition) back to its term.
func termOf(choice string) string {
	for _, ts := range [][]VocabTerm{routingTerms, transportTerms} {
		for _, t := range ts {
			if choice == t.Term || choice == t.Definition || choice == blankOut(t.Definition, t.Term) {
				return t.Term
			}
		}
	}
	return choice
}

// In the quiz over every note, distractors come from the answer's own
// note while it has enough of them.
func TestGenerateDrawsDistractorsFromTheSameNote(t *testing.T) {
	noteOf := map[string]string{}
	for _, t := range routingTerms {
		noteOf[t.Term] = "routing"
	}
	for _, t := range transportTerms {
		noteOf[t.Term] = "transport"
	}
	// Enough unrelated terms in each note that three distractors remain
	// after the ones that also fit are set aside.
	extra := []VocabTerm{
		{"Latency", "The time one message takes to cross the network."},
		{"Jitter", "Variation in delay between messages."},
		{"Throughput", "How much data arrives each second."},
	}
	for _, t := range extra {
		noteOf[t.Term] = "routing"
	}
	notes := []VocabNote{
		{Slug: "routing", Title: "Routing", Terms: append(slices.Clone(routingTerms), extra...)},
		{Slug: "transport", Title: "Transport", Terms: transportTerms},
	}
	var all *Quiz
	for _, z := range Generate(notes) {
		if z.ID == "vocab-all" {
			all = z
		}
	}
	if all == nil {
		t.Fatal("no quiz over every note")
	}
	for _, q := range all.Questions {
		right, opts := choiceTexts(q)
		note := noteOf[termOfAll(right, notes)]
		if note != "routing" {
			continue // transport has too few unrelated terms to fill a question alone
		}
		for _, o := range opts {
			if n := noteOf[termOfAll(o, notes)]; n != note {
				t.Errorf("%s: option %q comes from %s", q.Prompt, o, n)
			}
		}
	}
}

func termOfAll(choice string, notes []VocabNote) string {
	for _, n := range notes {
		for _, t := range n.Terms {
			if choice == t.Term || choice == t.Definition || choice == blankOut(t.Definition, t.Term) {
				return t.Term
			}
		}
	}
	return choice
}
