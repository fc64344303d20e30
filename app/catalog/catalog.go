// Package catalog owns the current snapshot of the content: the notes and
// the quizzes (authored and generated from the notes' vocabulary). A
// snapshot is built once per content change and then only read, so
// requests never render Markdown; a watcher swaps in a new snapshot when
// files in a --content folder change.
package catalog

import (
	"io/fs"
	"log/slog"
	"sync"
	"sync/atomic"
	"time"

	"netstudy/app/notes"
	"netstudy/app/quiz"
)

// QuizDir is the folder of authored quizzes inside the content fs.FS.
const QuizDir = "quizzes"

// Snapshot is everything loaded from one state of the content folder. It is
// immutable: readers may keep it as long as they like.
type Snapshot struct {
	Notes   *notes.Library
	Quizzes *quiz.Set // authored quizzes, then the ones generated from the notes
	Version uint64    // grows with every reload
	Loaded  time.Time

	// replaced is closed when a newer snapshot takes this one's place.
	replaced chan struct{}
}

// Replaced is closed once a newer snapshot has been swapped in: a reader
// waits on it to hear of the next change without polling.
func (s *Snapshot) Replaced() <-chan struct{} { return s.replaced }

// Catalog hands out the current Snapshot and rebuilds it on demand.
type Catalog struct {
	fsys    fs.FS
	log     *slog.Logger
	current atomic.Pointer[Snapshot]
	reload  sync.Mutex // one rebuild at a time, so versions stay in order
	watched atomic.Bool
}

// New loads fsys at once; it never fails, because broken files are kept in
// the snapshot as errors to show, not reasons to refuse to start.
func New(fsys fs.FS, log *slog.Logger) *Catalog {
	c := &Catalog{fsys: fsys, log: log}
	c.Reload()
	return c
}

// Current returns the latest snapshot.
func (c *Catalog) Current() *Snapshot { return c.current.Load() }

// Reload rebuilds the snapshot from the fs.FS and swaps it in.
func (c *Catalog) Reload() *Snapshot {
	c.reload.Lock()
	defer c.reload.Unlock()
	start := time.Now()
	lib := notes.Load(c.fsys)
	set := quiz.LoadDir(c.fsys, QuizDir).With(quiz.Generate(vocabNotes(lib))...)
	var version uint64 = 1
	if prev := c.current.Load(); prev != nil {
		version = prev.Version + 1
	}
	s := &Snapshot{Notes: lib, Quizzes: set, Version: version, Loaded: time.Now(), replaced: make(chan struct{})}
	old := c.current.Swap(s)
	if old != nil {
		close(old.replaced)
	}
	for _, n := range lib.Notes {
		if n.Err != nil {
			c.log.Warn("note not understood", "path", n.Path, "err", n.Err)
		}
	}
	lib.LogProblems(c.log)
	for _, e := range set.Errors {
		c.log.Warn("quiz not understood", "err", e)
	}
	c.log.Info("content loaded", "version", version, "notes", len(lib.Notes),
		"quizzes", len(set.Quizzes), "took", time.Since(start).Round(time.Microsecond))
	return s
}

// vocabNotes adapts the notes' vocabulary to the quiz generator's input, so
// that the quiz package does not depend on the notes package.
func vocabNotes(lib *notes.Library) []quiz.VocabNote {
	out := make([]quiz.VocabNote, 0, len(lib.Notes))
	for _, n := range lib.Notes {
		if n.Err != nil {
			continue
		}
		vn := quiz.VocabNote{Slug: n.Slug, Title: n.Title}
		for _, t := range n.Vocabulary {
			vn.Terms = append(vn.Terms, quiz.VocabTerm{Term: t.Term, Definition: t.Definition})
		}
		out = append(out, vn)
	}
	return out
}
