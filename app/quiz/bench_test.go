package quiz

import (
	"os"
	"strings"
	"testing"
)

// BenchmarkParse measures a typical authored quiz.
func BenchmarkParse(b *testing.B) {
	src, err := os.ReadFile("testdata/quizzes/websockets.md")
	if err != nil {
		b.Fatal(err)
	}
	b.SetBytes(int64(len(src)))
	for b.Loop() {
		if _, err := Parse("quizzes/websockets.md", src); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkParseWorstCase measures the slowest input found so far: a file
// of the largest size made of the largest blocks of emphasis openers,
// goldmark's quadratic case (see maxBlockSize).
func BenchmarkParseWorstCase(b *testing.B) {
	block := "## " + strings.Repeat("*a_", (maxBlockSize-64)/3) + "\n\n"
	src := []byte(strings.Repeat(block, (MaxFileSize-100)/len(block)))
	b.SetBytes(int64(len(src)))
	for b.Loop() {
		_, _ = Parse("quizzes/worst.md", src)
	}
}

// BenchmarkGenerate measures vocabulary quizzes for a class's worth of
// notes: 30 notes of 20 terms.
func BenchmarkGenerate(b *testing.B) {
	var notes []VocabNote
	for n := range 30 {
		note := VocabNote{Slug: "note-" + string(rune('a'+n%26)) + strings.Repeat("x", n/26), Title: "Note"}
		for i := range 20 {
			note.Terms = append(note.Terms, VocabTerm{
				Term:       note.Slug + " term " + string(rune('a'+i)),
				Definition: note.Slug + " definition " + string(rune('a'+i)),
			})
		}
		notes = append(notes, note)
	}
	for b.Loop() {
		Generate(notes)
	}
}
