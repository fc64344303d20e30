package live

import (
	"encoding/json"

	"golang.org/x/time/rate"
)

// A person answering a quiz sends a few messages a second at most; these
// limits leave room for retries after a reconnect and refuse floods.
const (
	floodRate  = 20 // messages per second, sustained
	floodBurst = 60
)

func newFloodLimiter() *rate.Limiter { return rate.NewLimiter(floodRate, floodBurst) }

// floodLimit is the limiter of a new connection. The instructor's screens
// have none: a teacher clicking through a quiz is not a flood, and a
// command dropped there would stall the whole class (only the instructor's
// cookie opens such a connection).
func floodLimit(instructor bool) interface{ Allow() bool } {
	if instructor {
		return unlimited{}
	}
	return newFloodLimiter()
}

type unlimited struct{}

func (unlimited) Allow() bool { return true }

// floodError is the error for a message refused as part of a flood. It
// names the command's id, when the message had one, so that the client
// knows which command to send again, later.
func floodError(c *Peer, data []byte) {
	var env struct {
		ID string `json:"id"`
	}
	_ = json.Unmarshal(data, &env)
	c.sendNow("error", truncate(env.ID, maxIDLen), 0, protocolErr("flood", "too many messages; slow down and send it again"))
}
