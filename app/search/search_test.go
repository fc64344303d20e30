package search

import (
	"errors"
	"fmt"
	"io/fs"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"testing/fstest"
	"unicode/utf8"

	"netstudy/app/catalog"
	"netstudy/app/notes"
	"netstudy/content"
)

func shippedIndex(t *testing.T) (*Index, *notes.Library) {
	t.Helper()
	lib := notes.Load(content.FS)
	ix, err := Build(Sections(lib))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { ix.Close() })
	return ix, lib
}

func mustSearch(t *testing.T, ix *Index, q string) []Result {
	t.Helper()
	res, err := ix.Search(q)
	if err != nil {
		t.Fatalf("Search(%q): %v", q, err)
	}
	return res
}

// Every shipped note whose text says QUIC is found by "QUIC", whatever the
// case typed, though most say it only in passing.
func TestSearchFindsEveryNoteHoldingAWord(t *testing.T) {
	ix, lib := shippedIndex(t)
	want := map[string]bool{}
	for _, s := range Sections(lib) {
		if strings.Contains(s.Text, "QUIC") || strings.Contains(s.Heading, "QUIC") {
			want[s.Slug] = true
		}
	}
	if len(want) < 2 {
		t.Fatalf("the shipped notes mention QUIC in %d notes; the test needs several", len(want))
	}
	for _, q := range []string{"QUIC", "quic", " Quic "} {
		got := map[string]bool{}
		for _, r := range mustSearch(t, ix, q) {
			got[r.Slug] = true
			if !strings.Contains(strings.ToLower(r.SnippetHTML+r.Heading+r.Title), "quic") {
				t.Errorf("%q: result %s shows no QUIC: %q", q, r.URL, r.SnippetHTML)
			}
		}
		for slug := range want {
			if !got[slug] {
				t.Errorf("%q does not find note %s", q, slug)
			}
		}
	}
}

// A word is found wherever a student may have put it: running text, a
// question, an answer, a vocabulary term, a code block.
func TestSearchFindsAWordInEveryPartOfANote(t *testing.T) {
	lib := notes.Load(fstest.MapFS{
		"text.md":     {Data: []byte("# Text\n\nHTTP/3 runs over QUIC on UDP port 443.\n")},
		"question.md": {Data: []byte("# Question\n\n## Why did Google build QUIC?\n\nTo cut the setup time of TLS over TCP.\n")},
		"answer.md":   {Data: []byte("# Answer\n\n## What replaces TCP in HTTP/3?\n\nA transport called quic, on top of UDP.\n")},
		"term.md":     {Data: []byte("# Term\n\n## Vocabulary\n\n- **QUIC**: a transport protocol over UDP with TLS built in.\n")},
		"code.md":     {Data: []byte("# Code\n\n## Try it\n\n```\n$ curl --http3-only --quic-version 1 https://example.com\n```\n")},
		"other.md":    {Data: []byte("# Other\n\n## Ethernet\n\nFrames on a wire.\n")},
	})
	ix, err := Build(Sections(lib))
	if err != nil {
		t.Fatal(err)
	}
	defer ix.Close()
	got := map[string]string{}
	for _, r := range mustSearch(t, ix, "QUIC") {
		got[r.Slug] = r.URL
	}
	want := map[string]string{
		"text":     "/notes/text",
		"question": "/notes/question#why-did-google-build-quic",
		"answer":   "/notes/answer#what-replaces-tcp-in-http-3",
		"term":     "/notes/term#vocabulary",
		"code":     "/notes/code#try-it",
	}
	for slug, url := range want {
		if got[slug] != url {
			t.Errorf("note %s: got %q, want %q", slug, got[slug], url)
		}
	}
	if _, ok := got["other"]; ok {
		t.Error("a note without the word is found")
	}
}

