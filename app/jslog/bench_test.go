package jslog_test

import (
	"context"
	"fmt"
	"testing"
	"time"

	"netstudy/app/cmdlog"
	"netstudy/app/jslog"
	"netstudy/app/natstest"
	"netstudy/app/store"
)

// answerPayload is the size and shape of a stored answer.
const answerPayload = `{"participant":"p-3f9a2c1d","question":"q7","choices":[2],"command":"c-18","client_ms":1733500000123}`

// BenchmarkAppend compares a batch append to JetStream (three servers,
// stream replicated three times, file storage) with the SQLite store's, on
// the same machine. One op is one batch; ns/cmd divides by its size.
func BenchmarkAppend(b *testing.B) {
	ctx := context.Background()
	sizes := []int{1, 32, 256}

	c := natstest.Start(b)
	octx, cancel := context.WithTimeout(ctx, time.Minute)
	defer cancel()
	js, err := jslog.Open(octx, jslog.Config{URLs: c.URLs(), Name: "bench"})
	if err != nil {
		b.Fatal(err)
	}
	defer js.Close()
	for _, n := range sizes {
		b.Run(fmt.Sprintf("jetstream-R3/batch=%d", n), func(b *testing.B) {
			session := fmt.Sprintf("bench-%d", n)
			next := 0
			for b.Loop() {
				batch := make([]cmdlog.Command, n)
				for i := range batch {
					next++
					batch[i] = cmdlog.Command{ID: fmt.Sprint(next), Kind: "answer", At: time.Now(), Payload: []byte(answerPayload)}
				}
				if _, err := js.Append(ctx, session, batch, cmdlog.Fence{}); err != nil {
					b.Fatal(err)
				}
			}
			b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N*n), "ns/cmd")
		})
	}
	b.Run("jetstream-R3-fenced/batch=1", func(b *testing.B) {
		var last uint64
		next := 0
		for b.Loop() {
			next++
			cmd := cmdlog.Command{ID: fmt.Sprint(next), Kind: "answer", At: time.Now(), Payload: []byte(answerPayload)}
			seqs, err := js.Append(ctx, "bench-fenced", []cmdlog.Command{cmd}, cmdlog.FenceAt(last))
			if err != nil {
				b.Fatal(err)
			}
			last = seqs[0]
		}
	})

	st, err := store.Open(ctx, b.TempDir())
	if err != nil {
		b.Fatal(err)
	}
	defer st.Close()
	for _, n := range sizes {
		b.Run(fmt.Sprintf("sqlite/batch=%d", n), func(b *testing.B) {
			session := fmt.Sprintf("bench-%d", n)
			if err := st.CreateSession(ctx, store.Session{ID: session, Code: "1", Title: "bench", Setup: []byte("{}"), CreatedAt: time.Now()}); err != nil {
				b.Fatal(err)
			}
			var seq int64
			for b.Loop() {
				batch := make([]store.Command, n)
				for i := range batch {
					seq++
					batch[i] = store.Command{SessionID: session, Seq: seq, Kind: "answer", At: time.Now(), Payload: []byte(answerPayload)}
				}
				if err := st.Append(ctx, batch); err != nil {
					b.Fatal(err)
				}
			}
			b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N*n), "ns/cmd")
		})
	}
}
