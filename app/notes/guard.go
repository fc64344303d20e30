package notes

import (
	"bytes"
	"fmt"

	"github.com/yuin/goldmark/ast"
)

// Limits that keep one hostile or broken file from stalling a load.
// goldmark's block parser is quadratic in nesting depth and, for link
// syntax, in the length of a paragraph ("[a](b" on each of 130,000 lines
// takes 10 s); its table extension builds every cell of every row (a 48 KB
// file of 8000 columns by 8000 rows takes minutes). Real notes stay far
// below these numbers. BenchmarkParseHostile keeps an eye on them.
const (
	maxBlockLines = 2000      // consecutive non-blank lines, code included: simple, so no way round it
	maxNesting    = 32        // block quotes and list levels on one line; notes use < 8
	maxTableCells = 50_000    // cells of all tables in one note
	maxHighlight  = 128 << 10 // bytes of code highlighted per note; the rest is plain
)

// checkShape rejects a source whose blocks, nesting or tables are beyond
// the limits. It reads the Markdown line by line, as goldmark's block
// parser does, and errs on the side of overestimating: a false alarm needs
// 2000 lines without a blank one, a line nested 33 levels deep, or
// tables with tens of thousands of cells.
func checkShape(src []byte) error {
	cells, run := 0, 0
	lines := bytes.Split(src, []byte("\n"))
	for i, line := range lines {
		depth, rest := containerPrefix(line)
		if depth > maxNesting {
			return fmt.Errorf("line %d is nested %d levels deep (block quotes and lists); at most %d are allowed", i+1, depth, maxNesting)
		}
		if len(bytes.TrimSpace(rest)) == 0 {
			run = 0
		} else if run++; run > maxBlockLines {
			return fmt.Errorf("line %d ends a block of more than %d lines with no blank line; add some blank lines", i+1, maxBlockLines)
		}
		cols := delimiterRowColumns(rest)
		if cols == 0 || i == 0 {
			continue
		}
		rows := 1 // the header
		for _, next := range lines[i+1:] {
			if _, r := containerPrefix(next); len(bytes.TrimSpace(r)) == 0 || rows > maxBlockLines {
				break // the block limit above stops longer runs anyway
			}
			rows++
		}
		cells += cols * rows
		if cells > maxTableCells {
			return fmt.Errorf("the tables from line %d on have more than %d cells in all; split them", i, maxTableCells)
		}
	}
	return nil
}

// containerPrefix measures the block quote and list markers that open a
// line, counting each marker as one level and every two further columns of
// white space among them as one more (list items nest by indentation). A line
// with no marker opens nothing, so its depth is 0 however indented it is.
// It returns that depth and the rest of the line.
func containerPrefix(line []byte) (int, []byte) {
	markers, cols := 0, 0
	depth := func() int {
		if markers == 0 {
			return 0
		}
		return markers + max(cols-markers, 0)/2 // one space after a marker is part of it
	}
	for i := 0; i < len(line); {
		switch c := line[i]; {
		case c == ' ':
			cols++
			i++
		case c == '\t':
			cols += 4
			i++
		case c == '>':
			markers++
			i++
		case (c == '-' || c == '+' || c == '*') && (i+1 == len(line) || line[i+1] == ' ' || line[i+1] == '\t'):
			markers++
			i++
		case c >= '0' && c <= '9':
			j := i
			for j < len(line) && j-i < 9 && line[j] >= '0' && line[j] <= '9' {
				j++
			}
			if j < len(line) && (line[j] == '.' || line[j] == ')') && (j+1 == len(line) || line[j+1] == ' ' || line[j+1] == '\t') {
				markers++
				i = j + 1
				continue
			}
			return depth(), line[i:]
		default:
			return depth(), line[i:]
		}
	}
	return depth(), nil
}

// delimiterRowColumns returns the number of columns of a GFM table
// delimiter row ("|---|:-:|"), or 0 if line is not one.
func delimiterRowColumns(line []byte) int {
	line = bytes.TrimSpace(line)
	if bytes.IndexByte(line, '|') < 0 || bytes.IndexByte(line, '-') < 0 {
		return 0
	}
	for _, c := range line {
		switch c {
		case '|', '-', ':', ' ', '\t':
		default:
			return 0
		}
	}
	cols := 0
	for _, cell := range bytes.Split(bytes.Trim(line, "| \t"), []byte("|")) {
		if len(bytes.TrimSpace(cell)) > 0 {
			cols++
		}
	}
	return cols
}

// limitHighlighting leaves code past the first maxHighlight bytes of a note
// unhighlighted. chroma takes several microseconds a byte, and a note is
// rendered twice (answers, page); plain code is still code.
func limitHighlighting(doc ast.Node) {
	budget := maxHighlight
	_ = ast.Walk(doc, func(n ast.Node, entering bool) (ast.WalkStatus, error) {
		fc, ok := n.(*ast.FencedCodeBlock)
		if !entering || !ok {
			return ast.WalkContinue, nil
		}
		size := 0
		for i := 0; i < fc.Lines().Len(); i++ {
			seg := fc.Lines().At(i)
			size += seg.Len()
		}
		if size > budget {
			fc.Info = nil // no language, so no lexer
			budget = 0
		} else {
			budget -= size
		}
		return ast.WalkSkipChildren, nil
	})
}
