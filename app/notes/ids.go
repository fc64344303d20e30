package notes

import (
	"fmt"
	"hash/fnv"
	"path"
	"strconv"
	"strings"
	"unicode"

	"github.com/yuin/goldmark/ast"
	"golang.org/x/text/unicode/norm"
)

// Slug turns a file name (or path) into a note's slug: the base name without
// its .md extension, lower-cased, with spaces as "-". Nothing else changes:
// the slug is a published contract (URLs, tests and scripts use it).
func Slug(name string) string {
	base := path.Base(name)
	if ext := path.Ext(base); strings.EqualFold(ext, ".md") {
		base = base[:len(base)-len(ext)]
	}
	return strings.ReplaceAll(strings.ToLower(base), " ", "-")
}

// TermID returns the URL fragment of a glossary term: "term-" and the term
// slugified. Accents are dropped from Latin, Greek and Cyrillic letters
// ("Café" -> "cafe"), other letters are kept as they are, and a term with
// no letter or digit at all (an emoji) gets a short hash instead, so the ID
// is never just "term-". Load may add "-2" when two different terms share
// an ID.
func TermID(term string) string {
	if s := slugify(term); s != "" {
		return "term-" + s
	}
	h := fnv.New32a()
	h.Write([]byte(normalizeSpace(term)))
	return fmt.Sprintf("term-%08x", h.Sum32())
}

// maxSlugRunes keeps IDs made from long question headings short enough to
// read in a URL.
const maxSlugRunes = 64

// slugify lower-cases s, keeps letters and digits (of any script), and turns
// every other run of characters into one "-".
func slugify(s string) string {
	var b strings.Builder
	n := 0
	dash := false
	for _, r := range stripAccents(s) {
		if !isWordRune(r) {
			dash = true
			continue
		}
		if n >= maxSlugRunes && dash {
			break // cut at a word boundary
		}
		if dash && b.Len() > 0 {
			b.WriteByte('-')
			n++
		}
		dash = false
		b.WriteRune(unicode.ToLower(r))
		n++
	}
	return b.String()
}

// stripAccents removes combining marks from Latin, Greek and Cyrillic
// letters, after compatibility decomposition (so "ﬁ" and full-width letters
// become plain ones). Marks on other scripts carry meaning (Devanagari vowel
// signs, for one) and are kept.
func stripAccents(s string) string {
	d := norm.NFKD.String(s)
	out := make([]rune, 0, len(d))
	dropMarks := false
	for _, r := range d {
		if unicode.Is(unicode.Mn, r) {
			if dropMarks {
				continue
			}
		} else {
			dropMarks = unicode.In(r, unicode.Latin, unicode.Greek, unicode.Cyrillic)
		}
		out = append(out, r)
	}
	return norm.NFC.String(string(out))
}

// isWordRune reports whether r belongs inside a word, for slugs and for the
// whole-word rule of glossary links.
func isWordRune(r rune) bool {
	return unicode.IsLetter(r) || unicode.IsDigit(r) || unicode.Is(unicode.M, r)
}

// normalizeSpace trims s and collapses each run of white space to one space.
func normalizeSpace(s string) string {
	return strings.Join(strings.Fields(s), " ")
}

// idSet hands out the element IDs of one rendered note and keeps them
// unique. It is goldmark's parser.IDs for the note (so auto heading IDs go
// through it), and the glossary tooltips draw from the same set later, so a
// heading called "Tip 1" and the first tooltip cannot both be "tip-1".
type idSet struct {
	used map[string]bool
	next map[string]int // last suffix tried per base, so duplicates stay linear
}

func newIDSet() *idSet {
	return &idSet{used: map[string]bool{}, next: map[string]int{}}
}

// Generate implements parser.IDs. goldmark passes the heading's raw source
// line; slugify drops the Markdown punctuation in it.
func (s *idSet) Generate(value []byte, kind ast.NodeKind) []byte {
	base := slugify(string(value))
	if base == "" {
		base = "section"
	}
	return []byte(s.unique(base))
}

// Put implements parser.IDs.
func (s *idSet) Put(value []byte) { s.used[string(value)] = true }

// unique returns base, or base-N for the smallest free N.
func (s *idSet) unique(base string) string {
	if !s.used[base] {
		s.used[base] = true
		return base
	}
	return s.numbered(base)
}

// numbered returns base-N for the smallest free N >= 1.
func (s *idSet) numbered(base string) string {
	for i := s.next[base] + 1; ; i++ {
		id := base + "-" + strconv.Itoa(i)
		if !s.used[id] {
			s.used[id] = true
			s.next[base] = i
			return id
		}
	}
}
