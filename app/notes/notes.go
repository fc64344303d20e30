// Package notes turns students' Markdown notes into pages and data: the
// rendered HTML, a table of contents, the question/answer pairs and the
// vocabulary. Rendering happens once per load, never per request. It owns
// the notes format: every shape of question, vocabulary section and entry
// that students write, read from goldmark's AST (never from HTML), and
// what could not be placed, kept as the note's Problems.
//
// Where things are: parse.go cleans the bytes and runs one file;
// extract.go finds the title, contents, sections; questions.go and
// answers.go the questions and their answers; vocabsection.go,
// vocabentries.go and vocabtable.go the vocabulary; library.go and
// gloss.go/termmatch.go the glossary across notes and its links;
// rawhtml.go, safety.go and guard.go keep hostile input harmless.
//
// A load has two phases. Every file is parsed and its data extracted from
// the goldmark AST; then the terms of every note are merged into one
// glossary, and only then is each note rendered, so that a term defined in
// one note is linked from every other note that uses it.
//
// The output is safe to put in a page with a strict CSP: raw HTML is
// dropped, links are limited to http, https, mailto, tel and relative URLs,
// and nothing carries a style attribute (code is highlighted with CSS
// classes, see [ChromaCSS]; tables use the align attribute).
package notes

import (
	"html/template"
	"io/fs"
	"log/slog"
)

// MaxNoteSize is the largest file Load accepts as a note. Class notes are a
// few kilobytes; anything near this is a mistake, and refusing it keeps one
// bad file from slowing the start of the whole server.
const MaxNoteSize = 1 << 20

// Note is one Markdown file, parsed and rendered.
type Note struct {
	Slug  string // file name without .md, lower-cased, spaces as "-"
	Title string // front matter title, else first H1, else the file name
	Path  string // path inside the content fs.FS
	// HTML is the rendered body, glossary terms linked. When the title comes
	// from an H1 that opens the file, that H1 is left out so the page can
	// render Title as its only h1.
	HTML       template.HTML
	TOC        []Heading
	QA         []QA
	Vocabulary []Term
	Problems   []string // things worth telling the author that did not stop the load
	Err        error    // set when the file could not be understood; the page shows it
}

// Heading is one entry of a note's table of contents.
type Heading struct {
	Level int
	ID    string
	Text  string
}

// QA is a question heading and the answer written under it.
type QA struct {
	ID         string // the heading's id, usable as a URL fragment
	Question   string
	AnswerHTML template.HTML
	AnswerText string
}

// Term is one vocabulary entry of a note.
type Term struct {
	ID             string // URL fragment on the glossary page, e.g. "term-web-socket"
	Term           string
	Definition     string // plain text
	DefinitionHTML template.HTML
}

// Library is an immutable snapshot of every note in a content folder.
// Callers must not modify the slices it hands out.
type Library struct {
	Notes    []*Note // sorted by title
	Glossary []GlossaryEntry
	// Problems lists what went wrong outside any one note, such as a
	// folder that could not be read.
	Problems []string
	bySlug   map[string]*Note
}

// GlossaryEntry is one term merged across every note that defines it.
type GlossaryEntry struct {
	ID   string
	Term string
	// Letter is the index letter the glossary is sorted by: upper case,
	// accent and leading emoji ignored ("Éthernet" and "🔌 Ethernet" are
	// under "E"), "#" for a term that starts with a digit or has no letter.
	// Group by it, not by the first rune of Term, or groups repeat.
	Letter      string
	Definitions []SourcedDefinition
}

// SourcedDefinition is one note's definition of a glossary term.
type SourcedDefinition struct {
	NoteSlug       string
	NoteTitle      string
	Definition     string
	DefinitionHTML template.HTML
}

// Note returns the note with the given slug. A file whose slug was already
// taken by another file is not reachable here; it is listed by Errors.
func (l *Library) Note(slug string) (*Note, bool) {
	n, ok := l.bySlug[slug]
	return n, ok
}

// Errors returns the notes that could not be understood, in the order of
// Notes, so that the server can log them and an index page can flag them.
func (l *Library) Errors() []*Note {
	var bad []*Note
	for _, n := range l.Notes {
		if n.Err != nil {
			bad = append(bad, n)
		}
	}
	return bad
}

// Load reads every note of fsys: every *.md file except those under a
// top-level quizzes/ folder and those in hidden (dot) folders. It never
// fails as a whole: a file that cannot be understood becomes a Note with
// Err set.
func Load(fsys fs.FS) *Library {
	return load(fsys)
}

// LogProblems logs, at warning level, what the load could not place: each
// note's problems (one record per note, so a bad file does not flood the
// log) and the library's own. A note that failed is logged by its caller
// with its error.
func (l *Library) LogProblems(log *slog.Logger) {
	for _, p := range l.Problems {
		log.Warn("content problem", "problem", p)
	}
	for _, n := range l.Notes {
		if n.Err == nil && len(n.Problems) > 0 {
			log.Warn("note has problems", "path", n.Path, "count", len(n.Problems), "problems", n.Problems)
		}
	}
}
