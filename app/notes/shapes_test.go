package notes

import (
	"slices"
	"strings"
	"testing"
)

// Each shape of question gets its own id on the element that asks, and
// its answer, and nothing else, wrapped for the page's self-test.
func TestQuestionShapes(t *testing.T) {
	tests := []struct {
		name     string
		src      string
		question string
		answer   string // AnswerText; "" for an open question
		html     []string
	}{
		{"numbered heading", "### 1. What is a port?\n\nA number.\n", "What is a port?", "A number.",
			[]string{`<h3 id="1-what-is-a-port">1. What is a port?</h3>`, `<div class="answer" data-answer-for="1-what-is-a-port">`}},
		{"heading with a link", "## What is [a socket](https://example.com)?\n\nAn end.\n", "What is a socket?", "An end.", nil},
		{"list item, paragraph after", "1. What is TTL?\n\nA hop counter.\n", "What is TTL?", "A hop counter.",
			[]string{`<li id="what-is-ttl">What is TTL?</li>`, "</ol>\n" + `<div class="answer" data-answer-for="what-is-ttl">` + "\n<p>A hop counter.</p>"}},
		{"list item, ?: and nested bullet", "- Why?:\n  - Because.\n", "Why?", "- Because.",
			[]string{`<li id="why">Why?:`, `<div class="answer" data-answer-for="why">` + "\n<ul>"}},
		{"list item, lazy continuation", "1. What is ARP?\nIt maps addresses.\n", "What is ARP?", "It maps addresses.",
			[]string{`<li id="what-is-arp">What is ARP?` + "\n" + `<div class="answer" data-answer-for="what-is-arp">` + "\n<p>It maps addresses.</p>"}},
		{"heading in a list item", "1. #### What is DNS?\n   Names to addresses.\n", "What is DNS?", "Names to addresses.",
			[]string{`<li>`, `<h4 id="what-is-dns">What is DNS?</h4>`, `<div class="answer" data-answer-for="what-is-dns">`}},
		{"bold line, answer on the next line", "**What is NAT?**\nAddress rewriting.\n", "What is NAT?", "Address rewriting.",
			[]string{`<p id="what-is-nat"><strong>What is NAT?</strong></p>`, `<div class="answer" data-answer-for="what-is-nat">` + "\n<p>Address rewriting.</p>"}},
		{"bold line, answer in the next paragraph", "**Q3: Why NAT?**\n\nToo few addresses.\n\n---\n\nUnrelated.\n", "Why NAT?", "Too few addresses.", nil},
		{"plain question, quoted answer", "Why is WEP weak?\n\n> Short keys.\n\nLater text.\n", "Why is WEP weak?", "Short keys.", nil},
		{"fill in the blank", "TCP uses a ____ handshake.\n\n> three-way\n", "TCP uses a ____ handshake.", "three-way", nil},
		{"open question", "### Why?\n\n### How?\n\nLike this.\n", "Why?", "", []string{`<h3 id="why">Why?</h3>` + "\n" + `<h3 id="how">`}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			n := parseOK(t, "# T\n\n"+tt.src)
			i := slices.IndexFunc(n.QA, func(q QA) bool { return q.Question == tt.question })
			if i < 0 {
				t.Fatalf("no question %q among %q", tt.question, questions(n))
			}
			if got := n.QA[i].AnswerText; got != tt.answer {
				t.Errorf("answer = %q, want %q", got, tt.answer)
			}
			h := string(n.HTML)
			for _, w := range tt.html {
				if !strings.Contains(h, w) {
					t.Errorf("HTML lacks %q:\n%s", w, h)
				}
			}
			if !strings.Contains(h, `id="`+n.QA[i].ID+`"`) {
				t.Errorf("no element has the question's id %q:\n%s", n.QA[i].ID, h)
			}
			if tt.answer == "" && strings.Contains(h, `data-answer-for="`+n.QA[i].ID+`"`) {
				t.Errorf("an open question has an answer block:\n%s", h)
			}
		})
	}
}

