package search

import (
	"testing"

	"go.uber.org/goleak"
)

// Building and querying an index starts goroutines inside bleve; none may
// outlive a test.
func TestMain(m *testing.M) {
	goleak.VerifyTestMain(m,
		// bleve starts its analysis workers when it is loaded and keeps
		// them for the life of the process, by design.
		goleak.IgnoreAnyFunction("github.com/blevesearch/bleve_index_api.AnalysisWorker"),
		// chroma's regexp engine, which highlights the notes' code, keeps
		// one clock goroutine for the life of the process, by design.
		goleak.IgnoreAnyFunction("github.com/dlclark/regexp2/v2.runClock"),
	)
}
