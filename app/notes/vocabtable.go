package notes

import (
	"strings"
	"unicode"

	"github.com/yuin/goldmark/ast"
	east "github.com/yuin/goldmark/extension/ast"
)

// A vocabulary table has a header row that names its columns: one for the
// term ("Term", "Word", "Vocabulary") and one for the definition
// ("Definition", "Description", "Meaning"), in either order, spelled
// loosely ("Defintion"), among other columns or not. A table whose header
// names neither is read as term, definition in its first two columns.

var (
	termColumnNames = []string{"term", "terms", "word", "words", "vocabulary", "vocab", "vocabularyterm",
		"vocabularyword", "keyterm", "keyword", "concept", "name"}
	definitionColumnNames = []string{"definition", "definitions", "description", "meaning",
		"explanation", "whatitmeans", "def", "defn", "meaningdefinition"}
)

// table reads the rows of a vocabulary table.
func (v *vocabReader) table(t *east.Table) {
	termCol, defCol, named := -1, -1, false
	columns := 0
	for row := t.FirstChild(); row != nil; row = row.NextSibling() {
		if row.Kind() != east.KindTableHeader {
			continue
		}
		i := 0
		for c := row.FirstChild(); c != nil; c = c.NextSibling() {
			name := columnKey(inlineText(v.src, c))
			switch {
			case termCol < 0 && matchesName(name, termColumnNames):
				termCol = i
			case defCol < 0 && matchesName(name, definitionColumnNames):
				defCol = i
			}
			i++
		}
		columns = i
	}
	switch {
	case termCol >= 0 && defCol >= 0:
		named = true
	case termCol >= 0:
		defCol = firstOther(termCol)
	case defCol >= 0:
		termCol = firstOther(defCol)
	default:
		termCol, defCol = 0, 1
	}
	if !named && columns > 2 {
		v.problem(t, "vocabulary table with more than two columns and no Term and Definition header; columns %d and %d are used", termCol+1, defCol+1)
	}
	for row := t.FirstChild(); row != nil; row = row.NextSibling() {
		if row.Kind() != east.KindTableRow {
			continue
		}
		termCell, defCell := cellAt(row, termCol), cellAt(row, defCol)
		if termCell == nil {
			v.problem(row, "table row has no term; ignored")
			continue
		}
		term := trimTermColon(normalizeSpace(inlineText(v.src, termCell)))
		if term == "" && (defCell == nil || normalizeSpace(inlineText(v.src, defCell)) == "") {
			continue // an empty row
		}
		e := &entry{term: term, at: row}
		if defCell != nil {
			e.pieces = []defPiece{{inline: children(defCell)}}
		}
		v.add(e)
	}
}

func firstOther(col int) int {
	if col == 0 {
		return 1
	}
	return 0
}

func cellAt(row ast.Node, i int) ast.Node {
	c := row.FirstChild()
	for ; c != nil && i > 0; i-- {
		c = c.NextSibling()
	}
	return c
}

// columnKey is a header cell's text as letters only, lower case:
// "**Vocabulary Term**" and "vocabulary-term" are both "vocabularyterm".
func columnKey(s string) string {
	return strings.Map(func(r rune) rune {
		if unicode.IsLetter(r) {
			return unicode.ToLower(r)
		}
		return -1
	}, s)
}

// matchesName reports whether a column key is one of names, allowing a
// typo: one edit in a name of four letters or more, two in one of seven.
func matchesName(key string, names []string) bool {
	for _, n := range names {
		allowed := 0
		switch {
		case len(n) >= 7:
			allowed = 2
		case len(n) >= 4:
			allowed = 1
		}
		if editDistance(key, n) <= allowed {
			return true
		}
	}
	return false
}

// editDistance is the Levenshtein distance of two short strings, with a
// swap of neighbours counting as one edit ("defintion").
func editDistance(a, b string) int {
	ra, rb := []rune(a), []rune(b)
	if d := len(ra) - len(rb); d > 2 || d < -2 {
		return 3 // far apart; the exact number does not matter
	}
	prev2 := make([]int, len(rb)+1)
	prev := make([]int, len(rb)+1)
	cur := make([]int, len(rb)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(ra); i++ {
		cur[0] = i
		for j := 1; j <= len(rb); j++ {
			cost := 1
			if ra[i-1] == rb[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
			if i > 1 && j > 1 && ra[i-1] == rb[j-2] && ra[i-2] == rb[j-1] {
				cur[j] = min(cur[j], prev2[j-2]+1)
			}
		}
		prev2, prev, cur = prev, cur, prev2
	}
	return prev[len(rb)]
}
