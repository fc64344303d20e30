package notes

import (
	"slices"
	"strings"
	"testing"
)

func TestQuestionDetection(t *testing.T) {
	tests := []struct {
		heading string
		want    string // "" when the heading is not a question
	}{
		{"### What is TCP?", "What is TCP?"},
		{"## What is TCP?", "What is TCP?"},
		{"#### Why?  ", "Why?"},
		{"### **Why does UDP exist?**", "Why does UDP exist?"},
		{"### Why does UDP exist?**", "Why does UDP exist?"},
		{"### _Why?_", "Why?"},
		{"### Really?!", "Really?!"},
		{"### Why? 🤔", "Why? 🤔"},
		{"### What happens if a client “misses” an event?", "What happens if a client “misses” an event?"},
		{"### (Why?)", "(Why?)"},
		{"### 为什么？", "为什么？"},
		{"Is this a setext question?\n---", "Is this a setext question?"},
		{"### What is TCP", ""},
		{"### Answer this.", ""},
		{"### Why? (2 marks)", ""},
		{"### Vocabulary?", ""},
	}
	for _, tt := range tests {
		t.Run(tt.heading, func(t *testing.T) {
			n := parseOK(t, "# Title\n\n"+tt.heading+"\n\nThe answer.\n")
			var got string
			if len(n.QA) > 0 {
				got = n.QA[0].Question
			}
			if got != tt.want {
				t.Errorf("question = %q, want %q", got, tt.want)
			}
		})
	}
}

func TestAnswers(t *testing.T) {
	tests := []struct {
		name     string
		src      string
		question string
		wantHTML []string // substrings, in order
		notHTML  []string
		wantText string
	}{
		{
			name:     "paragraph",
			src:      "### What is TCP?\n\nA reliable protocol.\n\n### Next?\n\nOther.",
			question: "What is TCP?",
			wantHTML: []string{"<p>A reliable protocol.</p>"},
			notHTML:  []string{"Other", "<h3"},
			wantText: "A reliable protocol.",
		},
		{
			name:     "nested lists and code kept",
			src:      "### How?\n\nSteps:\n\n1. Open\n   - with SYN\n   - then ACK\n2. Send\n\n```go\nx := 1\n```\n\n## End\n\nNot part.",
			question: "How?",
			wantHTML: []string{"<p>Steps:</p>", "<ol>", "<ul>", "with SYN", "</ol>", `<pre class="chroma">`, `<span class="nx">x</span>`},
			notHTML:  []string{"Not part"},
			wantText: "Steps:\n\n1. Open\n  - with SYN\n  - then ACK\n2. Send\n\nx := 1",
		},
		{
			name:     "H2 answer includes deeper sub-headings",
			src:      "## What does TCP promise?\n\nDelivery.\n\n### Ordering\n\nIn order.\n\n#### Detail\n\nMore.\n\n## Next section\n\nNo.",
			question: "What does TCP promise?",
			wantHTML: []string{"<p>Delivery.</p>", `<h3 id="ordering">Ordering</h3>`, "<p>In order.</p>", "<h4", "<p>More.</p>"},
			notHTML:  []string{"No."},
			wantText: "Delivery.\n\nOrdering\n\nIn order.\n\nDetail\n\nMore.",
		},
		{
			name:     "H3 answer stops at a higher heading",
			src:      "### Why?\n\nBecause.\n\n## Section\n\nNo.",
			question: "Why?",
			wantHTML: []string{"<p>Because.</p>"},
			notHTML:  []string{"No.", "Section"},
			wantText: "Because.",
		},
		{
			name:     "answer stops at a deeper vocabulary heading",
			src:      "## Why?\n\nBecause.\n\n### Key terms\n\n**TCP:** Reliable.",
			question: "Why?",
			wantHTML: []string{"<p>Because.</p>"},
			notHTML:  []string{"TCP", "Key terms"},
			wantText: "Because.",
		},
		{
			name:     "footnotes are not part of the last answer",
			src:      "### Why?\n\nBecause.[^1]\n\n[^1]: A note.",
			question: "Why?",
			wantHTML: []string{"<p>Because.<sup"},
			notHTML:  []string{"A note", "footnotes"},
			wantText: "Because.",
		},
		{
			name:     "blockquote and table",
			src:      "### What?\n\n> Quoted.\n\n| a | b |\n|---|:-:|\n| 1 | 2 |",
			question: "What?",
			wantHTML: []string{"<blockquote>", "<table>", `<td align="center">2</td>`},
			wantText: "Quoted.\n\na | b\n1 | 2",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			n := parseOK(t, "# Title\n\n"+tt.src+"\n")
			i := slices.IndexFunc(n.QA, func(q QA) bool { return q.Question == tt.question })
			if i < 0 {
				t.Fatalf("no question %q among %q", tt.question, questions(n))
			}
			qa := n.QA[i]
			got := string(qa.AnswerHTML)
			rest := got
			for _, w := range tt.wantHTML {
				j := strings.Index(rest, w)
				if j < 0 {
					t.Errorf("AnswerHTML lacks %q (in order):\n%s", w, got)
					break
				}
				rest = rest[j+len(w):]
			}
			for _, w := range tt.notHTML {
				if strings.Contains(got, w) {
					t.Errorf("AnswerHTML contains %q:\n%s", w, got)
				}
			}
			if qa.AnswerText != tt.wantText {
				t.Errorf("AnswerText:\n got %q\nwant %q", qa.AnswerText, tt.wantText)
			}
		})
	}
}

