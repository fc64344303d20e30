package notes

import (
	"errors"
	"io/fs"
	"slices"
	"strings"
	"testing"
	"testing/fstest"
)

func file(s string) *fstest.MapFile { return &fstest.MapFile{Data: []byte(s)} }

func TestLoad(t *testing.T) {
	fsys := fstest.MapFS{
		"Notes 13.md":            file("# Sockets\n\n### Why?\n\nBecause.\n"),
		"archive/notes-13.md":    file("# Another Notes 13\n"),
		"quizzes/week-1.md":      file("# Quiz, not a note\n"),
		"units/quizzes/extra.md": file("# Nested quizzes folder is notes\n"),
		".git/HEAD.md":           file("# hidden\n"),
		".draft.md":              file("# hidden file\n"),
		"bad.md":                 file("caf\xe9\n"),
		"alpha.MD":               file("---\ntitle: alpha\n---\nText.\n"),
		"Beta.md":                file("No title here.\n"),
		"readme.txt":             file("# not markdown\n"),
		"empty.md":               file(""),
	}
	lib := Load(fsys)

	var got []string
	for _, n := range lib.Notes {
		got = append(got, n.Title+"|"+n.Slug+"|"+n.Path)
	}
	want := []string{
		"alpha|alpha|alpha.MD",
		"bad|bad|bad.md",
		"Beta|beta|Beta.md",
		"empty|empty|empty.md",
		"Nested quizzes folder is notes|extra|units/quizzes/extra.md",
		"notes-13|notes-13|notes-13/archive",
		"Sockets|notes-13|Notes 13.md",
	}
	// The duplicate's title is its file name; fix the expectation's path.
	want[5] = "notes-13|notes-13|archive/notes-13.md"
	if !slices.Equal(got, want) {
		t.Errorf("notes:\n got %q\nwant %q", got, want)
	}

	if n, ok := lib.Note("notes-13"); !ok || n.Path != "Notes 13.md" {
		t.Errorf(`Note("notes-13") = %v, %v; want the file found first`, n, ok)
	}
	if _, ok := lib.Note("week-1"); ok {
		t.Errorf("a quiz loaded as a note")
	}
	var bad []string
	for _, n := range lib.Errors() {
		bad = append(bad, n.Path)
	}
	if want := []string{"bad.md", "archive/notes-13.md"}; !slices.Equal(bad, want) {
		t.Errorf("Errors() = %q, want %q", bad, want)
	}
	if dup := lib.Notes[5]; dup.Err == nil || !strings.Contains(dup.Err.Error(), `slug "notes-13" is already used by Notes 13.md`) {
		t.Errorf("duplicate slug error = %v", dup.Err)
	}
	if len(lib.Problems) != 0 {
		t.Errorf("library problems: %q", lib.Problems)
	}
}

// brokenFS fails to read one directory.
type brokenFS struct{ fstest.MapFS }

func (b brokenFS) ReadDir(name string) ([]fs.DirEntry, error) {
	if name == "locked" {
		return nil, errors.New("permission denied")
	}
	return b.MapFS.ReadDir(name)
}

func TestLoadUnreadableFolder(t *testing.T) {
	lib := Load(brokenFS{fstest.MapFS{
		"ok.md":        file("# OK\n"),
		"locked/x.md":  file("# X\n"),
		"other/y.md":   file("# Y\n"),
		"missing.json": file("{}"),
	}})
	if len(lib.Notes) != 2 {
		t.Errorf("loaded %d notes, want 2", len(lib.Notes))
	}
	if len(lib.Problems) != 1 || !strings.Contains(lib.Problems[0], "locked") {
		t.Errorf("problems = %q", lib.Problems)
	}
	if lib := Load(fstest.MapFS{}); len(lib.Notes) != 0 || len(lib.Problems) != 0 {
		t.Errorf("empty folder: %+v", lib)
	}
}

func TestGlossaryMerge(t *testing.T) {
	lib := Load(fstest.MapFS{
		"a.md": file("# A\n\n## Vocabulary\n\n**TCP:** Reliable.\n\n**éthernet:** Cables.\n\n**C:** A letter.\n"),
		"b.md": file("# B\n\n## Key terms\n\n**tcp** - Ordered `bytes`.\n\n**Zebra:** Last.\n\n**C++:** A language.\n\n**🔌 ÉTHERNET:** Wired.\n\n**802.11:** Wi-Fi.\n"),
		"c.md": file("bad \xff"),
	})
	var got []string
	for _, e := range lib.Glossary {
		var from []string
		for _, d := range e.Definitions {
			from = append(from, d.NoteSlug+":"+d.Definition)
		}
		got = append(got, e.Letter+" "+e.ID+"="+e.Term+"["+strings.Join(from, ";")+"]")
	}
	want := []string{
		"# term-802-11=802.11[b:Wi-Fi.]",
		"C term-c=C[a:A letter.]",
		"C term-c-2=C++[b:A language.]",
		"E term-ethernet=éthernet[a:Cables.;b:Wired.]",
		"T term-tcp=TCP[a:Reliable.;b:Ordered bytes.]",
		"Z term-zebra=Zebra[b:Last.]",
	}
	if !slices.Equal(got, want) {
		t.Errorf("glossary:\n got %q\nwant %q", got, want)
	}
	if d := lib.Glossary[4].Definitions[1]; d.NoteTitle != "B" || d.DefinitionHTML != "Ordered <code>bytes</code>." {
		t.Errorf("sourced definition = %+v", d)
	}
	// Each note's terms carry their glossary entry's ID.
	b, _ := lib.Note("b")
	var ids []string
	for _, v := range b.Vocabulary {
		ids = append(ids, v.ID)
	}
	if want := []string{"term-tcp", "term-zebra", "term-c-2", "term-ethernet", "term-802-11"}; !slices.Equal(ids, want) {
		t.Errorf("note b term IDs = %q, want %q", ids, want)
	}
}

