package catalog

import (
	"context"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"time"

	"github.com/fsnotify/fsnotify"
)

// settle is how long the watcher waits after the last change before it
// reloads: editors write a file in several steps (truncate, write, rename),
// and one reload after the burst is enough.
const settle = 150 * time.Millisecond

// Watcher reloads a catalog whenever a file under its folder changes.
type Watcher struct {
	c *Catalog
	w *fsnotify.Watcher
}

// Watch starts watching dir, the folder behind the catalog's fs.FS, and
// the folders in it: a change made once Watch has returned is seen. Run
// then reloads on every change.
func (c *Catalog) Watch(dir string) (*Watcher, error) {
	w, err := fsnotify.NewWatcher()
	if err != nil {
		return nil, fmt.Errorf("watch %s: %w", dir, err)
	}
	if err := addTree(w, dir); err != nil {
		w.Close()
		return nil, err
	}
	c.watched.Store(true)
	return &Watcher{c: c, w: w}, nil
}

// Watched reports whether the catalog follows a folder's changes: only
// then can a page's content change while it is open.
func (c *Catalog) Watched() bool { return c.watched.Load() }

// Run reloads the catalog after changes until ctx is cancelled, then
// stops watching. Folders created later are watched too.
func (cw *Watcher) Run(ctx context.Context) {
	w := cw.w
	defer w.Close()
	timer := time.NewTimer(settle)
	timer.Stop()
	defer timer.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case ev, ok := <-w.Events:
			if !ok {
				return
			}
			if ev.Has(fsnotify.Create) {
				if info, err := os.Stat(ev.Name); err == nil && info.IsDir() {
					_ = addTree(w, ev.Name) // best effort: a folder may vanish again at once
				}
			}
			timer.Reset(settle)
		case err, ok := <-w.Errors:
			if !ok {
				return
			}
			cw.c.log.Warn("content watcher", "err", err)
		case <-timer.C:
			cw.c.Reload()
		}
	}
}

func addTree(w *fsnotify.Watcher, dir string) error {
	return filepath.WalkDir(dir, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return fmt.Errorf("watch %s: %w", path, err)
		}
		if !d.IsDir() {
			return nil
		}
		if err := w.Add(path); err != nil {
			return fmt.Errorf("watch %s: %w", path, err)
		}
		return nil
	})
}
