package notes

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// corpusWant is what a reader counts by hand in each note of
// testdata/corpus, one style of notes per file. The golden JSON files hold
// the rest (every question, answer, term, definition and problem); these
// counts guard against an -update that quietly accepts a regression.
var corpusWant = map[string]struct {
	title              string
	questions, answers int
	terms, problems    int
}{
	"01-numbered-headings":  {"Unit 3: Switching", 3, 3, 4, 0},
	"02-list-questions":     {"Chapter 6 reading notes – routing", 3, 3, 4, 0},
	"03-nested-bullets":     {"DHCP", 3, 3, 4, 0},
	"04-heading-in-list":    {"ARP", 3, 3, 3, 0},
	"05-bold-questions":     {"Firewalls and NAT", 3, 3, 4, 0},
	"06-blockquote-answers": {"Wireless security", 3, 3, 4, 0},
	// Two questions left open in a heading and a list, one answered, one
	// blank without an answer; an empty definition; "segment" merged.
	"07-open-questions":   {"Transport layer review", 6, 2, 4, 5},
	"08-table-misspelled": {"Application protocols", 1, 1, 4, 0},
	"09-title-after-h2":   {"Sockets and the web", 2, 2, 5, 0},
	"10-no-title":         {"Subnetting practice", 2, 2, 3, 0},
	"11-front-matter":     {"Quality of service", 2, 2, 3, 0},
	"12-crlf-bom":         {"Ethernet cabling", 3, 3, 3, 0},
	"13-loose-lists":      {"Network devices", 1, 1, 4, 0},
	"14-mixed-sections":   {"IPv6", 2, 2, 4, 0},
	// The open question, the empty glossary (and its line), two stray lines.
	"15-unplaced-lines": {"Network troubleshooting", 2, 1, 2, 5},
	"16-dash-lists":     {"Email security", 2, 2, 3, 0},
}

// corpusNote is the golden form of a note: everything a student would
// check against their file.
type corpusNote struct {
	Title     string           `json:"title"`
	Questions []corpusQuestion `json:"questions"`
	Terms     []corpusTerm     `json:"terms"`
	Problems  []string         `json:"problems"`
}

type corpusQuestion struct {
	Question string `json:"question"`
	Answer   string `json:"answer"`
}

type corpusTerm struct {
	Term       string `json:"term"`
	Definition string `json:"definition"`
}

// TestCorpus parses notes written in the many styles students use and
// compares what was extracted with testdata/corpus/*.json. After an
// intended change: go test ./app/notes -run TestCorpus -update, and read
// the diff.
func TestCorpus(t *testing.T) {
	files, err := filepath.Glob("testdata/corpus/*.md")
	if err != nil {
		t.Fatal(err)
	}
	if len(files) < 15 {
		t.Fatalf("%d corpus notes, want at least 15", len(files))
	}
	for _, f := range files {
		name := strings.TrimSuffix(filepath.Base(f), ".md")
		t.Run(name, func(t *testing.T) {
			src, err := os.ReadFile(f)
			if err != nil {
				t.Fatal(err)
			}
			n := Parse(filepath.Base(f), src)
			if n.Err != nil {
				t.Fatal(n.Err)
			}
			checkNoteInvariants(t, n)
			got := corpusNote{Title: n.Title, Questions: []corpusQuestion{}, Terms: []corpusTerm{}, Problems: []string{}}
			answered := 0
			for _, q := range n.QA {
				got.Questions = append(got.Questions, corpusQuestion{q.Question, q.AnswerText})
				if q.AnswerText != "" {
					answered++
				}
			}
			for _, v := range n.Vocabulary {
				got.Terms = append(got.Terms, corpusTerm{v.Term, v.Definition})
			}
			got.Problems = append(got.Problems, n.Problems...)

			want, ok := corpusWant[name]
			if !ok {
				t.Fatalf("no expected counts for %s in corpusWant", name)
			}
			if got.Title != want.title || len(got.Questions) != want.questions || answered != want.answers ||
				len(got.Terms) != want.terms || len(got.Problems) != want.problems {
				t.Errorf("title %q, %d questions (%d answered), %d terms, %d problems; want %q, %d (%d), %d, %d\nproblems: %q",
					got.Title, len(got.Questions), answered, len(got.Terms), len(got.Problems),
					want.title, want.questions, want.answers, want.terms, want.problems, got.Problems)
			}
			out, err := json.MarshalIndent(got, "", "  ")
			if err != nil {
				t.Fatal(err)
			}
			checkGoldenAt(t, filepath.Join("testdata", "corpus", name+".json"), string(out)+"\n")
		})
	}
}
