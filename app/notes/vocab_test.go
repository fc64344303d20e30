package notes

import (
	"html/template"
	"slices"
	"testing"
)

func TestVocabularyFormats(t *testing.T) {
	type entry struct{ term, def, html string }
	tests := []struct {
		name     string
		body     string
		want     []entry
		problems int
	}{
		{"colon inside bold", "**TCP:** A reliable protocol.",
			[]entry{{"TCP", "A reliable protocol.", "A reliable protocol."}}, 0},
		{"colon after bold", "**TCP**: A reliable protocol.",
			[]entry{{"TCP", "A reliable protocol.", "A reliable protocol."}}, 0},
		{"colon after bold, no space", "**TCP**:A reliable protocol.",
			[]entry{{"TCP", "A reliable protocol.", "A reliable protocol."}}, 0},
		{"hyphen", "**TCP** - A reliable protocol.",
			[]entry{{"TCP", "A reliable protocol.", "A reliable protocol."}}, 0},
		{"en dash", "**TCP** – A reliable protocol.",
			[]entry{{"TCP", "A reliable protocol.", "A reliable protocol."}}, 0},
		{"em dash", "**TCP** — A reliable protocol.",
			[]entry{{"TCP", "A reliable protocol.", "A reliable protocol."}}, 0},
		{"underscores, colon inside", "__TCP:__ A reliable protocol.",
			[]entry{{"TCP", "A reliable protocol.", "A reliable protocol."}}, 0},
		{"underscores, colon after", "__TCP__: A reliable protocol.",
			[]entry{{"TCP", "A reliable protocol.", "A reliable protocol."}}, 0},
		{"full-width colon", "**TCP：** 可靠的协议",
			[]entry{{"TCP", "可靠的协议", "可靠的协议"}}, 0},
		{"blank-line separated paragraphs", "**TCP:** Reliable.\n\n**UDP:** Fast.\n\n\n**IP:** Addresses.",
			[]entry{{"TCP", "Reliable.", "Reliable."}, {"UDP", "Fast.", "Fast."}, {"IP", "Addresses.", "Addresses."}}, 0},
		{"one entry per line", "**TCP:** Reliable.\n**UDP** - Fast.\n**IP**: Addresses.",
			[]entry{{"TCP", "Reliable.", "Reliable."}, {"UDP", "Fast.", "Fast."}, {"IP", "Addresses.", "Addresses."}}, 0},
		{"hard line breaks", "**TCP:** Reliable.  \n**UDP:** Fast.\\\n**IP:** Addresses.",
			[]entry{{"TCP", "Reliable.", "Reliable."}, {"UDP", "Fast.", "Fast."}, {"IP", "Addresses.", "Addresses."}}, 0},
		{"definition wrapped over two lines", "**TCP:** A reliable\nbyte stream.",
			[]entry{{"TCP", "A reliable byte stream.", "A reliable\nbyte stream."}}, 0},
		{"definition on the next line", "**TCP:**\nA reliable protocol.",
			[]entry{{"TCP", "A reliable protocol.", "A reliable protocol."}}, 0},
		{"tight list, several forms", "- **TCP:** Reliable.\n- **UDP** - Fast.\n* __IP__: Addresses.",
			[]entry{{"TCP", "Reliable.", "Reliable."}, {"UDP", "Fast.", "Fast."}, {"IP", "Addresses.", "Addresses."}}, 0},
		{"loose list", "- **TCP:** Reliable.\n\n- **UDP** — Fast.",
			[]entry{{"TCP", "Reliable.", "Reliable."}, {"UDP", "Fast.", "Fast."}}, 0},
		{"ordered list", "1. **TCP:** Reliable.\n2. **UDP:** Fast.",
			[]entry{{"TCP", "Reliable.", "Reliable."}, {"UDP", "Fast.", "Fast."}}, 0},
		{"table with Term/Definition header", "| Term | Definition |\n|---|---|\n| TCP | Reliable. |\n| **UDP** | Fast. |",
			[]entry{{"TCP", "Reliable.", "Reliable."}, {"UDP", "Fast.", "Fast."}}, 0},
		{"table with other header names", "| Word | Meaning |\n|:--|--:|\n| TCP: | Uses `SYN`. |",
			[]entry{{"TCP", "Uses SYN.", "Uses <code>SYN</code>."}}, 0},
		{"three-column table uses two", "| a | b | c |\n|---|---|---|\n| TCP | Reliable. | ignored |",
			[]entry{{"TCP", "Reliable.", "Reliable."}}, 1},
		{"inline markdown kept", "**HTTP:** Uses `GET` and [RFC 9110](https://www.rfc-editor.org/rfc/rfc9110), *mostly*.",
			[]entry{{"HTTP", "Uses GET and RFC 9110, mostly.",
				`Uses <code>GET</code> and <a href="https://www.rfc-editor.org/rfc/rfc9110">RFC 9110</a>, <em>mostly</em>.`}}, 0},
		{"escapes and entities", `**AT&amp;T:** Says \*hi\* & "bye".`,
			[]entry{{"AT&T", `Says *hi* & "bye".`, `Says *hi* &amp; &quot;bye&quot;.`}}, 0},
		{"curly quotes and emoji", "**Wi‑Fi 📶:** “Wireless” networking 🚀.",
			[]entry{{"Wi‑Fi 📶", "“Wireless” networking 🚀.", "“Wireless” networking 🚀."}}, 0},
		{"not an entry is reported", "These are from the textbook.\n\n**TCP:** Reliable.",
			[]entry{{"TCP", "Reliable.", "Reliable."}}, 1},
		{"bold without separator is not an entry", "**TCP**-based tools are common.",
			nil, 2}, // the paragraph, and the section that yielded nothing
		{"italic is not an entry", "*TCP:* Reliable.",
			nil, 2},
		{"empty definition is kept, undefined, and reported", "**TCP:**\n\n**UDP:** Fast.",
			[]entry{{"TCP", "", string(undefinedHTML)}, {"UDP", "Fast.", "Fast."}}, 1},
		{"code and sub-headings are skipped", "```\ncode\n```\n\n### Transport\n\n**TCP:** Reliable.\n\n---",
			[]entry{{"TCP", "Reliable.", "Reliable."}}, 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			n := parseOK(t, "# Note\n\n## Vocabulary\n\n"+tt.body+"\n")
			var got []entry
			for _, v := range n.Vocabulary {
				got = append(got, entry{v.Term, v.Definition, string(v.DefinitionHTML)})
			}
			if !slices.Equal(got, tt.want) {
				t.Errorf("terms:\n got %q\nwant %q", got, tt.want)
			}
			if len(n.Problems) != tt.problems {
				t.Errorf("got %d problems, want %d: %q", len(n.Problems), tt.problems, n.Problems)
			}
		})
	}
}

