package live

import (
	"testing"

	"go.uber.org/goleak"
)

// Every hub, actor, connection and poll channel the tests start must be
// gone when they end: a session that ends leaves no goroutine behind.
func TestMain(m *testing.M) {
	goleak.VerifyTestMain(m)
}
