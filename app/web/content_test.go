package web

import (
	"testing/fstest"
)

// testContent is a small content folder in the students' format, written
// for these tests.
func testContent() fstest.MapFS {
	return fstest.MapFS{
		"routing.md": {Data: []byte(`# Notes: Routing

### What does a router do?

It forwards **packets** between networks, choosing the next hop from its routing table.

### What is TTL for?

Each router lowers the Time To Live by one, so a looping packet dies.

## Vocabulary

**Router:** A device that forwards packets between networks.

**Packet:** A unit of data at the network layer.
`)},
		"xss.md": {Data: []byte(`# Hostile note

<script>window.__pwned = 1</script>

<img src=x onerror="window.__pwned = 2">

[click me](javascript:window.__pwned=3)

### Is this safe?

Yes: none of the above runs.
`)},
		"quizzes/.keep": {Data: nil},
	}
}
