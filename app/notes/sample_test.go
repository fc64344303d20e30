package notes

import (
	"errors"
	"io/fs"
	"os"
	"testing"
)

// The format students write, checked on a note written for these tests
// (same shape as the real sample: H3 questions, curly quotes, a vocabulary
// of blank-line-separated **Term:** paragraphs).
func TestOwnSampleNote(t *testing.T) {
	checkSample(t, "testdata/own-notes.md", "Notes 7")
}

// The real student file the design refers to, when it is present.
func TestSharedSampleNote(t *testing.T) {
	const path = "../../../shared/samples/notes-13.md"
	if _, err := os.Stat(path); errors.Is(err, fs.ErrNotExist) {
		t.Skip("shared sample not present")
	}
	checkSample(t, path, "Notes 13")
}

func checkSample(t *testing.T, path, title string) {
	t.Helper()
	src, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	n := Parse(path, src)
	if n.Err != nil {
		t.Fatal(n.Err)
	}
	if n.Title != title {
		t.Errorf("Title = %q, want %q", n.Title, title)
	}
	if len(n.QA) != 6 {
		t.Errorf("got %d Q&A pairs, want 6: %q", len(n.QA), questions(n))
	}
	if len(n.Vocabulary) != 10 {
		t.Errorf("got %d terms, want 10: %q", len(n.Vocabulary), terms(n))
	}
	for _, q := range n.QA {
		if q.AnswerHTML == "" || q.AnswerText == "" {
			t.Errorf("%q has no answer", q.Question)
		}
	}
	for _, v := range n.Vocabulary {
		if v.Definition == "" || v.DefinitionHTML == "" || v.ID == "" {
			t.Errorf("incomplete term %+v", v)
		}
	}
	if len(n.Problems) != 0 {
		t.Errorf("problems: %q", n.Problems)
	}
}
