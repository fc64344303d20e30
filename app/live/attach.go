package live

import (
	"time"
)

// A session's connections: hello, welcome and resume, the snapshot, who
// is bound to which participant, and the host's presence list.

// handleConnection plays a message about the session's connections or a
// query from another goroutine; commands go their own way, which depends
// on whether the session runs on one server or in a cluster.
func (a *actor) handleConnection(m actorMsg) {
	switch m.kind {
	case msgAttach:
		a.attach(m.c, m.hello)
	case msgDetach:
		a.detach(m.c)
	case msgQuery:
		m.query(a)
		close(m.done)
	}
}

func (a *actor) attach(c *Peer, h hello) {
	if c.Closed() {
		return
	}
	switch h.Role {
	case RoleHost, RolePresenter:
		if !c.instructor {
			c.sendNow("error", "", 0, protocolErr("forbidden", "only the instructor can open that screen"))
			c.Close("forbidden role")
			return
		}
	case RoleStudent, "":
		h.Role = RoleStudent
	default:
		c.sendNow("error", "", 0, protocolErr("bad_role", "unknown role"))
		c.Close("bad role")
		return
	}
	c.role, c.attached = h.Role, true
	resume := ""
	if h.Role == RoleStudent && h.Token != "" {
		id, ok := a.hub.auth.CheckParticipantToken(a.id, h.Token)
		p, known := a.sess.Participant(id)
		switch {
		case !ok || !known:
			c.sendNow("error", "", 0, protocolErr("bad_token", "that resume token is not valid here; join again"))
		case p.Kicked:
			c.sendNow("error", "", 0, protocolErr("kicked", "the instructor removed you from this session"))
		default:
			a.bind(c, id)
		}
	}
	if h.Role != RoleStudent {
		a.hosts[c] = struct{}{}
	} else if c.participantID == "" {
		a.unbound[c] = struct{}{}
	}
	if h.Role != RoleStudent || c.participantID != "" {
		resume = "replay"
		// A last_seq above the latest event is from another life of the
		// session (a store restored from a backup, say): the client's
		// state is not ours to patch, so it gets a snapshot.
		if evs, ok := a.hist.since(h.LastSeq, a.seq); ok && h.LastSeq > 0 && h.LastSeq <= a.seq {
			a.sendWelcome(c, resume)
			for _, e := range evs {
				if reaches(e.audience, c) {
					c.send(e.msg)
				}
			}
			if c.role == RoleHost {
				a.sendKeyToHosts(c)
			}
			a.hub.metrics.resumes.WithLabelValues("replay").Inc()
			return
		}
		resume = "snapshot"
		a.hub.metrics.resumes.WithLabelValues("snapshot").Inc()
	}
	a.sendWelcome(c, resume)
	if resume == "snapshot" {
		a.sendSnapshot(c)
	}
}

// sendWelcome welcomes a client that said hello, with a first ping right
// behind, so that the dashboard has its round-trip time at once: queued
// together, the two go out in one write.
func (a *actor) sendWelcome(c *Peer, resume string) {
	c.sendNow("welcome", "", 0, a.welcome(c, resume))
	if c.transport == TransportWebSocket {
		c.send(a.hub.pingMessage())
	}
}

type welcomeData struct {
	Protocol      int         `json:"protocol"`
	Role          Role        `json:"role"`
	ParticipantID string      `json:"participant_id,omitempty"`
	Nickname      string      `json:"nickname,omitempty"`
	Session       SessionInfo `json:"session"`
	Resume        string      `json:"resume,omitempty"`
	ServerTimeMS  int64       `json:"server_time_ms"`
	// ClientAddr and ServerAddr are this connection's ends as the server
	// sees them (ip:port), for the layers view of the student's answer.
	ClientAddr string `json:"client_addr,omitempty"`
	ServerAddr string `json:"server_addr,omitempty"`
}

func (a *actor) welcome(c *Peer, resume string) welcomeData {
	w := welcomeData{
		Protocol: ProtocolVersion, Role: c.role, ParticipantID: c.participantID,
		Session: a.info(), Resume: resume, ServerTimeMS: a.hub.now().UnixMilli(),
		ClientAddr: c.peerAddr, ServerAddr: c.localAddr,
	}
	if p, ok := a.sess.Participant(c.participantID); ok {
		w.Nickname = p.Nickname
	}
	return w
}

func (a *actor) info() SessionInfo {
	return SessionInfo{ID: a.id, Code: a.code, Title: a.setup.Title, Source: a.setup.Source, State: string(a.sess.State()), CreatedAt: a.created}
}

func (a *actor) sendSnapshot(c *Peer) {
	var view any
	if c.role == RoleStudent {
		v, err := a.sess.ParticipantView(c.participantID)
		if err != nil {
			return
		}
		view = v
	} else if c.role == RolePresenter {
		view = a.sess.PresenterView()
	} else {
		view = a.sess.HostView()
	}
	c.sendNow("snapshot", "", a.seq, view)
}

func (a *actor) bind(c *Peer, participantID string) {
	c.participantID = participantID
	delete(a.unbound, c)
	a.students[c] = struct{}{}
	a.byParticipant[participantID] = append(a.byParticipant[participantID], c)
	a.presenceDirty = true
}

func (a *actor) detach(c *Peer) {
	delete(a.hosts, c)
	delete(a.students, c)
	delete(a.unbound, c)
	if id := c.participantID; id != "" {
		list := a.byParticipant[id]
		for i, x := range list {
			if x == c {
				list = append(list[:i], list[i+1:]...)
				break
			}
		}
		if len(list) == 0 {
			delete(a.byParticipant, id)
		} else {
			a.byParticipant[id] = list
		}
	}
	a.presenceDirty = true
}

// disconnectAll closes every connection of the session, joined or not,
// when it stops or retires: their clients then hear that it is gone.
func (a *actor) disconnectAll() {
	for _, set := range []map[*Peer]struct{}{a.hosts, a.students, a.unbound} {
		for c := range set {
			c.Close("session closed")
		}
	}
}

// Presence is one participant's connection as the host sees it.
type Presence struct {
	ParticipantID string   `json:"participant_id"`
	Nickname      string   `json:"nickname"`
	Connected     bool     `json:"connected"`
	Transport     string   `json:"transport,omitempty"`
	RTTMillis     *float64 `json:"rtt_ms,omitempty"` // absent until measured
	Remote        string   `json:"remote,omitempty"`
}

func (a *actor) sendPresence() {
	a.presenceDirty = false
	a.rttChanged.Store(false)
	a.presenceSent = time.Now()
	if len(a.hosts) == 0 {
		return
	}
	ps := a.sess.Participants()
	out := make([]Presence, 0, len(ps))
	for _, p := range ps {
		if p.Kicked {
			continue
		}
		pr := Presence{ParticipantID: p.ID}
		if cs := a.byParticipant[p.ID]; len(cs) > 0 {
			pr = connectedPresence(p.ID, cs[len(cs)-1])
		} else if a.cl != nil {
			if r, ok := a.remoteConnection(p.ID); ok {
				pr = r // connected to another node
			}
		}
		pr.Nickname = p.Nickname
		out = append(out, pr)
	}
	msg := newMessage("presence", "", 0, map[string]any{"participants": out})
	for c := range a.hosts {
		c.send(msg)
	}
}
