package layers

import (
	"encoding/json"
	"strings"
	"testing"
)

// BenchmarkBuild builds the largest scenario: a 4000-byte message as
// WebSocket frames over the smallest MTU, with losses.
func BenchmarkBuild(b *testing.B) {
	p := DefaultParams()
	p.Message = strings.Repeat("a", MaxMessage)
	p.MTU = MinMTU
	p.Drop = []int{3, 5, 9}
	var size int
	for b.Loop() {
		s, err := Build("websocket", p)
		if err != nil {
			b.Fatal(err)
		}
		out, err := json.Marshal(s)
		if err != nil {
			b.Fatal(err)
		}
		size = len(out)
	}
	b.ReportMetric(float64(size), "json-bytes")
}