func TestGlossaryLinks(t *testing.T) {
	const vocab = "# Vocab\n\n## Vocabulary\n\n" +
		"**Socket:** One end of a connection.\n\n" +
		"**Socket.io:** A library on top of WebSocket.\n\n" +
		"**Web Socket:** A full-duplex protocol.\n\n" +
		"**TCP:** A <reliable> \"stream\" & more.\n\n" +
		"**Réseau:** Network.\n\n" +
		"**amp:** Amplifier.\n\n" +
		"**C++:** A language.\n\n" +
		"**Proxy:** A go-between.\n\n" +
		"**Address:** Where a host is.\n\n" +
		"**DNS (Domain Name System):** Names to addresses.\n\n" +
		"**Wireless Socket (WS):** Not a real thing.\n"
	tests := []struct {
		name  string
		body  string
		links []string // linked text, in order
	}{
		{"first use only, any case", "tcp and TCP and Tcp.", []string{"tcp"}},
		{"whole words, plurals and joined spellings", "Sockets, websocket, xTCP, TCPs, TCP_2 and TCP2.", []string{"Sockets", "websocket", "TCPs"}},
		{"not inside a longer word", "xTCP, TCP_2, TCP2, Socketsx and webs.", nil},
		{"hyphenated", "A web-socket is open.", []string{"web-socket"}},
		{"plural in es and ies", "Two proxies and three addresses.", []string{"proxies", "addresses"}},
		{"abbreviation in parentheses, in capitals only", "The ws field, then WS, then Domain Name System.", []string{"WS", "Domain Name System"}},
		{"the term without its abbreviation", "A domain name system.", []string{"domain name system"}},
		{"longest term wins", "Socket.io uses a Socket.", []string{"Socket.io", "Socket"}},
		{"a longer term is not split later", "Socket.io, then Socket.io again, then a socket.", []string{"Socket.io", "socket"}},
		{"multi-word term, any spacing", "A web   socket is full duplex.", []string{"web   socket"}},
		{"non-ASCII term", "Le réseau, les réseaux.", []string{"réseau"}},
		{"non-ASCII boundary", "Les réseaux.", nil},
		{"symbol term", "C++ is not C.", []string{"C++"}},
		{"not inside headings", "## TCP\n\nThen TCP.", []string{"TCP"}},
		{"not inside links", "[TCP](https://example.com) then TCP.", []string{"TCP"}},
		{"not inside autolinks", "https://tcp.example.com then TCP.", []string{"TCP"}},
		{"not inside code", "`TCP` and\n\n```\nTCP\n```\n\n    TCP\n\nTCP.", []string{"TCP"}},
		{"not inside images", "![TCP diagram](d.png) TCP", []string{"TCP"}},
		{"inside emphasis, lists and tables", "*TCP*\n\n- Socket\n\n| a |\n|---|\n| Réseau |", []string{"TCP", "Socket", "Réseau"}},
		{"entities are never split", "AT&amp;T and an amp.", []string{"amp"}},
		{"escapes are never split", `\&amp; amp`, []string{"amp"}},
		{"across a soft line break", "uses TCP\nand Socket", []string{"TCP", "Socket"}},
		{"text split by goldmark at underscores", "snake_case TCP_x then TCP", []string{"TCP"}},
		{"not in this note's vocabulary", "Nothing.\n\n## Vocabulary\n\n**UDP:** Uses no TCP.", nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			lib := Load(fstest.MapFS{"vocab.md": file(vocab), "note.md": file("# Note\n\n" + tt.body + "\n")})
			n, _ := lib.Note("note")
			if n.Err != nil {
				t.Fatal(n.Err)
			}
			got := linkedTexts(string(n.HTML))
			if !slices.Equal(got, tt.links) {
				t.Errorf("links = %q, want %q\n%s", got, tt.links, n.HTML)
			}
			assertSafe(t, "HTML", string(n.HTML))
			if d := duplicate(ids(string(n.HTML))); d != "" {
				t.Errorf("duplicate id %q", d)
			}
		})
	}
}

