package live

import "golang.org/x/time/rate"

// A person answering a quiz sends a few messages a second at most; these
// limits leave room for retries after a reconnect and refuse floods.
const (
	floodRate  = 20 // messages per second, sustained
	floodBurst = 60
)

func newFloodLimiter() *rate.Limiter { return rate.NewLimiter(floodRate, floodBurst) }
