package notes

import (
	"math/rand/v2"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestParseRecombinedCorpus shuffles the lines of the corpus into notes
// no student wrote (a question list inside a table's section, a heading
// term followed by a nested bullet, ...) and checks that every one parses
// without a panic and keeps the invariants the fuzz target checks. It is
// deterministic: the same seed gives the same notes.
func TestParseRecombinedCorpus(t *testing.T) {
	files, err := filepath.Glob("testdata/corpus/*.md")
	if err != nil || len(files) == 0 {
		t.Fatalf("corpus: %v", err)
	}
	var lines []string
	for _, f := range files {
		src, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		lines = append(lines, strings.Split(strings.ReplaceAll(string(src), "\r\n", "\n"), "\n")...)
	}
	r := rand.New(rand.NewPCG(16, 2026))
	for i := range 1500 {
		var b strings.Builder
		for range 5 + r.IntN(40) {
			b.WriteString(lines[r.IntN(len(lines))])
			b.WriteByte('\n')
		}
		src := b.String()
		func() {
			defer func() {
				if p := recover(); p != nil {
					t.Fatalf("note %d panicked: %v\n%s", i, p, src)
				}
			}()
			checkNoteInvariants(t, Parse("mix.md", []byte(src)))
		}()
	}
}
