package notes

import (
	"io/fs"
	"os"
	"strings"
	"testing"
	"testing/fstest"
)

// memFS copies a testdata folder into memory, so the benchmarks measure
// parsing and rendering, not the disk.
func memFS(b *testing.B, dir string) fstest.MapFS {
	b.Helper()
	m := fstest.MapFS{}
	err := fs.WalkDir(os.DirFS(dir), ".", func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		data, err := fs.ReadFile(os.DirFS(dir), p)
		m[p] = &fstest.MapFile{Data: data}
		return err
	})
	if err != nil {
		b.Fatal(err)
	}
	return m
}

// BenchmarkLoad loads the ten realistic notes of testdata/library: both
// phases, glossary linking included. This is the cost of a server start
// or a content reload; requests never pay it.
func BenchmarkLoad(b *testing.B) {
	fsys := memFS(b, "testdata/library")
	var size int64
	for _, f := range fsys {
		size += int64(len(f.Data))
	}
	b.SetBytes(size)
	b.ReportAllocs()
	for b.Loop() {
		if lib := Load(fsys); len(lib.Notes) != 10 {
			b.Fatalf("loaded %d notes", len(lib.Notes))
		}
	}
}

// BenchmarkParse parses and renders one note, without the glossary.
func BenchmarkParse(b *testing.B) {
	src, err := os.ReadFile("testdata/own-notes.md")
	if err != nil {
		b.Fatal(err)
	}
	b.SetBytes(int64(len(src)))
	b.ReportAllocs()
	for b.Loop() {
		if n := Parse("own-notes.md", src); n.Err != nil {
			b.Fatal(n.Err)
		}
	}
}

// BenchmarkParseHostile parses inputs shaped to hit quadratic paths:
// thousands of nested question headings, entity-heavy text next to a
// glossary, a long vocabulary. Each is close to MaxNoteSize.
func BenchmarkParseHostile(b *testing.B) {
	inputs := map[string]string{
		"headings":   strings.Repeat("# A?\n## B?\n### C?\n#### D?\ntext\n", MaxNoteSize/32),
		"entities":   "# T\n\n" + strings.Repeat("amp&amp;TCP\\_", MaxNoteSize/16),
		"vocabulary": "## Vocabulary\n\n" + strings.Repeat("**T:** d\nnot an entry\n\n", MaxNoteSize/32),
		"nesting":    strings.Repeat("> - ", MaxNoteSize/8) + "x",
	}
	for name, src := range inputs {
		fsys := fstest.MapFS{"x.md": {Data: []byte(src)}, "v.md": {Data: []byte("## Vocabulary\n\n**amp:** a\n\n**TCP:** t\n\n**A:** a\n")}}
		b.Run(name, func(b *testing.B) {
			for b.Loop() {
				Load(fsys)
			}
		})
	}
}