func TestVocabularyHeadings(t *testing.T) {
	tests := []struct {
		heading string
		want    bool
	}{
		{"## Vocabulary", true},
		{"## vocabulary", true},
		{"## VOCABULARY:", true},
		{"### Vocab", true},
		{"## Key terms", true},
		{"## Key Terms:", true},
		{"## Terms", true},
		{"# Glossary", true},
		{"#### Key vocabulary", true},
		{"## **Vocabulary**", true},
		{"## 📚 Vocabulary", true},
		{"Vocabulary\n----------", true},
		{"## Vocabulary practice", false},
		{"## Terms and conditions", false},
		{"**Vocabulary**", true}, // an intro line, not a heading
		{"Vocabulary Terms:", true},
		{"## Vocabulary & Terms", true},
		{"## Document the following Vocabulary Terms", true},
		{"## Vocabulary Terms:  ", true},
		{"## Vocabulary Terms practice", false},
	}
	for _, tt := range tests {
		t.Run(tt.heading, func(t *testing.T) {
			n := parseOK(t, "# Title\n\nIntro.\n\n"+tt.heading+"\n\n**TCP:** Reliable.\n")
			if got := len(n.Vocabulary) == 1; got != tt.want {
				t.Errorf("vocabulary found = %v, want %v (terms %q)", got, tt.want, terms(n))
			}
		})
	}
}

func TestVocabularySectionEnds(t *testing.T) {
	src := `# Note

## Vocabulary

**TCP:** Reliable.

### Transport terms

**UDP:** Fast.

## Later section

**IP:** Not a term: the vocabulary section ended.

## Glossary

**DNS:** Names to addresses.
`
	n := parseOK(t, src)
	if got, want := terms(n), []string{"TCP", "UDP", "DNS"}; !slices.Equal(got, want) {
		t.Errorf("terms = %q, want %q", got, want)
	}
}

func TestDuplicateTerms(t *testing.T) {
	n := parseOK(t, "## Vocabulary\n\n**TCP:** First.\n\n**tcp:** Second.\n\n**🔌 TCP:** Third.\n\n**UDP:** Fast.\n")
	if got, want := terms(n), []string{"TCP", "UDP"}; !slices.Equal(got, want) {
		t.Fatalf("terms = %q, want %q", got, want)
	}
	if got, want := n.Vocabulary[0].Definition, "First. Second. Third."; got != want {
		t.Errorf("merged definition %q, want %q", got, want)
	}
	if len(n.Problems) != 0 {
		t.Errorf("problems = %q, want none: merging is not a loss", n.Problems)
	}
}

func TestVocabularyIsNotLinkedOrAsked(t *testing.T) {
	n := parseOK(t, "## Vocabulary\n\n### What is TCP?\n\n**TCP:** Reliable.\n")
	if len(n.QA) != 0 {
		t.Errorf("a question inside the vocabulary section became a QA: %q", questions(n))
	}
	if got := n.Vocabulary[0].DefinitionHTML; got != template.HTML("Reliable.") {
		t.Errorf("DefinitionHTML = %q", got)
	}
}
