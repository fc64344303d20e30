package notes

import (
	"bytes"
	"cmp"
	"errors"
	"fmt"
	"html/template"
	"path"
	"slices"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/yuin/goldmark"
	"github.com/yuin/goldmark/ast"
	"github.com/yuin/goldmark/parser"
	"github.com/yuin/goldmark/text"
	"go.abhg.dev/goldmark/frontmatter"
)

// Parse reads one note: path is where it lives (it gives the slug and the
// fallback title), src its bytes. The HTML has no glossary links; Load adds
// them, because they need every note's vocabulary. Like Load, Parse does not
// fail: a file it cannot understand comes back with Err set.
func Parse(path string, src []byte) *Note {
	md := markdown()
	p := parseNote(md, path, src)
	if p.note.Err == nil {
		p.render(md, nil)
	}
	return p.note
}

// parsedNote is a note between the two phases of a load: extracted, not yet
// rendered. It keeps what rendering needs and is dropped after it.
type parsedNote struct {
	note  *Note
	src   []byte
	doc   ast.Node
	ids   *idSet
	vocab map[ast.Node]bool // top-level blocks of vocabulary sections: never linked
}

// render writes the whole note into note.HTML, linking glossary terms
// first when g is not nil.
func (p *parsedNote) render(md goldmark.Markdown, g *glossaryIndex) {
	if g != nil {
		g.link(p)
	}
	out, err := renderNodes(md, p.src, []ast.Node{p.doc})
	if err != nil {
		p.note.Err = fmt.Errorf("%s: %w", p.note.Path, err)
		return
	}
	p.note.HTML = template.HTML(out)
}

// fileTitle is the title of a note that has no other: its file name.
func fileTitle(p string) string {
	base := path.Base(p)
	if ext := path.Ext(base); strings.EqualFold(ext, ".md") && len(base) > len(ext) {
		base = base[:len(base)-len(ext)]
	}
	return base
}

// failed returns p's note turned into an error note: only its identity and
// the error survive, so nothing half-understood reaches a page.
func failed(p string, err error) *parsedNote {
	return &parsedNote{note: &Note{Slug: Slug(p), Title: fileTitle(p), Path: p, Err: err}}
}

// parseNote is phase one for one file: clean the bytes, parse, read the
// front matter, extract. It returns an error note rather than an error.
func parseNote(md goldmark.Markdown, p string, src []byte) *parsedNote {
	if len(src) > MaxNoteSize {
		return failed(p, fmt.Errorf("%s is %d bytes; a note may be at most %d", p, len(src), MaxNoteSize))
	}
	src, err := cleanSource(src)
	if err != nil {
		return failed(p, fmt.Errorf("%s: %w", p, err))
	}
	if err := checkFrontMatter(src); err != nil {
		return failed(p, fmt.Errorf("%s: %w", p, err))
	}
	if err := checkShape(src); err != nil {
		return failed(p, fmt.Errorf("%s: %w", p, err))
	}

	ids := newIDSet()
	ctx := parser.NewContext(parser.WithIDs(ids))
	doc := md.Parser().Parse(text.NewReader(src), parser.WithContext(ctx))
	limitHighlighting(doc)

	fmTitle, problems, err := frontMatterTitle(ctx)
	if err != nil {
		return failed(p, fmt.Errorf("%s: front matter: %w", p, clip3(err)))
	}

	pn := &parsedNote{
		note: &Note{Slug: Slug(p), Title: fileTitle(p), Path: p},
		src:  src,
		doc:  doc,
		ids:  ids,
	}
	pn.note.Problems = problems
	lines := newLineIndex(src)
	neutralizeURLs(pn, lines)
	if err := extract(md, pn, fmTitle, lines); err != nil {
		return failed(p, fmt.Errorf("%s: %w", p, err))
	}
	sortByLine(pn.note.Problems)
	if extra := len(pn.note.Problems) - maxProblems; extra > 0 {
		pn.note.Problems = append(pn.note.Problems[:maxProblems:maxProblems], fmt.Sprintf("… and %d more problems", extra))
	}
	return pn
}

// sortByLine puts problems in the order of the lines they name, so the
// author can read them top to bottom; those with no line come first, as
// they concern the whole file (the front matter, for one).
func sortByLine(problems []string) {
	line := func(p string) int {
		rest, ok := strings.CutPrefix(p, "line ")
		if !ok {
			return 0
		}
		digits, _, _ := strings.Cut(rest, ":")
		n, err := strconv.Atoi(digits)
		if err != nil {
			return 0
		}
		return n
	}
	slices.SortStableFunc(problems, func(a, b string) int { return cmp.Compare(line(a), line(b)) })
}

