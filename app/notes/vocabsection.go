package notes

import (
	"strings"
	"unicode"

	"github.com/yuin/goldmark/ast"
)

// A vocabulary section opens with a heading that names it ("Vocabulary",
// "Key Terms:", "Document the following Vocabulary Terms"), or with a
// line that is not a heading but says the same ("**Vocabulary Terms**").
// It ends where a heading of its level or higher starts; one opened by a
// line ends at the next heading of any level, rule or bold question.

// vocabNames are the words that name a vocabulary section; fillerWords may
// stand around them. A name needs at least one of the first and nothing
// else, so "Terms and conditions" and "Vocabulary practice" do not count.
var (
	vocabNames = map[string]bool{
		"vocabulary": true, "vocab": true, "terms": true, "term": true, "glossary": true,
		"terminology": true, "definitions": true, "keywords": true, "words": true,
	}
	fillerWords = map[string]bool{
		"key": true, "the": true, "following": true, "document": true, "and": true,
		"important": true, "new": true, "list": true, "of": true, "my": true,
		"define": true, "these": true, "week": true, "chapter": true, "unit": true,
		"lesson": true, "reading": true, "module": true,
	}
)

// maxVocabNameWords keeps a sentence that happens to use these words from
// being read as a section name.
const maxVocabNameWords = 6

// isVocabularyName reports whether the text of a heading or a line names
// a vocabulary section, in any case, with emoji, numbers, "&" and trailing
// colons around the words.
func isVocabularyName(text string) bool {
	words := strings.FieldsFunc(strings.ToLower(text), func(r rune) bool { return !unicode.IsLetter(r) })
	if len(words) == 0 || len(words) > maxVocabNameWords {
		return false
	}
	named := false
	for _, w := range words {
		switch {
		case vocabNames[w]:
			named = true
		case fillerWords[w]:
		default:
			return false
		}
	}
	return named
}

// isVocabularyHeading reports whether a heading opens a vocabulary section.
func isVocabularyHeading(text string) bool { return isVocabularyName(text) }

// vocabularyIntro reports whether a paragraph opens a vocabulary section
// without a heading: its first line names one ("**Vocabulary Terms**",
// "Key terms:"). Entries may follow on the next lines of the same
// paragraph.
func vocabularyIntro(src []byte, p *ast.Paragraph) bool {
	lines := splitLines(src, p)
	if len(lines) == 0 {
		return false
	}
	for _, n := range lines[0] {
		switch n.Kind() {
		case ast.KindText, ast.KindEmphasis, ast.KindRawHTML:
		default:
			return false // a link or code is not a section name
		}
	}
	return isVocabularyName(normalizeSpace(inlineText(src, lines[0]...)))
}

// endsIntroSection reports whether a block ends a vocabulary section that
// a line opened: a heading, a rule, or a bold question, since such a
// section has no heading level to end it.
func endsIntroSection(src []byte, b ast.Node) bool {
	switch b.Kind() {
	case ast.KindHeading, ast.KindThematicBreak:
		return true
	case ast.KindParagraph:
		if lines := splitLines(src, b); len(lines) > 0 {
			_, q := lineQuestion(src, lines[0], true)
			return q
		}
	}
	return false
}

// vocabSection is one vocabulary section of a note.
type vocabSection struct {
	name  string     // the heading or intro line, for problems
	at    ast.Node   // the heading or intro paragraph
	intro bool       // opened by a line: its other lines are entries
	body  []ast.Node // the top-level blocks after at, up to the section's end
}

// findVocabSections marks the top-level blocks of every vocabulary section
// in isVocab and returns the sections in order.
func findVocabSections(src []byte, blocks []ast.Node, heads []section, ends []int) ([]vocabSection, []bool) {
	isVocab := make([]bool, len(blocks))
	headAt := map[int]int{} // block index -> index in heads
	for k, h := range heads {
		headAt[h.at] = k
	}
	var out []vocabSection
	for i := 0; i < len(blocks); i++ {
		end := -1
		s := vocabSection{at: blocks[i]}
		if k, ok := headAt[i]; ok && isVocabularyHeading(heads[k].text) {
			end, s.name = ends[k], heads[k].text
		} else if p, ok := blocks[i].(*ast.Paragraph); ok && vocabularyIntro(src, p) {
			end = len(blocks)
			for j := i + 1; j < len(blocks); j++ {
				if endsIntroSection(src, blocks[j]) {
					end = j
					break
				}
			}
			s.intro = true
			s.name = normalizeSpace(inlineText(src, splitLines(src, p)[0]...))
		}
		if end < 0 {
			continue
		}
		s.body = blocks[i+1 : end]
		for j := i; j < end; j++ {
			isVocab[j] = true
		}
		out = append(out, s)
		i = end - 1
	}
	return out, isVocab
}
