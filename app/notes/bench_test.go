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

// BenchmarkParseHostile loads the slowest near-1 MiB inputs found while
// probing goldmark (see guard.go), each next to a small glossary: the
// worst a single file can cost a load once the limits apply.
func BenchmarkParseHostile(b *testing.B) {
	fill := func(unit string) string { return strings.Repeat(unit, (MaxNoteSize-100)/len(unit)) }
	block := func(line string) string { return fill(strings.Repeat(line, maxBlockLines-1) + "\n") }
	inputs := []struct{ name, src string }{
		{"headings", fill("# A?\n\n## B?\n\n### C?\n\n#### D?\n\ntext\n\n")},
		{"reference-uses", "[a]: /u\n\n" + fill("[a] ")},
		{"unclosed-links", block("[a](b\n")},
		{"footnote-refs", fill("[^1]") + "\n\n[^1]: x\n"},
		{"image-openers", fill("![")},
		{"glossary-matches", fill("amp&amp;TCP\\_ ")},
		{"nested-lists", fill(strings.Repeat("- ", maxNesting) + "x\n\n")},
	}
	vocab := &fstest.MapFile{Data: []byte("## Vocabulary\n\n**amp:** a\n\n**TCP:** t\n\n**A:** a\n")}
	for _, in := range inputs {
		fsys := fstest.MapFS{"x.md": {Data: []byte(in.src)}, "v.md": vocab}
		b.Run(in.name, func(b *testing.B) {
			for b.Loop() {
				if n, _ := Load(fsys).Note("x"); n.Err != nil {
					b.Fatal(n.Err)
				}
			}
		})
	}
}