// maxProblems caps the problems kept per note: past a few dozen the author
// has the idea, and a pathological file should not fill the log.
const maxProblems = 50

const bom = "\uFEFF"

// cleanSource strips a byte order mark, rejects text that is not UTF-8, and
// turns CRLF and lone CR into LF, which is what the rest of the package
// assumes. NUL becomes U+FFFD as CommonMark asks. It returns a copy.
func cleanSource(src []byte) ([]byte, error) {
	src = bytes.TrimPrefix(src, []byte(bom))
	if !utf8.Valid(src) {
		off := 0
		for off < len(src) {
			r, size := utf8.DecodeRune(src[off:])
			if r == utf8.RuneError && size == 1 {
				break
			}
			off += size
		}
		line := bytes.Count(src[:off], []byte("\n")) + 1
		return nil, fmt.Errorf("not UTF-8 text (invalid byte 0x%02x on line %d); save the file as UTF-8", src[off], line)
	}
	out := make([]byte, 0, len(src))
	for i := 0; i < len(src); i++ {
		switch c := src[i]; c {
		case '\r':
			out = append(out, '\n')
			if i+1 < len(src) && src[i+1] == '\n' {
				i++
			}
		case 0:
			out = append(out, "\uFFFD"...)
		default:
			out = append(out, c)
		}
	}
	return out, nil
}

// maxFrontMatter bounds the front matter: a title and a few tags need a few
// lines, and YAML decoding is where a hostile file (aliases, thousands of
// duplicate keys) would spend its effort.
const maxFrontMatter = 16 << 10

// checkFrontMatter catches a front matter block that is opened and never
// closed, which the front matter parser would take for the whole note
// (the author would see a confusing decode error or an empty page), and
// one that is too big to be a title and some tags.
func checkFrontMatter(src []byte) error {
	first, rest, _ := bytes.Cut(src, []byte("\n"))
	if !isDelimLine(first) {
		return nil
	}
	for size := 0; len(rest) > 0; {
		var line []byte
		line, rest, _ = bytes.Cut(rest, []byte("\n"))
		if bytes.Equal(line, first) { // the same delimiter, the same length
			return nil
		}
		if size += len(line) + 1; size > maxFrontMatter {
			return fmt.Errorf("front matter is larger than %d KiB; keep it to a title and a few fields", maxFrontMatter>>10)
		}
	}
	return errors.New("front matter opened on line 1 is never closed (add a closing " + string(first) + " line)")
}

// isDelimLine reports whether line opens front matter the way the
// frontmatter extension sees it: three or more of "-" (YAML) or "+" (TOML)
// and nothing else.
func isDelimLine(line []byte) bool {
	if len(line) < 3 || (line[0] != '-' && line[0] != '+') {
		return false
	}
	for _, c := range line {
		if c != line[0] {
			return false
		}
	}
	return true
}

// frontMatterTitle decodes the front matter, if any, and returns its title.
// Only "title" is read (any key case); other keys are the author's business.
func frontMatterTitle(ctx parser.Context) (string, []string, error) {
	data := frontmatter.Get(ctx)
	if data == nil {
		return "", nil, nil
	}
	var meta map[string]any
	if err := data.Decode(&meta); err != nil {
		return "", nil, err
	}
	// "title" wins over "Title" or "TITLE"; among those, the first in
	// sorted order, so the choice does not depend on map order.
	key := ""
	for k := range meta {
		if k == "title" || strings.EqualFold(k, "title") && (key == "" || key != "title" && k < key) {
			key = k
		}
	}
	if key == "" {
		return "", nil, nil
	}
	switch v := meta[key].(type) {
	case string:
		return normalizeSpace(v), nil, nil
	case nil:
		return "", nil, nil
	case bool, int, int64, uint64, float64:
		return fmt.Sprint(v), nil, nil
	default:
		return "", []string{fmt.Sprintf("front matter: title is a %T, not text; ignored", v)}, nil
	}
}

// clip3 keeps the first three lines of a long error message (a YAML decoder
// lists every bad line) while errors.Is and errors.As still see the error.
func clip3(err error) error {
	lines := strings.SplitN(err.Error(), "\n", 4)
	if len(lines) <= 3 {
		return err
	}
	return clippedError{msg: strings.Join(lines[:3], "\n") + "\n…", err: err}
}

type clippedError struct {
	msg string
	err error
}

func (e clippedError) Error() string { return e.msg }
func (e clippedError) Unwrap() error { return e.err }
