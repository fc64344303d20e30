package jslog_test

import (
	"fmt"
	"testing"

	"netstudy/app/cmdlog/cmdlogtest"
	"netstudy/app/natstest"
)

// TestLogConformance runs the cases every cmdlog.Log must pass, the same
// the SQLite log passes (app/store), against JetStream on a real
// three-server cluster.
func TestLogConformance(t *testing.T) {
	t.Parallel()
	c := natstest.Start(t)
	n := 0
	cmdlogtest.Run(t, cmdlogtest.Subject{
		Log: open(t, c, 0),
		NewSession: func(*testing.T) string {
			n++
			return fmt.Sprintf("conformance-%d", n)
		},
	})
}
