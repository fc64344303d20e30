package live

import (
	"bytes"
	"encoding/json"
	"slices"
	"strings"
	"time"
)

// Presence across nodes, in cluster mode. Each node knows only its own
// connections; the dashboard must list every connected student, whichever
// node holds them. So every node following a session publishes who is
// connected to it there (on a core NATS subject, not the log: presence is
// not history) when that changes, and again every presenceBeat, and
// every node merges what the others publish into the presence list it
// sends its instructor's screens. A node that stops publishing (killed)
// drops out after presenceStale.

// presenceBeat is how often a node repeats its presence unchanged.
const presenceBeat = 5 * time.Second

// presenceStale is how long a node's presence counts without news.
const presenceStale = 3 * presenceBeat

// presenceInbox bounds the other nodes' presence waiting for the actor.
const presenceInbox = 64

// nodePresence is one node's presence in a session, as published.
type nodePresence struct {
	Node         string     `json:"node"`
	Participants []Presence `json:"participants"`
}

// remotePresence is another node's presence as last heard.
type remotePresence struct {
	heard time.Time
	by    map[string]Presence
}

// startPresence subscribes to the other nodes' presence in the session.
func (a *actor) startPresence() (stop func()) {
	cl := a.cl
	stop, err := a.hub.cl.SubscribePresence(a.id, func(data []byte) {
		select {
		case cl.presenceIn <- data:
		default: // the actor is busy: the node will say it again
		}
	})
	if err != nil {
		a.hub.log.Warn("hear other nodes' presence", "session", a.id, "err", err)
		return func() {}
	}
	return stop
}

// localPresence lists the participants connected to this node.
func (a *actor) localPresence() []Presence {
	out := make([]Presence, 0, len(a.byParticipant))
	for id, cs := range a.byParticipant {
		if len(cs) == 0 {
			continue
		}
		out = append(out, connectedPresence(id, cs[len(cs)-1]))
	}
	// In a stable order, so that an unchanged list encodes the same.
	slices.SortFunc(out, func(x, y Presence) int { return strings.Compare(x.ParticipantID, y.ParticipantID) })
	return out
}

// connectedPresence describes participant id's connection c.
func connectedPresence(id string, c *Peer) Presence {
	pr := Presence{ParticipantID: id, Connected: true, Transport: c.transport, Remote: c.remoteAddr}
	if us := c.rttMicros.Load(); us > 0 {
		ms := float64(us/100) / 10 // a tenth of a millisecond is precise enough
		pr.RTTMillis = &ms
	}
	return pr
}

// publishPresence tells the other nodes who is connected here, if that
// changed or presenceBeat passed since it last did.
func (a *actor) publishPresence(now time.Time) {
	cl := a.cl
	data, err := json.Marshal(nodePresence{Node: a.hub.nodeID, Participants: a.localPresence()})
	if err != nil {
		return
	}
	if bytes.Equal(data, cl.presenceSent) && now.Sub(cl.presenceAt) < presenceBeat {
		return
	}
	if err := a.hub.cl.PublishPresence(a.id, data); err != nil {
		return // NATS is out of reach: said again on the next beat
	}
	cl.presenceSent, cl.presenceAt = data, now
}

// heardPresence takes another node's presence in.
func (a *actor) heardPresence(data []byte, now time.Time) {
	var np nodePresence
	if json.Unmarshal(data, &np) != nil || np.Node == a.hub.nodeID {
		return
	}
	by := make(map[string]Presence, len(np.Participants))
	for _, p := range np.Participants {
		by[p.ParticipantID] = p
	}
	a.cl.remote[np.Node] = remotePresence{heard: now, by: by}
	a.presenceDirty = true
}

// forgetStalePresence drops the nodes not heard from for presenceStale.
func (a *actor) forgetStalePresence(now time.Time) {
	for node, rp := range a.cl.remote {
		if now.Sub(rp.heard) >= presenceStale {
			delete(a.cl.remote, node)
			a.presenceDirty = true
		}
	}
}

// remoteConnection is a participant's connection on another node.
func (a *actor) remoteConnection(id string) (Presence, bool) {
	var best Presence
	var heard time.Time
	for _, rp := range a.cl.remote {
		if p, ok := rp.by[id]; ok && rp.heard.After(heard) {
			best, heard = p, rp.heard
		}
	}
	return best, !heard.IsZero()
}
