package notes

import (
	"reflect"
	"slices"
	"strings"
	"testing"
)

func TestSlug(t *testing.T) {
	tests := []struct{ in, want string }{
		{"Notes 13.md", "notes-13"},
		{"notes-13.md", "notes-13"},
		{"dir/sub/My  Note.MD", "my--note"},
		{"Ünit 2.md", "ünit-2"},
		{"week.1.md", "week.1"},
		{"README", "readme"},
	}
	for _, tt := range tests {
		if got := Slug(tt.in); got != tt.want {
			t.Errorf("Slug(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

func TestTermID(t *testing.T) {
	tests := []struct{ in, want string }{
		{"Web Socket", "term-web-socket"},
		{"Socket.io", "term-socket-io"},
		{"TCP/IP", "term-tcp-ip"},
		{"  OSI   Model  ", "term-osi-model"},
		{"Café", "term-cafe"},
		{"Ελληνικά", "term-ελληνικα"},
		{"网络", "term-网络"},
		{"🔌 Ethernet", "term-ethernet"},
		{"802.11ac", "term-802-11ac"},
		{"ﬁle", "term-file"},
	}
	for _, tt := range tests {
		if got := TermID(tt.in); got != tt.want {
			t.Errorf("TermID(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
	// A term with no letters still gets a stable, non-empty, distinct ID.
	a, b := TermID("🚀"), TermID("🛰️")
	if !strings.HasPrefix(a, "term-") || len(a) != len("term-")+8 || a == b || a != TermID("🚀") {
		t.Errorf("TermID of emoji: %q, %q", a, b)
	}
}

func TestLineEndingsAndBOM(t *testing.T) {
	lf := "# Notes\n\n### Why?\n\nBecause\nit is.\n\n## Vocabulary\n\n**TCP:** Reliable\nstream.\n"
	want := parseOK(t, lf)
	for name, src := range map[string]string{
		"CRLF":     strings.ReplaceAll(lf, "\n", "\r\n"),
		"CR":       strings.ReplaceAll(lf, "\n", "\r"),
		"BOM":      "\uFEFF" + lf,
		"BOM+CRLF": "\uFEFF" + strings.ReplaceAll(lf, "\n", "\r\n"),
	} {
		t.Run(name, func(t *testing.T) {
			got := parseOK(t, src)
			if !reflect.DeepEqual(got, want) {
				t.Errorf("differs from the LF version:\n got %+v\nwant %+v", got, want)
			}
			if strings.ContainsAny(string(got.HTML)+got.QA[0].AnswerText, "\r\uFEFF") {
				t.Errorf("CR or BOM left in output: %q", got.HTML)
			}
		})
	}
}

func TestEmojiAndNonASCII(t *testing.T) {
	n := parseOK(t, "# Réseaux 🌐\n\n### Qu’est-ce qu’un paquet ? 📦\n\nUne unité de données 🚀.\n\n## Vocabulaire et Glossary\n\n## Glossary\n\n**Paquet 📦:** Unité de données.\n\n**🔌:** Une prise.\n")
	if n.Title != "Réseaux 🌐" {
		t.Errorf("Title = %q", n.Title)
	}
	if got := questions(n); !slices.Equal(got, []string{"Qu’est-ce qu’un paquet ? 📦"}) {
		t.Errorf("questions = %q", got)
	}
	if n.QA[0].ID != "qu-est-ce-qu-un-paquet" {
		t.Errorf("QA ID = %q", n.QA[0].ID)
	}
	if got := terms(n); !slices.Equal(got, []string{"Paquet 📦", "🔌"}) {
		t.Errorf("terms = %q", got)
	}
	if n.Vocabulary[0].ID != "term-paquet" || !strings.HasPrefix(n.Vocabulary[1].ID, "term-") || len(n.Vocabulary[1].ID) <= len("term-") {
		t.Errorf("term IDs = %q, %q", n.Vocabulary[0].ID, n.Vocabulary[1].ID)
	}
}

func TestUnreadableFiles(t *testing.T) {
	tests := []struct {
		name string
		src  []byte
		want string // in the error
	}{
		{"invalid UTF-8", []byte("# Title\nLatin-1 caf\xe9\n"), "not UTF-8 text (invalid byte 0xe9 on line 2)"},
		{"UTF-16", []byte("\xff\xfe#\x00 \x00T\x00"), "not UTF-8"},
		{"too big", []byte(strings.Repeat("a", MaxNoteSize+1)), "at most"},
		{"malformed YAML", []byte("---\ntitle: [unclosed\n---\n# T\n"), "front matter"},
		{"YAML list, not a map", []byte("---\n- a\n- b\n---\n# T\n"), "front matter"},
		{"unclosed front matter", []byte("---\ntitle: x\n\n# T\n\nText.\n"), "never closed"},
		{"malformed TOML", []byte("+++\ntitle = \n+++\n"), "front matter"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			n := Parse("dir/Bad File.md", tt.src)
			if n.Err == nil || !strings.Contains(n.Err.Error(), tt.want) {
				t.Fatalf("Err = %v, want one containing %q", n.Err, tt.want)
			}
			if !strings.Contains(n.Err.Error(), "dir/Bad File.md") {
				t.Errorf("Err %q does not name the file", n.Err)
			}
			if n.Title != "Bad File" || n.Slug != "bad-file" || n.Path != "dir/Bad File.md" {
				t.Errorf("identity = %q %q %q", n.Title, n.Slug, n.Path)
			}
			if n.HTML != "" || n.QA != nil || n.Vocabulary != nil {
				t.Errorf("an error note carries content: %+v", n)
			}
		})
	}
}

func TestFrontMatterEdgeCases(t *testing.T) {
	n := parseOK(t, "---\ntitle: [a, b]\ntags: x\n---\n# H1 title\n")
	if n.Title != "H1 title" || len(n.Problems) != 1 || !strings.Contains(n.Problems[0], "title") {
		t.Errorf("Title %q, problems %q: a list title should be reported and ignored", n.Title, n.Problems)
	}
	// A thematic break later in the file is not front matter.
	n = parseOK(t, "# T\n\n---\n\nText.\n")
	if !strings.Contains(string(n.HTML), "<hr>") {
		t.Errorf("thematic break lost: %s", n.HTML)
	}
}
