package quiz

import (
	"os"
	"strings"
	"testing"
	"testing/fstest"
)

// loadExamples loads testdata/quizzes, failing on any error.
func loadExamples(t *testing.T) []*Quiz {
	t.Helper()
	s := LoadDir(os.DirFS("testdata"), "quizzes")
	if len(s.Errors) > 0 {
		t.Fatalf("example quizzes have errors: %v", ErrorList(s.Errors))
	}
	if len(s.Quizzes) == 0 {
		t.Fatal("no example quizzes")
	}
	return s.Quizzes
}

func file(s string) *fstest.MapFile { return &fstest.MapFile{Data: []byte(s)} }

const okQuiz = "## Q\n\n- [x] a\n- [ ] b\n"

func TestLoadDir(t *testing.T) {
	fsys := fstest.MapFS{
		"quizzes/zeta.md":         file("# Alpha title\n" + okQuiz),
		"quizzes/alpha.md":        file("# Zeta title\n" + okQuiz),
		"quizzes/Middle Name.md":  file(okQuiz),
		"quizzes/broken.md":       file("## Q\n\n- [ ] a\n- [ ] b\n\n## R\n\nTime: 0\nAnswer: x\n"),
		"quizzes/empty.md":        file(""),
		"quizzes/huge.md":         file(strings.Repeat("x", MaxFileSize+1)),
		"quizzes/README.md":       file("How to write quizzes."),
		"quizzes/.#alpha.md":      file("editor lock file"),
		"quizzes/notes.txt":       file("not a quiz"),
		"quizzes/sub/deeper.md":   file(okQuiz),
		"quizzes/UPPER.MD":        file(okQuiz),
		"elsewhere/not-loaded.md": file(okQuiz),
	}
	s := LoadDir(fsys, "quizzes")

	var ids []string
	for _, z := range s.Quizzes {
		ids = append(ids, z.ID+"="+z.Title)
	}
	// Sorted by title, case-insensitively.
	want := "zeta=Alpha title, middle-name=Middle Name, upper=UPPER, alpha=Zeta title"
	if got := strings.Join(ids, ", "); got != want {
		t.Errorf("quizzes = %s\nwant      %s", got, want)
	}

	var errs []string
	for _, e := range s.Errors {
		errs = append(errs, e.Error())
	}
	wantErrs := []string{
		"quizzes/broken.md:3: question \"Q\" has no correct choice",
		"quizzes/broken.md:8: question \"R\" has a bad Time: \"0\" is outside 1s to 1h",
		"quizzes/empty.md: the quiz has no questions",
		"quizzes/huge.md: the file is 1048577 bytes",
	}
	if len(errs) != len(wantErrs) {
		t.Fatalf("errors:\n%s\nwant:\n%s", strings.Join(errs, "\n"), strings.Join(wantErrs, "\n"))
	}
	for i := range errs {
		if !strings.HasPrefix(errs[i], wantErrs[i]) {
			t.Errorf("error %d = %s\nwant prefix %s", i, errs[i], wantErrs[i])
		}
	}

	if z, ok := s.Quiz("middle-name"); !ok || z.Source != "quizzes/Middle Name.md" {
		t.Errorf("Quiz(middle-name) = %v, %v", z, ok)
	}
	if _, ok := s.Quiz("broken"); ok {
		t.Error("a broken quiz was loaded")
	}
}

func TestLoadDirMissing(t *testing.T) {
	s := LoadDir(fstest.MapFS{}, "quizzes")
	if len(s.Quizzes) != 0 || len(s.Errors) != 0 {
		t.Errorf("LoadDir of a missing dir = %+v, want an empty set", s)
	}
	if _, ok := s.Quiz("anything"); ok {
		t.Error("an empty set found a quiz")
	}
}

func TestSetWith(t *testing.T) {
	fsys := fstest.MapFS{
		"q/net.md":       file("# Networks\n" + okQuiz),
		"q/vocab-all.md": file("# A clash\n" + okQuiz),
	}
	base := LoadDir(fsys, "q")
	gen := Generate([]VocabNote{{Slug: "s", Title: "Some note", Terms: fourTerms}})
	s := base.With(gen...)

	var ids []string
	for _, z := range s.Quizzes {
		ids = append(ids, z.ID)
	}
	if got, want := strings.Join(ids, ","), "vocab-all,net,vocab-s"; got != want {
		t.Errorf("ids = %s, want %s", got, want)
	}
	if len(s.Errors) != 1 || !strings.Contains(s.Errors[0].Error(), `generated from all notes: quiz ID "vocab-all" is already used by q/vocab-all.md`) {
		t.Errorf("errors = %v", ErrorList(s.Errors))
	}
	if len(base.Quizzes) != 2 || len(base.Errors) != 0 {
		t.Error("With changed the set it was called on")
	}
}

// TestLoadDirConcurrent runs loads side by side: the shared goldmark
// instance must be safe for that (run with -race).
func TestLoadDirConcurrent(t *testing.T) {
	fsys := os.DirFS("testdata")
	done := make(chan *Set)
	for range 4 {
		go func() { done <- LoadDir(fsys, "quizzes") }()
	}
	for range 4 {
		if s := <-done; len(s.Errors) != 0 || len(s.Quizzes) != 3 {
			t.Errorf("concurrent load: %d quizzes, errors %v", len(s.Quizzes), ErrorList(s.Errors))
		}
	}
}
