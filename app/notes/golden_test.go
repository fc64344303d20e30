package notes

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestGolden renders the realistic notes in testdata/library and compares
// everything a page or the API shows with testdata/golden. After an
// intended change, run `go test ./app/notes/ -run TestGolden -update` and
// read the diff.
func TestGolden(t *testing.T) {
	lib := Load(os.DirFS("testdata/library"))
	if len(lib.Notes) != 10 {
		t.Errorf("loaded %d notes, want 10 (quizzes/ excluded)", len(lib.Notes))
	}
	for _, n := range lib.Notes {
		t.Run(n.Slug, func(t *testing.T) {
			if n.Err != nil {
				t.Fatal(n.Err)
			}
			assertSafe(t, "HTML", string(n.HTML))
			if d := duplicate(ids(string(n.HTML))); d != "" {
				t.Errorf("duplicate id %q", d)
			}
			checkGolden(t, n.Slug+".golden", dumpNote(n))
		})
	}
	var b strings.Builder
	for _, e := range lib.Glossary {
		fmt.Fprintf(&b, "%s %s %q\n", e.Letter, e.ID, e.Term)
		for _, d := range e.Definitions {
			fmt.Fprintf(&b, "  %s (%s): %s\n  html: %s\n", d.NoteSlug, d.NoteTitle, d.Definition, d.DefinitionHTML)
		}
	}
	checkGolden(t, "glossary.golden", b.String())
}

func dumpNote(n *Note) string {
	var b strings.Builder
	fmt.Fprintf(&b, "slug: %s\ntitle: %s\npath: %s\n", n.Slug, n.Title, n.Path)
	for _, p := range n.Problems {
		fmt.Fprintf(&b, "problem: %s\n", p)
	}
	b.WriteString("\n# toc\n")
	for _, h := range n.TOC {
		fmt.Fprintf(&b, "%s%s #%s\n", strings.Repeat("  ", h.Level-2), h.Text, h.ID)
	}
	b.WriteString("\n# qa\n")
	for _, q := range n.QA {
		fmt.Fprintf(&b, "Q #%s %s\n--- text\n%s\n--- html\n%s\n", q.ID, q.Question, q.AnswerText, q.AnswerHTML)
	}
	b.WriteString("\n# vocabulary\n")
	for _, v := range n.Vocabulary {
		fmt.Fprintf(&b, "%s %q: %s\n  html: %s\n", v.ID, v.Term, v.Definition, v.DefinitionHTML)
	}
	fmt.Fprintf(&b, "\n# html\n%s", n.HTML)
	return b.String()
}

func checkGolden(t *testing.T, name, got string) {
	t.Helper()
	checkGoldenAt(t, filepath.Join("testdata", "golden", name), got)
}

// checkGoldenAt compares got with the file at path, or rewrites the file
// with -update.
func checkGoldenAt(t *testing.T, path, got string) {
	t.Helper()
	if *update {
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, []byte(got), 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run with -update to create it)", err)
	}
	if got != string(want) {
		t.Errorf("%s differs from the golden file; run with -update and review the diff.\n--- got\n%s", path, got)
	}
}