func TestSearchRanking(t *testing.T) {
	ix, _ := shippedIndex(t)
	tests := []struct {
		q           string
		wantHeading string // the best result's heading contains this
	}{
		{"three-way handshake", "three-way handshake"},
		{"acknowledgement number", "acknowledgement number"},
		{"flow control", "flow control"},
		{"subnet mask", "subnet"},
	}
	for _, tt := range tests {
		t.Run(tt.q, func(t *testing.T) {
			res := mustSearch(t, ix, tt.q)
			if len(res) == 0 {
				t.Fatal("no results")
			}
			if !strings.Contains(strings.ToLower(res[0].Heading), tt.wantHeading) {
				t.Errorf("best result is %q (%s), want a heading with %q", res[0].Heading, res[0].URL, tt.wantHeading)
			}
		})
	}
}

func TestSearchMatchesWordsBeingTyped(t *testing.T) {
	ix, _ := shippedIndex(t)
	tests := []struct {
		q, want string // want is marked in some snippet
	}{
		{"sock", "<mark>socket"},                // the start of a word, as typed
		{"handsh", "<mark>handshake"},           // ditto
		{"ports", "<mark>port"},                 // a plural finds the singular
		{"ss -tln", "<mark>ss</mark>"},          // code is searched too
		{"<b>handshake</b>", "<mark>handshake"}, // pasted markup is words, and lone letters are optional
	}
	for _, tt := range tests {
		t.Run(tt.q, func(t *testing.T) {
			res := mustSearch(t, ix, tt.q)
			for _, r := range res {
				if strings.Contains(strings.ToLower(r.SnippetHTML), strings.ToLower(tt.want)) {
					return
				}
			}
			t.Errorf("no snippet with %q in %d results: %+v", tt.want, len(res), res)
		})
	}
	// A finished word (a space after it) is not a prefix any more.
	if res := mustSearch(t, ix, "sock "); len(res) != 0 {
		t.Errorf(`"sock " finds %d results, want none (no note has the word "sock")`, len(res))
	}
}

func TestSearchEmptyAndLimits(t *testing.T) {
	ix, _ := shippedIndex(t)
	for _, q := range []string{"", "   ", "the", "?!"} {
		res := mustSearch(t, ix, q)
		if res == nil || len(res) != 0 {
			t.Errorf("Search(%q) = %v, want an empty list", q, res)
		}
	}
	for _, q := range []string{strings.Repeat("a", MaxQueryBytes+1), strings.Repeat("tcp ", MaxQueryWords+1)} {
		if _, err := ix.Search(q); !errors.Is(err, ErrQueryTooLong) {
			t.Errorf("Search of %d bytes: err %v, want ErrQueryTooLong", len(q), err)
		}
	}
	if res := mustSearch(t, ix, "\xff\xfeTCP"); len(res) == 0 {
		t.Error("a query with bytes that are not UTF-8 around a word finds nothing")
	}
	res := mustSearch(t, ix, "tcp")
	if len(res) > MaxResults {
		t.Errorf("%d results, limit %d", len(res), MaxResults)
	}
	per := map[string]int{}
	for _, r := range res {
		if per[r.Slug]++; per[r.Slug] > maxPerNote {
			t.Errorf("note %s has more than %d results", r.Slug, maxPerNote)
		}
	}
}

// Markup in a note or in the query comes back as text: only <mark> is a tag.
func TestSnippetEscapes(t *testing.T) {
	ix, err := Build([]Section{{
		Slug: "x", Title: "X", Heading: "Tags", Anchor: "tags",
		Text: `A <script>alert("QUIC")</script> & <i>QUIC</i> tag <img src=x onerror=alert(1)>.`,
	}})
	if err != nil {
		t.Fatal(err)
	}
	defer ix.Close()
	res := mustSearch(t, ix, "QUIC")
	if len(res) != 1 {
		t.Fatalf("%d results", len(res))
	}
	want := `A &lt;script&gt;alert(&#34;<mark>QUIC</mark>&#34;)&lt;/script&gt; &amp; &lt;i&gt;<mark>QUIC</mark>&lt;/i&gt; tag &lt;img src=x onerror=alert(1)&gt;.`
	if got := res[0].SnippetHTML; got != want {
		t.Errorf("snippet\n got %s\nwant %s", got, want)
	}
	for _, q := range []string{"<b>QUIC</b>", `"><img src=x onerror=alert(1)>`, "<mark>tag</mark>", "</mark><script>"} {
		for _, r := range mustSearch(t, ix, q) {
			bare := strings.NewReplacer("<mark>", "", "</mark>", "").Replace(r.SnippetHTML)
			if strings.ContainsAny(bare, "<>\"") {
				t.Errorf("%q: snippet holds markup: %s", q, r.SnippetHTML)
			}
			if strings.Count(r.SnippetHTML, "<mark>") != strings.Count(r.SnippetHTML, "</mark>") {
				t.Errorf("%q: unbalanced marks: %s", q, r.SnippetHTML)
			}
		}
	}
}

