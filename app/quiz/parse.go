package quiz

import (
	"bytes"
	"fmt"
	"path"
	"slices"
	"sort"
	"strings"
	"unicode/utf8"

	"github.com/yuin/goldmark/ast"
	"github.com/yuin/goldmark/parser"
	"github.com/yuin/goldmark/text"
)

// MaxFileSize is the largest quiz file Parse accepts. A real quiz is a few
// kilobytes; the limit keeps a mistaken file (a log, a video) from holding
// the whole load up.
const MaxFileSize = 1 << 20

// maxBlockSize caps a run of lines without a blank line between them.
// goldmark takes time quadratic in the size of one block for some inputs
// (long runs of emphasis or link openers, deep blockquotes: see
// yuin/goldmark#555), so a 1 MiB paragraph could hold the load up for
// minutes. Splitting the file into small blocks keeps the whole parse
// linear in the file size. No real paragraph, list or code block comes
// near 8 KiB.
const maxBlockSize = 8 << 10

// maxQuoteDepth caps how deeply blockquotes nest on one line, for the same
// reason: goldmark's cost grows with the square of the depth.
const maxQuoteDepth = 8

// maxErrors caps how many problems one file reports: past that, the author
// has a different file than they think, and more lines would only bury the
// first ones.
const maxErrors = 50