// linkedTexts returns the text of every glossary link in rendered HTML.
func linkedTexts(h string) []string {
	var out []string
	for {
		i := strings.Index(h, `<a class="gloss"`)
		if i < 0 {
			return out
		}
		h = h[i:]
		start := strings.Index(h, ">") + 1
		end := strings.Index(h, "</a>")
		out = append(out, h[start:end])
		h = h[end:]
	}
}

func TestGlossaryLinkMarkup(t *testing.T) {
	lib := Load(fstest.MapFS{
		"a.md": file("# A\n\n## Tip 1\n\nTCP carries data.\n\n## Vocabulary\n\n**TCP:** A \\<reliable> \"stream\" & `more`.\n\n**Réseau:** Network.\n"),
		"b.md": file("# B\n\nLe réseau.\n"),
	})
	a, _ := lib.Note("a")
	want := `<p><span class="gloss-wrap"><a class="gloss" href="/vocabulary#term-tcp" aria-describedby="tip-2">TCP</a>` +
		`<span class="gloss-tip" role="tooltip" id="tip-2">A &lt;reliable&gt; &#34;stream&#34; &amp; more.</span></span> carries data.</p>`
	if !strings.Contains(string(a.HTML), want) {
		t.Errorf("HTML lacks\n%s\nin\n%s", want, a.HTML)
	}
	if !strings.Contains(string(a.HTML), `<h2 id="tip-1">Tip 1</h2>`) {
		t.Errorf("heading id changed:\n%s", a.HTML)
	}
	b, _ := lib.Note("b")
	if want := `href="/vocabulary#term-r%C3%A9seau"`; strings.Contains(string(b.HTML), want) {
		t.Errorf("accented term ID leaked into href: %s", b.HTML)
	}
	if want := `href="/vocabulary#term-reseau"`; !strings.Contains(string(b.HTML), want) {
		t.Errorf("HTML lacks %s:\n%s", want, b.HTML)
	}
	// Answers and definitions stay free of glossary markup: they are shown
	// in places (flashcards, the live quiz) with no tooltip CSS.
	for _, n := range lib.Notes {
		for _, q := range n.QA {
			if strings.Contains(string(q.AnswerHTML), "gloss") {
				t.Errorf("answer has glossary links: %s", q.AnswerHTML)
			}
		}
	}
}

// Load and Parse share one goldmark instance; they must be safe to call
// from several goroutines (a reload while requests are served). Run with
// -race to make this test mean something.
func TestConcurrentLoads(t *testing.T) {
	fsys := fstest.MapFS{
		"a.md": file("# A\n\n### Why?\n\nTCP.\n\n```go\nx := 1\n```\n\n## Vocabulary\n\n**TCP:** t\n"),
		"b.md": file("# B\n\n| a |\n|:-:|\n| TCP |\n"),
	}
	want := Load(fsys)
	done := make(chan *Library)
	for range 8 {
		go func() { done <- Load(fsys) }()
	}
	for range 8 {
		got := <-done
		for i := range want.Notes {
			if got.Notes[i].HTML != want.Notes[i].HTML {
				t.Errorf("concurrent load rendered %s differently", got.Notes[i].Slug)
			}
		}
	}
}

// A term one note leaves undefined and another defines: the glossary
// shows the definition, the tooltip too, and both notes link to it.
func TestUndefinedTermDefinedElsewhere(t *testing.T) {
	lib := Load(fstest.MapFS{
		"a.md": file("# A\n\nThe window grows.\n\n## Vocabulary\n\n**Window:**\n"),
		"b.md": file("# B\n\n## Vocabulary\n\n**window:** how much may be sent before an acknowledgement.\n"),
		"c.md": file("# C\n\nA namespace.\n\n## Vocabulary\n\n**Namespace:**\n"),
	})
	if len(lib.Glossary) != 2 {
		t.Fatalf("glossary = %+v", lib.Glossary)
	}
	ns, win := lib.Glossary[0], lib.Glossary[1]
	if len(win.Definitions) != 1 || win.Definitions[0].NoteSlug != "b" {
		t.Errorf("Window definitions = %+v, want only b's", win.Definitions)
	}
	if len(ns.Definitions) != 1 || ns.Definitions[0].DefinitionHTML != undefinedHTML {
		t.Errorf("Namespace definitions = %+v, want one, undefined", ns.Definitions)
	}
	a, _ := lib.Note("a")
	if !strings.Contains(string(a.HTML), `id="tip-1">how much may be sent`) {
		t.Errorf("note a's tooltip lacks b's definition:\n%s", a.HTML)
	}
	c, _ := lib.Note("c")
	if !strings.Contains(string(c.HTML), `id="tip-1">`+undefinedTip+`<`) {
		t.Errorf("note c's tooltip does not say the term is undefined:\n%s", c.HTML)
	}
}