func TestEmptyAnswers(t *testing.T) {
	n := parseOK(t, "# T\n\n### First?\n\n### Second?\n\nYes.\n\n### Only HTML?\n\n<div><!-- x --><script>alert(1)</script></div>\n\n### Last?\n")
	if got, want := questions(n), []string{"First?", "Second?", "Only HTML?", "Last?"}; !slices.Equal(got, want) {
		t.Fatalf("questions = %q, want %q", got, want)
	}
	for _, i := range []int{0, 2, 3} {
		if n.QA[i].AnswerHTML != "" || n.QA[i].AnswerText != "" {
			t.Errorf("%q: answer = %q / %q, want empty", n.QA[i].Question, n.QA[i].AnswerHTML, n.QA[i].AnswerText)
		}
	}
	if n.QA[1].AnswerHTML == "" {
		t.Errorf("Second? lost its answer")
	}
	if len(n.Problems) != 3 || !strings.Contains(n.Problems[0], "line 3:") || !strings.Contains(n.Problems[0], "no answer") {
		t.Errorf("problems = %q, want 3 'no answer', the first on line 3", n.Problems)
	}
}

func TestQAIDsMatchHeadings(t *testing.T) {
	n := parseOK(t, "# T\n\n### Why?\n\nA.\n\n### Why?\n\nB.\n\n## Why?\n\nC.\n")
	var got []string
	for _, q := range n.QA {
		got = append(got, q.ID)
	}
	if want := []string{"why", "why-1", "why-2"}; !slices.Equal(got, want) {
		t.Errorf("IDs = %q, want %q", got, want)
	}
	for _, id := range got {
		if !strings.Contains(string(n.HTML), `id="`+id+`"`) {
			t.Errorf("HTML has no element with id %q", id)
		}
	}
}

func TestTitle(t *testing.T) {
	tests := []struct {
		name, path, src string
		want            string
		h1s             int // h1 elements left in the body
	}{
		{"front matter", "a.md", "---\ntitle: From YAML\n---\n# From H1\n", "From YAML", 1},
		{"TOML front matter", "a.md", "+++\ntitle = \"From TOML\"\n+++\n\nText.\n", "From TOML", 0},
		{"front matter key case", "a.md", "---\nTitle: Capital\n---\nText.\n", "Capital", 0},
		{"numeric title", "a.md", "---\ntitle: 13\n---\nText.\n", "13", 0},
		{"exact key wins", "a.md", "---\nTITLE: upper\ntitle: exact\nTitle: mixed\n---\nText.\n", "exact", 0},
		{"empty key is not a title", "Notes.md", "---\n\"\": nope\n---\nText.\n", "Notes", 0},
		{"first H1, removed from the body", "a.md", "# Notes 13\n\n## Part\n\n# Second H1\n", "Notes 13", 1},
		{"H1 with markup", "a.md", "# *Notes* `13` 🚀\n", "Notes 13 🚀", 0},
		{"setext H1", "a.md", "Notes 13\n========\n\nText.\n", "Notes 13", 0},
		{"H1 not first stays in the body", "a.md", "Intro.\n\n# Late Title\n", "Late Title", 1},
		{"empty H1 skipped", "a.md", "#\n\n# Real\n", "Real", 1},
		{"first heading when there is no H1", "dir/Notes 13.md", "## Only H2\n\nText.\n", "Only H2", 0},
		{"H1 after an H2, removed from the body", "a.md", "## Week 3\n\n# Sockets\n\nText.\n", "Sockets", 0},
		{"file name when every heading asks", "dir/Notes 13.md", "### Why?\n\nText.\n", "Notes 13", 0},
		{"empty file", "Empty.md", "", "Empty", 0},
		{"blank front matter title", "x.md", "---\ntitle: \"\"\n---\n# H1\n", "H1", 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			n := Parse(tt.path, []byte(tt.src))
			if n.Err != nil {
				t.Fatal(n.Err)
			}
			if n.Title != tt.want {
				t.Errorf("Title = %q, want %q", n.Title, tt.want)
			}
			if got := strings.Count(string(n.HTML), "<h1"); got != tt.h1s {
				t.Errorf("%d h1 in HTML, want %d:\n%s", got, tt.h1s, n.HTML)
			}
		})
	}
}

func TestTOC(t *testing.T) {
	n := parseOK(t, "# Title\n\n## Intro\n\n### Detail\n\n#### Too deep\n\n## Intro\n\n## Réseau et Wi‑Fi 📶\n\n## 🚀\n\n## [Link](https://example.com) text\n")
	want := []Heading{
		{2, "intro", "Intro"},
		{3, "detail", "Detail"},
		{2, "intro-1", "Intro"},
		{2, "reseau-et-wi-fi", "Réseau et Wi‑Fi 📶"},
		{2, "section", "🚀"},
		{2, "link-https-example-com-text", "Link text"},
	}
	if !slices.Equal(n.TOC, want) {
		t.Errorf("TOC:\n got %v\nwant %v", n.TOC, want)
	}
	if d := duplicate(ids(string(n.HTML))); d != "" {
		t.Errorf("duplicate id %q in HTML", d)
	}
}
