package notes

import (
	"bytes"
	"log/slog"
	"strings"
	"testing"
	"testing/fstest"
)

// Nothing is dropped silently: what the parser could not place is on the
// note, in line order, and in the log when the library loads.
func TestProblemsAreKeptAndLogged(t *testing.T) {
	lib := Load(fstest.MapFS{
		"clean.md": file("# Clean\n\n### Why?\n\nBecause.\n"),
		"messy.md": file("# Messy\n\n### Open?\n\n## Glossary\n\nLater.\n\n## Vocabulary\n\n**TCP:** Reliable.\n\nA stray line.\n"),
	})
	messy, _ := lib.Note("messy")
	want := []string{
		`line 3: the question "Open?" has no answer`,
		`line 5: "Glossary" looks like a vocabulary section but no term entry was found`,
		`line 7: "Later." is not a term entry`,
		`line 13: "A stray line." is not a term entry`,
	}
	if len(messy.Problems) != len(want) {
		t.Fatalf("problems = %q, want %d", messy.Problems, len(want))
	}
	for i, w := range want {
		if !strings.HasPrefix(messy.Problems[i], w) {
			t.Errorf("problem %d = %q, want it to start with %q", i, messy.Problems[i], w)
		}
	}
	if len(messy.QA) != 1 || messy.QA[0].AnswerHTML != "" || len(messy.Vocabulary) != 1 {
		t.Errorf("the rest of the file was not kept: %d questions, %d terms", len(messy.QA), len(messy.Vocabulary))
	}

	var buf bytes.Buffer
	lib.LogProblems(slog.New(slog.NewTextHandler(&buf, nil)))
	logged := buf.String()
	if strings.Count(logged, "\n") != 1 || !strings.Contains(logged, "path=messy.md") || !strings.Contains(logged, "count=4") ||
		!strings.Contains(logged, "A stray line.") {
		t.Errorf("log = %q, want one record for messy.md with its 4 problems", logged)
	}
}
