package web

import (
	"testing"

	"netstudy/app/browsertest"
)

// Every browser test of the package shares one Chromium: starting one per
// test cost more than most of the tests themselves.
func TestMain(m *testing.M) { browsertest.Main(m) }