// More entry shapes than TestVocabularyFormats covers: what students
// write without bold, with a heading or a bullet per term, and in tables
// whose header names the columns.
func TestVocabularyEntryShapes(t *testing.T) {
	tests := []struct {
		name string
		body string
		want []string // "term=definition"
	}{
		{"plain colon lines in one paragraph", "Port: a number\nSocket: an address and a port",
			[]string{"Port=a number", "Socket=an address and a port"}},
		{"plain dashes", "TTL - a hop counter\nSSID – a network name\nWEP — old encryption",
			[]string{"TTL=a hop counter", "SSID=a network name", "WEP=old encryption"}},
		{"bold paragraph keeps wrapped lines with colons", "**Port:** a number\nsee: RFC 6335",
			[]string{"Port=a number see: RFC 6335"}},
		{"lone bold line, definition below", "**Socket**\nOne end of a connection.",
			[]string{"Socket=One end of a connection."}},
		{"heading per term, trailing space", "### ARP \nMaps addresses.\n\n### RARP\nThe reverse.",
			[]string{"ARP=Maps addresses.", "RARP=The reverse."}},
		{"term with nested bullets", "- Lease\n  - how long\n  - renewed at half time",
			[]string{"Lease=how long; renewed at half time"}},
		{"group bullet with nested entries", "- Transport\n  - **TCP:** reliable\n  - **UDP:** fast",
			[]string{"TCP=reliable", "UDP=fast"}},
		{"named columns in another order", "| Meaning | Vocabulary Term |\n|---|---|\n| reliable | TCP |",
			[]string{"TCP=reliable"}},
		{"misspelled header, extra column, no outer pipes", "Example | Word | Descripton\n--- | --- | ---\nport 80 | `HTTP` | **web** protocol",
			[]string{"HTTP=web protocol"}},
		{"br between entries", "**TCP:** reliable<br/>**UDP:** fast<br>**IP:** addresses",
			[]string{"TCP=reliable", "UDP=fast", "IP=addresses"}},
		{"slashes, parentheses, lower case, other scripts", "**TCP/IP:** a suite\n**Web Socket (WS):** a protocol\n**ping:** a tool\n**Réseau:** network\n**网络:** network",
			[]string{"TCP/IP=a suite", "Web Socket (WS)=a protocol", "ping=a tool", "Réseau=network", "网络=network"}},
		{"case duplicates merged", "**TCP:** reliable\n\n**tcp**: ordered",
			[]string{"TCP=reliable; ordered"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			n := parseOK(t, "# Note\n\n## Vocabulary\n\n"+tt.body+"\n")
			var got []string
			for _, v := range n.Vocabulary {
				got = append(got, v.Term+"="+v.Definition)
			}
			if !slices.Equal(got, tt.want) {
				t.Errorf("terms = %q, want %q (problems %q)", got, tt.want, n.Problems)
			}
			if len(n.Problems) != 0 {
				t.Errorf("problems: %q", n.Problems)
			}
		})
	}
}

// A section opened by a line has no level: it ends at the next heading,
// rule or bold question, which are read as usual.
func TestIntroSectionEnds(t *testing.T) {
	n := parseOK(t, "# T\n\n**Vocabulary Terms**\n**TCP:** reliable\n\n**What is UDP?**\nA fast protocol.\n\nVocab:\n\nIP - addresses\n\n---\n\n**Why?**\n\nBecause.\n")
	if got, want := terms(n), []string{"TCP", "IP"}; !slices.Equal(got, want) {
		t.Errorf("terms = %q, want %q", got, want)
	}
	if got, want := questions(n), []string{"What is UDP?", "Why?"}; !slices.Equal(got, want) {
		t.Errorf("questions = %q, want %q", got, want)
	}
	if len(n.Problems) != 0 {
		t.Errorf("problems: %q", n.Problems)
	}
}
