//go:build !unix

package loadtest

import "time"

// ownCPU is unknown here: the CPU figures read zero for the generator.
func ownCPU() time.Duration { return 0 }
