package live

import "netstudy/app/session"

// historyLen is how many recent events a session keeps for resume. A
// client that missed more than that gets a snapshot instead.
const historyLen = 4096

type logged struct {
	seq      uint64
	audience session.Audience
	msg      *Message
}

// history is a ring of the latest events of one session. Only the actor
// goroutine touches it.
type history struct {
	ring  []logged
	start int // index of the oldest entry
	n     int
}

func newHistory(size int) *history { return &history{ring: make([]logged, size)} }

func (h *history) add(e logged) {
	if h.n < len(h.ring) {
		h.ring[(h.start+h.n)%len(h.ring)] = e
		h.n++
		return
	}
	h.ring[h.start] = e
	h.start = (h.start + 1) % len(h.ring)
}

// since returns the events after seq, oldest first, and whether the
// history still holds all of them (false: the caller needs a snapshot).
func (h *history) since(seq, head uint64) ([]logged, bool) {
	if seq >= head {
		return nil, true
	}
	if h.n == 0 || h.ring[h.start].seq > seq+1 {
		return nil, false
	}
	var out []logged
	for i := 0; i < h.n; i++ {
		e := h.ring[(h.start+i)%len(h.ring)]
		if e.seq > seq {
			out = append(out, e)
		}
	}
	return out, true
}
