package notes

import (
	"cmp"
	"fmt"
	"io"
	"io/fs"
	"path"
	"slices"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/yuin/goldmark"
)

// load is Load. Phase one parses and extracts every file; the glossary is
// merged from the results; phase two links and renders each note.
func load(fsys fs.FS) *Library {
	md := markdown()
	lib := &Library{bySlug: map[string]*Note{}}
	var parsed []*parsedNote

	err := fs.WalkDir(fsys, ".", func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			if d == nil {
				return err // the root itself: nothing to load
			}
			lib.Problems = append(lib.Problems, fmt.Sprintf("reading %s: %v", p, err))
			return nil
		}
		if p != "." && strings.HasPrefix(d.Name(), ".") {
			if d.IsDir() {
				return fs.SkipDir // .git and friends
			}
			return nil
		}
		if d.IsDir() {
			if p == "quizzes" {
				return fs.SkipDir // quizzes are Markdown too, but not notes
			}
			return nil
		}
		if !strings.EqualFold(path.Ext(p), ".md") {
			return nil
		}
		pn := loadFile(md, fsys, p)
		if other, taken := lib.bySlug[pn.note.Slug]; taken {
			pn = failed(p, fmt.Errorf("%s: slug %q is already used by %s; rename one of the two files", p, pn.note.Slug, other.Path))
		} else {
			lib.bySlug[pn.note.Slug] = pn.note
		}
		parsed = append(parsed, pn)
		lib.Notes = append(lib.Notes, pn.note)
		return nil
	})
	if err != nil {
		lib.Problems = append(lib.Problems, fmt.Sprintf("reading notes: %v", err))
	}

	lib.Glossary = buildGlossary(parsed)
	g := newGlossaryIndex(lib.Glossary)
	for _, pn := range parsed {
		if pn.note.Err == nil {
			renderSafely(md, pn, g)
		}
	}

	slices.SortFunc(lib.Notes, func(a, b *Note) int {
		return cmp.Or(
			cmp.Compare(strings.ToLower(a.Title), strings.ToLower(b.Title)),
			cmp.Compare(a.Slug, b.Slug),
			cmp.Compare(a.Path, b.Path),
		)
	})
	return lib
}

// loadFile reads and parses one file. A panic inside the Markdown
// libraries is a bug there, but it must not stop the server from starting
// with the other notes, so it becomes this note's error.
func loadFile(md goldmark.Markdown, fsys fs.FS, p string) (pn *parsedNote) {
	defer func() {
		if r := recover(); r != nil {
			pn = failed(p, fmt.Errorf("%s: internal error while parsing: %v", p, r))
		}
	}()
	src, err := readLimited(fsys, p)
	if err != nil {
		return failed(p, err)
	}
	return parseNote(md, p, src)
}

// renderSafely is phase two for one note, with the same guard as loadFile.
func renderSafely(md goldmark.Markdown, pn *parsedNote, g *glossaryIndex) {
	defer func() {
		if r := recover(); r != nil {
			pn.note.Err = fmt.Errorf("%s: internal error while rendering: %v", pn.note.Path, r)
			pn.note.HTML = ""
		}
	}()
	pn.render(md, g)
}

// readLimited reads a file, refusing to read more than MaxNoteSize bytes
// of it whatever its size claims to be.
func readLimited(fsys fs.FS, p string) ([]byte, error) {
	f, err := fsys.Open(p)
	if err != nil {
		return nil, fmt.Errorf("reading %s: %w", p, err)
	}
	defer f.Close()
	src, err := io.ReadAll(io.LimitReader(f, MaxNoteSize+1))
	if err != nil {
		return nil, fmt.Errorf("reading %s: %w", p, err)
	}
	if len(src) > MaxNoteSize {
		return nil, fmt.Errorf("%s is larger than %d bytes; a note may be at most that", p, MaxNoteSize)
	}
	return src, nil
}

// buildGlossary merges the vocabulary of every note that loaded: terms
// with the same fold key are one entry, named as the first note (by path)
// spells it, with every note's definition. Entries are sorted A to Z
// ignoring case and accents; IDs are made unique; and each note's terms
// take their entry's ID, so a note can link to its terms on the glossary.
func buildGlossary(parsed []*parsedNote) []GlossaryEntry {
	byKey := map[string]*GlossaryEntry{}
	var keys []string
	for _, pn := range parsed {
		n := pn.note
		if n.Err != nil {
			continue
		}
		for _, t := range n.Vocabulary {
			key := foldKey(t.Term)
			e, ok := byKey[key]
			if !ok {
				e = &GlossaryEntry{Term: t.Term}
				byKey[key] = e
				keys = append(keys, key)
			}
			e.Definitions = append(e.Definitions, SourcedDefinition{
				NoteSlug: n.Slug, NoteTitle: n.Title,
				Definition: t.Definition, DefinitionHTML: t.DefinitionHTML,
			})
		}
	}
	// A note that names a term without defining it adds nothing to the
	// glossary when another note defines it.
	for _, e := range byKey {
		defined := slices.DeleteFunc(slices.Clone(e.Definitions), func(d SourcedDefinition) bool { return d.Definition == "" })
		if len(defined) > 0 {
			e.Definitions = defined
		}
	}
	// Sort keys are computed once: stripping accents is not cheap.
	type sortable struct {
		entry      GlossaryEntry
		key, lower string
	}
	sorted := make([]sortable, 0, len(keys))
	for _, k := range keys {
		e := *byKey[k]
		sorted = append(sorted, sortable{e, sortKey(e.Term), strings.ToLower(e.Term)})
	}
	slices.SortFunc(sorted, func(a, b sortable) int {
		return cmp.Or(
			cmp.Compare(a.key, b.key),
			cmp.Compare(a.lower, b.lower),
			cmp.Compare(a.entry.Term, b.entry.Term),
		)
	})
	entries := make([]GlossaryEntry, len(sorted))
	for i, s := range sorted {
		entries[i] = s.entry
		entries[i].Letter = "#"
		if r, _ := utf8.DecodeRuneInString(s.key); unicode.IsLetter(r) {
			entries[i].Letter = strings.ToUpper(string(r))
		}
	}

	used := map[string]bool{}
	idByKey := map[string]string{}
	for i := range entries {
		id := TermID(entries[i].Term)
		for n := 2; used[id]; n++ {
			id = TermID(entries[i].Term) + "-" + strconv.Itoa(n)
		}
		used[id] = true
		entries[i].ID = id
		idByKey[foldKey(entries[i].Term)] = id
	}
	for _, pn := range parsed {
		for i, t := range pn.note.Vocabulary {
			if id, ok := idByKey[foldKey(t.Term)]; ok {
				pn.note.Vocabulary[i].ID = id
			}
		}
	}
	return entries
}

// sortKey orders terms the way a reader expects from a glossary: case,
// accents and a leading emoji do not matter ("éthernet" and "🔌 Ethernet"
// sort with "ethernet", not after "z").
func sortKey(term string) string {
	term = strings.TrimLeftFunc(term, func(r rune) bool { return !isWordRune(r) })
	return strings.ToLower(stripAccents(term))
}
