package quiz

import (
	"cmp"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"path"
	"slices"
	"strings"
)

// Set is an immutable snapshot of every quiz the app offers, with the
// problems of the files that could not be loaded. Build it with LoadDir and
// With; share it freely between goroutines once built.
type Set struct {
	Quizzes []*Quiz       // sorted by title, then ID
	Errors  []*ParseError // sorted by path, then line
}

// Quiz returns the quiz with the given ID. A set holds dozens of quizzes,
// not thousands, so a scan is as fast as a map and keeps Set a plain value
// that tests can write as a literal.
func (s *Set) Quiz(id string) (*Quiz, bool) {
	for _, z := range s.Quizzes {
		if z.ID == id {
			return z, true
		}
	}
	return nil, false
}

// LoadDir parses every dir/*.md file of fsys. It never fails as a whole:
// a missing dir is an empty set, and a broken file adds its errors to
// Set.Errors while the others load. Files whose name starts with "." (editor
// leftovers) and README.md (the folder's own documentation) are skipped.
func LoadDir(fsys fs.FS, dir string) *Set {
	s := &Set{}
	entries, err := fs.ReadDir(fsys, dir)
	if errors.Is(err, fs.ErrNotExist) {
		return s
	}
	if err != nil {
		// ReadDir may still have listed some entries: load those.
		s.Errors = append(s.Errors, &ParseError{Path: dir, Msg: fmt.Sprintf("cannot list the quizzes: %v", err)})
	}
	for _, e := range entries {
		name := e.Name()
		if e.IsDir() || !strings.EqualFold(path.Ext(name), ".md") ||
			strings.HasPrefix(name, ".") || strings.EqualFold(name, "README.md") {
			continue
		}
		p := path.Join(dir, name)
		src, err := readQuizFile(fsys, p)
		if err != nil {
			s.Errors = append(s.Errors, &ParseError{Path: p, Msg: err.Error()})
			continue
		}
		z, err := Parse(p, src)
		if err != nil {
			s.Errors = append(s.Errors, parseErrors(p, err)...)
			continue
		}
		s.Quizzes = append(s.Quizzes, z)
	}
	return s.With()
}

// readQuizFile reads p, refusing a file over MaxFileSize before reading it
// all into memory.
func readQuizFile(fsys fs.FS, p string) ([]byte, error) {
	f, err := fsys.Open(p)
	if err != nil {
		return nil, fmt.Errorf("cannot open the file: %w", err)
	}
	defer f.Close()
	if info, err := f.Stat(); err == nil && info.Size() > MaxFileSize {
		return nil, fmt.Errorf("the file is %d bytes; a quiz may be at most %d (1 MiB)", info.Size(), MaxFileSize)
	}
	// The limit still applies if Stat lied (a pipe, a growing file):
	// Parse reports the oversize read.
	src, err := io.ReadAll(io.LimitReader(f, MaxFileSize+1))
	if err != nil {
		return nil, fmt.Errorf("cannot read the file: %w", err)
	}
	return src, nil
}

// parseErrors flattens what Parse returned into ParseErrors.
func parseErrors(p string, err error) []*ParseError {
	var list ErrorList
	if errors.As(err, &list) {
		return list
	}
	return []*ParseError{{Path: p, Msg: err.Error()}}
}

// With returns a new set holding s's quizzes and extra (generated quizzes,
// typically). A quiz whose ID is already taken is left out and reported in
// Errors, because two quizzes behind one URL would be a silent surprise.
// s is not changed.
func (s *Set) With(extra ...*Quiz) *Set {
	out := &Set{Errors: slices.Clone(s.Errors)}
	owner := map[string]string{}
	for _, z := range slices.Concat(s.Quizzes, extra) {
		if prev, taken := owner[z.ID]; taken {
			out.Errors = append(out.Errors, &ParseError{
				Path: z.Source,
				Msg:  fmt.Sprintf("quiz ID %q is already used by %s; rename one of the files", z.ID, prev),
			})
			continue
		}
		owner[z.ID] = z.Source
		out.Quizzes = append(out.Quizzes, z)
	}
	slices.SortStableFunc(out.Quizzes, func(a, b *Quiz) int {
		return cmp.Or(cmp.Compare(strings.ToLower(a.Title), strings.ToLower(b.Title)), cmp.Compare(a.ID, b.ID))
	})
	slices.SortStableFunc(out.Errors, func(a, b *ParseError) int {
		return cmp.Or(cmp.Compare(a.Path, b.Path), cmp.Compare(a.Line, b.Line))
	})
	return out
}
