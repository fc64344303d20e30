package search

import (
	"fmt"
	"sync"

	"netstudy/app/catalog"
)

// Searcher answers searches over a catalog's current notes. It rebuilds its
// index the first time it is asked after the catalog's content changed, so
// an edit under --content is searchable as soon as the note page shows it,
// and no goroutine is needed to follow the catalog.
type Searcher struct {
	catalog *catalog.Catalog
	rebuild sync.Mutex   // one rebuild at a time
	mu      sync.RWMutex // guards index and version; searches hold it to read
	index   *Index
	version uint64
}

// New builds the index of the catalog's current content.
func New(c *catalog.Catalog) (*Searcher, error) {
	s := &Searcher{catalog: c}
	if err := s.refresh(); err != nil {
		return nil, err
	}
	return s, nil
}

// Search is Index.Search on the catalog's current content.
func (s *Searcher) Search(q string) ([]Result, error) {
	if err := s.refresh(); err != nil {
		return nil, err
	}
	s.mu.RLock()
	defer s.mu.RUnlock()
	return s.index.Search(q)
}

// refresh rebuilds the index if the catalog has moved on since it was
// built.
func (s *Searcher) refresh() error {
	snap := s.catalog.Current()
	s.mu.RLock()
	fresh := s.index != nil && s.version == snap.Version
	s.mu.RUnlock()
	if fresh {
		return nil
	}
	s.rebuild.Lock()
	defer s.rebuild.Unlock()
	snap = s.catalog.Current()
	s.mu.RLock()
	fresh = s.index != nil && s.version == snap.Version
	s.mu.RUnlock()
	if fresh {
		return nil // another search rebuilt it while this one waited
	}
	next, err := Build(Sections(snap.Notes))
	if err != nil {
		return fmt.Errorf("content version %d: %w", snap.Version, err)
	}
	s.mu.Lock()
	old := s.index
	s.index, s.version = next, snap.Version
	s.mu.Unlock()
	if old != nil {
		if err := old.Close(); err != nil {
			return fmt.Errorf("closing the previous search index: %w", err)
		}
	}
	return nil
}