func TestSnippetWindow(t *testing.T) {
	long := strings.Repeat("filler words here ", 20) + "the QUIC transport " + strings.Repeat("more text follows ", 20)
	at := strings.Index(long, "QUIC")
	got := snippet(long, []span{{at, at + 4}})
	if !strings.HasPrefix(got, "… ") || !strings.HasSuffix(got, " …") {
		t.Errorf("a window in the middle is not marked as cut: %q", got)
	}
	if !strings.Contains(got, "the <mark>QUIC</mark> transport") {
		t.Errorf("snippet %q lost the match", got)
	}
	if n := len(got); n > snippetLength+40 {
		t.Errorf("snippet is %d bytes", n)
	}
	// No match inside the text: the start of the text.
	if got := snippet("short text", nil); got != "short text" {
		t.Errorf("snippet without match = %q", got)
	}
	// Multi-byte text is never cut inside a character.
	accents := strings.Repeat("é", 300) + " QUIC"
	got = snippet(accents, []span{{len(accents) - 4, len(accents)}})
	if !strings.Contains(got, "<mark>QUIC</mark>") || strings.ContainsRune(got, '\uFFFD') {
		t.Errorf("snippet of accented text = %q", got)
	}
}

func TestSectionsFollowTheRenderedHeadings(t *testing.T) {
	lib := notes.Load(fstest.MapFS{"tcp.md": {Data: []byte(`# TCP notes

Opening words about TCP.

## How does the handshake work?

SYN, then SYN-ACK, then ACK.

` + "```" + `
$ ss -tln
` + "```" + `

## Vocabulary

| Term | Definition |
|---|---|
| SYN | The flag that opens a connection. |
`)}})
	secs := Sections(lib)
	type want struct{ heading, anchor, text string }
	wants := []want{
		{"TCP notes", "", "Opening words about TCP."},
		{"How does the handshake work?", "how-does-the-handshake-work", "SYN, then SYN-ACK, then ACK. $ ss -tln"},
		{"Vocabulary", "vocabulary", "Term Definition SYN The flag that opens a connection."},
	}
	if len(secs) != len(wants) {
		t.Fatalf("%d sections: %+v", len(secs), secs)
	}
	for i, w := range wants {
		s := secs[i]
		if s.Heading != w.heading || s.Anchor != w.anchor || s.Text != w.text {
			t.Errorf("section %d = %q #%q %q, want %q #%q %q", i, s.Heading, s.Anchor, s.Text, w.heading, w.anchor, w.text)
		}
	}
	if u := secs[1].URL(); u != "/notes/tcp#how-does-the-handshake-work" {
		t.Errorf("URL = %q", u)
	}
}

// Glossary tooltips repeat a definition from another note: a word only in
// the tooltip must not make the section a match.
func TestSectionsLeaveOutGlossaryTooltips(t *testing.T) {
	lib := notes.Load(fstest.MapFS{
		"a.md": {Data: []byte("# A\n\n## Vocabulary\n\n- **Port**: a number naming a zanzibar service.\n")},
		"b.md": {Data: []byte("# B\n\n## Use\n\nEvery port is a number.\n")},
	})
	var use Section
	for _, s := range Sections(lib) {
		if s.Slug == "b" && s.Anchor == "use" {
			use = s
		}
	}
	if use.Text != "Every port is a number." {
		t.Fatalf("section text %q", use.Text)
	}
	b, _ := lib.Note("b")
	if !strings.Contains(string(b.HTML), "zanzibar") {
		t.Fatal("the test expects the glossary tooltip in note b's HTML")
	}
}

