package live

import (
	"testing"

	"go.uber.org/goleak"

	"netstudy/app/natstest"
)

// Every hub, actor, connection and poll channel the tests start must be
// gone when they end: a session that ends leaves no goroutine behind.
func TestMain(m *testing.M) {
	natstest.SetParallel(4) // the cluster tests mostly wait
	goleak.VerifyTestMain(m)
}