// IDFromPath is the quiz ID for a file: its base name without ".md",
// lower-cased, with spaces as "-". It is the same rule as a note's slug, so
// that the web layer can name a broken file's page before it parses.
func IDFromPath(p string) string {
	base := path.Base(strings.ReplaceAll(p, `\`, "/"))
	if ext := path.Ext(base); strings.EqualFold(ext, ".md") {
		base = base[:len(base)-len(ext)]
	}
	return strings.ReplaceAll(strings.ToLower(base), " ", "-")
}

// Parse reads one authored quiz. path is only used for the quiz ID, the
// Source field and error messages. On any problem it returns a nil quiz and
// an ErrorList holding every problem found, each with its line.
func Parse(path string, src []byte) (q *Quiz, err error) {
	p := &fileParser{path: path}
	defer func() {
		// goldmark is fuzzed and so is this package, but a panic on a
		// teacher's file must not take the server down with it.
		if r := recover(); r != nil {
			q, err = nil, ErrorList{{Path: path, Msg: fmt.Sprintf("internal error while parsing: %v", r)}}
		}
	}()
	q = p.parse(src)
	if len(p.errs) > 0 {
		sort.SliceStable(p.errs, func(i, j int) bool { return p.errs[i].Line < p.errs[j].Line })
		if len(p.errs) > maxErrors {
			p.errs = append(p.errs[:maxErrors], &ParseError{Path: path, Msg: "too many errors; fix the ones above first"})
		}
		return nil, p.errs
	}
	return q, nil
}

// fileParser holds the state of one Parse call.
type fileParser struct {
	path       string
	src        []byte // normalised: no BOM, "\n" line ends only
	lineStarts []int  // byte offset where each line begins
	errs       ErrorList
}

func (p *fileParser) errorf(line int, format string, args ...any) {
	p.errs = append(p.errs, &ParseError{Path: p.path, Line: line, Msg: fmt.Sprintf(format, args...)})
}

// lineOf turns a byte offset of p.src into a 1-based line number.
func (p *fileParser) lineOf(offset int) int {
	if offset < 0 {
		return 0
	}
	return sort.Search(len(p.lineStarts), func(i int) bool { return p.lineStarts[i] > offset })
}

// nodeLine finds the line a block starts on. Blocks record their position;
// paragraphs and text blocks compute it from their lines.
func (p *fileParser) nodeLine(n ast.Node) int {
	if pos := n.Pos(); pos >= 0 {
		return p.lineOf(pos)
	}
	if n.Type() == ast.TypeBlock && n.Lines().Len() > 0 {
		return p.lineOf(n.Lines().At(0).Start)
	}
	if c := n.FirstChild(); c != nil {
		return p.nodeLine(c)
	}
	return 0
}

func (p *fileParser) parse(raw []byte) *Quiz {
	if len(raw) > MaxFileSize {
		p.errorf(0, "the file is %d bytes; a quiz may be at most %d (1 MiB)", len(raw), MaxFileSize)
		return nil
	}
	p.src = normalize(raw)
	p.lineStarts = lineStarts(p.src)
	if !utf8.Valid(p.src) {
		p.errorf(p.lineOf(firstInvalidUTF8(p.src)), "the file is not UTF-8 text; save it as UTF-8")
		return nil
	}
	if line, size := longestBlock(p.src, p.lineOf); size > maxBlockSize {
		p.errorf(line, "the block starting here is %d bytes long; split it with blank lines into pieces under %d (8 KiB)", size, maxBlockSize)
		return nil
	}
	if line, depth := deepestQuote(p.src); depth > maxQuoteDepth {
		p.errorf(line, "blockquotes are nested %d deep here; at most %d are allowed", depth, maxQuoteDepth)
		return nil
	}
	if line := unclosedFrontMatter(p.src); line > 0 {
		p.errorf(line, "the front matter opened here is never closed by a matching --- line")
		return nil
	}

	ctx := parser.NewContext()
	doc := markdown().Parser().Parse(text.NewReader(p.src), parser.WithContext(ctx))
	fm := p.frontMatter(ctx)

	id := IDFromPath(p.path)
	z := &Quiz{ID: id, Title: fm.title, Description: fm.description, Source: p.path}

	// Split the document at its top-level headings: the H1 is the title,
	// each H2 opens a question, everything else belongs to what precedes it.
	var (
		h1       *ast.Heading
		intro    []ast.Node
		sections []section
	)
	for n := doc.FirstChild(); n != nil; n = n.NextSibling() {
		if h, ok := n.(*ast.Heading); ok && h.Level <= 2 {
			if h.Level == 2 {
				sections = append(sections, section{heading: h})
				continue
			}
			if h1 == nil && len(sections) == 0 {
				h1 = h
				continue
			}
			p.errorf(p.nodeLine(h), "a quiz has one '# ' title heading; start each question with '## '")
			continue
		}
		if len(sections) == 0 {
			intro = append(intro, n)
		} else {
			s := &sections[len(sections)-1]
			s.blocks = append(s.blocks, n)
		}
	}

	if z.Title == "" && h1 != nil {
		z.Title = plainText(p.src, h1)
	}
	if z.Title == "" {
		z.Title = strings.TrimSuffix(path.Base(p.path), path.Ext(p.path))
	}
	if z.Description == "" {
		var paras []string
		for _, n := range intro {
			if para, ok := n.(*ast.Paragraph); ok {
				if t := plainText(p.src, para); t != "" {
					paras = append(paras, t)
				}
			}
		}
		z.Description = strings.Join(paras, "\n\n")
	}

	if len(sections) == 0 {
		p.errorf(0, "the quiz has no questions; start each question with a '## ' heading")
		return nil
	}
	for i, s := range sections {
		if q, ok := p.question(i+1, s, fm); ok {
			z.Questions = append(z.Questions, q)
		}
	}
	return z
}

// section is a question heading and the top-level blocks under it.
type section struct {
	heading *ast.Heading
	blocks  []ast.Node
}

// normalize drops a byte order mark and turns CRLF and lone CR line ends
// into LF, so that line counting and value trimming see one convention.
// It returns a copy: the caller's slice is never changed.
func normalize(src []byte) []byte {
	src = bytes.TrimPrefix(src, []byte("\xef\xbb\xbf"))
	out := bytes.ReplaceAll(src, []byte("\r\n"), []byte("\n"))
	return bytes.ReplaceAll(out, []byte("\r"), []byte("\n"))
}

func lineStarts(src []byte) []int {
	starts := []int{0}
	for i, c := range src {
		if c == '\n' && i+1 < len(src) {
			starts = append(starts, i+1)
		}
	}
	return starts
}

func firstInvalidUTF8(src []byte) int {
	for i := 0; i < len(src); {
		r, size := utf8.DecodeRune(src[i:])
		if r == utf8.RuneError && size <= 1 {
			return i
		}
		i += size
	}
	return -1
}

// longestBlock finds the longest run of non-blank lines, returning the
// line it starts on and its size in bytes.
func longestBlock(src []byte, lineOf func(int) int) (line, size int) {
	start, best, bestStart := -1, 0, 0
	for i := 0; i <= len(src); {
		end := bytes.IndexByte(src[i:], '\n')
		if end < 0 {
			end = len(src)
		} else {
			end += i
		}
		blank := len(bytes.TrimSpace(src[i:end])) == 0
		switch {
		case blank:
			start = -1
		case start < 0:
			start = i
		}
		if start >= 0 && end-start > best {
			best, bestStart = end-start, start
		}
		i = end + 1
	}
	return lineOf(bestStart), best
}

// deepestQuote finds the line whose leading '>' markers nest deepest.
func deepestQuote(src []byte) (line, depth int) {
	n, lineNo := 0, 1
	atStart := true
	for _, c := range src {
		switch {
		case c == '\n':
			n, atStart = 0, true
			lineNo++
		case !atStart:
		case c == '>':
			n++
			if n > depth {
				depth, line = n, lineNo
			}
		case c != ' ' && c != '\t':
			atStart = false
		}
	}
	return line, depth
}

// unclosedFrontMatter returns 1 when the file opens front matter and never
// closes it. goldmark's front matter parser would silently swallow the whole
// file, and the author would be told there are no questions.
func unclosedFrontMatter(src []byte) int {
	lines := strings.Split(string(src), "\n")
	open := lines[0]
	if len(open) < 3 || strings.Trim(open, "-") != "" {
		return 0
	}
	if slices.Contains(lines[1:], open) {
		return 0
	}
	return 1
}

// shorten keeps error messages to one readable line.
func shorten(s string) string {
	const max = 60
	if utf8.RuneCountInString(s) <= max {
		return s
	}
	r := []rune(s)
	return string(r[:max-1]) + "…"
}