func TestSearcherFollowsContentEdits(t *testing.T) {
	dir := t.TempDir()
	write := func(body string) {
		t.Helper()
		if err := os.WriteFile(filepath.Join(dir, "n.md"), []byte(body), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	write("# N\n\n## First\n\nAbout ethernet.\n")
	c := catalog.New(os.DirFS(dir), slog.New(slog.DiscardHandler))
	s, err := New(c)
	if err != nil {
		t.Fatal(err)
	}
	if res, _ := s.Search("ethernet"); len(res) != 1 {
		t.Fatalf("before the edit: %+v", res)
	}
	write("# N\n\n## Second\n\nAbout wifi.\n")
	c.Reload() // what the watcher does after a change
	res, err := s.Search("wifi")
	if err != nil || len(res) != 1 || res[0].URL != "/notes/n#second" {
		t.Fatalf("after the edit: %+v, %v", res, err)
	}
	if res, _ := s.Search("ethernet"); len(res) != 0 {
		t.Errorf("the old text is still found: %+v", res)
	}
}

var _ fs.FS = content.FS

// Searches keep working, and see either the old or the new content, while
// the content changes under them.
func TestSearcherConcurrentWithReloads(t *testing.T) {
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "n.md"), []byte("# N\n\n## One\n\nAbout ethernet frames.\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	c := catalog.New(os.DirFS(dir), slog.New(slog.DiscardHandler))
	s, err := New(c)
	if err != nil {
		t.Fatal(err)
	}
	done := make(chan error, 4)
	for range 4 {
		go func() {
			for range 20 {
				res, err := s.Search("ethernet")
				if err != nil {
					done <- err
					return
				}
				if len(res) != 1 {
					done <- fmt.Errorf("%d results", len(res))
					return
				}
			}
			done <- nil
		}()
	}
	for range 5 {
		c.Reload()
	}
	for range 4 {
		if err := <-done; err != nil {
			t.Error(err)
		}
	}
}

// FuzzSearch: whatever is typed, a search answers without failing, and a
// snippet is text with balanced marks and no other markup.
func FuzzSearch(f *testing.F) {
	ix, err := Build([]Section{
		{Slug: "a", Title: "A", Heading: "One", Anchor: "one", Text: `TCP <b>handshake</b> & "QUIC" over UDP; ss -tln; é ü 😀 日本語`},
		{Slug: "b", Title: "B", Heading: "Two", Anchor: "two", Text: strings.Repeat("port socket window ", 40)},
	})
	if err != nil {
		f.Fatal(err)
	}
	f.Cleanup(func() { ix.Close() })
	for _, seed := range []string{"", "tcp", "QUIC", "<b>", "hand", "é", "日本", "\xff", "a b c d", "* ? ~ : ^ \\ \"", "port socket"} {
		f.Add(seed)
	}
	f.Fuzz(func(t *testing.T, q string) {
		res, err := ix.Search(q)
		if err != nil {
			if errors.Is(err, ErrQueryTooLong) {
				return
			}
			t.Fatalf("Search(%q): %v", q, err)
		}
		for _, r := range res {
			bare := strings.NewReplacer("<mark>", "", "</mark>", "").Replace(r.SnippetHTML)
			if strings.ContainsAny(bare, "<>") {
				t.Fatalf("Search(%q): snippet holds markup: %s", q, r.SnippetHTML)
			}
			if strings.Count(r.SnippetHTML, "<mark>") != strings.Count(r.SnippetHTML, "</mark>") {
				t.Fatalf("Search(%q): unbalanced marks: %s", q, r.SnippetHTML)
			}
			if !utf8.ValidString(r.SnippetHTML) {
				t.Fatalf("Search(%q): snippet is not UTF-8: %q", q, r.SnippetHTML)
			}
		}
	})
}
