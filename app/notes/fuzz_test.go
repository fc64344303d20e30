package notes

import (
	"os"
	"strings"
	"testing"
	"testing/fstest"
	"unicode/utf8"
)

// FuzzParse feeds arbitrary bytes to the single-file parser, and to a full
// Load next to a note with a vocabulary so that glossary linking runs too.
// Whatever the input, nothing panics, the output cannot run script, and
// IDs stay unique. Seeds: f.Add below and testdata/fuzz/FuzzParse.
func FuzzParse(f *testing.F) {
	for _, s := range []string{
		"",
		"# Title\n\n### Why?\n\nBecause.\n\n## Vocabulary\n\n**TCP:** Reliable.\n",
		"---\ntitle: x\n---\n# T\n",
		"+++\ntitle = 'x'\n+++\n",
		"\uFEFF# BOM\r\n\r\n### CRLF?\r\nyes\r\n",
		"[x](javascript:alert(1)) <script>alert(1)</script> <img src=x onerror=alert(1)>",
		"| Term | Definition |\n|---|:-:|\n| TCP | `SYN` |\n",
		"- **UDP** – fast\n- __IP__: addresses\n",
		"```go {linenos=true}\nfunc main() {}\n```\n",
		"Socket.io and a Socket, AT&amp;T \\*amp\\* [^1]\n\n[^1]: note",
		"### Qu’est-ce que ? 🤔\n\n> quote\n\n1. a\n   - b\n",
		"1. What?\nAnswer.\n2. #### Why?\n   Because.\n\n**How?**\nSo.\n\nWhen?\n\n> Now.\n\nA ____ blank.\n",
		"## Vocabulary Terms\n\n**Socket**\nOne end.\n\n### ARP \nMaps.\n\n- Lease\n  - time\n\nPort: a number<br>TTL - hops\n\n**Window:**\n",
		"Vocabulary | Defintion | Example\n--- | --- | ---\n**SMTP** | mail | `25`\n\n<div>text</div>\n",
	} {
		f.Add([]byte(s))
	}
	if own, err := os.ReadFile("testdata/own-notes.md"); err == nil {
		f.Add(own)
	}
	const vocab = "# V\n\n## Vocabulary\n\n**Socket:** end.\n\n**Socket.io:** lib.\n\n**TCP:** <b>x</b> & y\n\n**amp:** a.\n\n**é:** e.\n"
	f.Fuzz(func(t *testing.T, src []byte) {
		n := Parse("fuzz.md", src)
		checkNoteInvariants(t, n)

		lib := Load(fstest.MapFS{"fuzz.md": {Data: src}, "vocab.md": {Data: []byte(vocab)}})
		for _, n := range lib.Notes {
			checkNoteInvariants(t, n)
		}
	})
}

func checkNoteInvariants(t *testing.T, n *Note) {
	t.Helper()
	if n.Slug == "" {
		t.Fatalf("no slug")
	}
	if !utf8.ValidString(n.Title) {
		t.Fatalf("title is not UTF-8: %q", n.Title)
	}
	if n.Err != nil {
		if n.HTML != "" || n.QA != nil || n.Vocabulary != nil {
			t.Fatalf("error note with content: %v", n.Err)
		}
		return
	}
	h := string(n.HTML)
	if why := unsafeHTML(h); why != "" {
		t.Fatalf("unsafe HTML (%s):\n%s", why, h)
	}
	if strings.Contains(strings.ToLower(h), "<script") {
		t.Fatalf("<script in HTML:\n%s", h)
	}
	if d := duplicate(ids(h)); d != "" {
		t.Fatalf("duplicate id %q in:\n%s", d, h)
	}
	for _, q := range n.QA {
		if why := unsafeHTML(string(q.AnswerHTML)); why != "" {
			t.Fatalf("unsafe answer (%s): %s", why, q.AnswerHTML)
		}
		if q.ID == "" {
			t.Fatalf("question %q without an id", q.Question)
		}
	}
	for _, v := range n.Vocabulary {
		if why := unsafeHTML(string(v.DefinitionHTML)); why != "" {
			t.Fatalf("unsafe definition (%s): %s", why, v.DefinitionHTML)
		}
		if !strings.HasPrefix(v.ID, "term-") || len(v.ID) == len("term-") || v.Term == "" || v.DefinitionHTML == "" {
			t.Fatalf("bad term %+v", v)
		}
	}
}
