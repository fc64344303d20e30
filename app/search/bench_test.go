package search

import (
	"testing"

	"netstudy/app/notes"
	"netstudy/content"
)

// BenchmarkBuild is the cost of a rebuild after a content change, for the
// shipped notes.
func BenchmarkBuild(b *testing.B) {
	secs := Sections(notes.Load(content.FS))
	b.ReportAllocs()
	for b.Loop() {
		ix, err := Build(secs)
		if err != nil {
			b.Fatal(err)
		}
		ix.Close()
	}
}

// BenchmarkSearch is one keystroke's search over the shipped notes.
func BenchmarkSearch(b *testing.B) {
	ix, err := Build(Sections(notes.Load(content.FS)))
	if err != nil {
		b.Fatal(err)
	}
	defer ix.Close()
	b.ReportAllocs()
	for b.Loop() {
		if _, err := ix.Search("tcp handsh"); err != nil {
			b.Fatal(err)
		}
	}
}
