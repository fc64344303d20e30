package browsertest

import "testing"

// The harness's own tests share one Chromium, as the web package's do.
func TestMain(m *testing.M) { Main(m) }
