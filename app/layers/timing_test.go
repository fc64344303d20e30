package layers

import (
	"testing"
	"time"
)

// TestRepliesLeaveWhenTheSenderCan checks that a host answers as soon as it
// has what it was waiting for, so that round trips read off a capture are
// the model's: the server's 101 leaves right after the GET arrives, not
// after its own ACK of the GET has crossed back to the client.
func TestRepliesLeaveWhenTheSenderCan(t *testing.T) {
	for _, tc := range []struct {
		id            string
		request, resp string // captions
	}{
		{"websocket", "HTTP GET /live (Upgrade: websocket)", "HTTP 101 Switching Protocols"},
		{"websocket", "WebSocket text frame (masked)", "WebSocket text frame"},
		{"tcp-data", "FIN, ACK", "FIN, ACK"}, // the server closes when the client has
	} {
		s, err := Build(tc.id, DefaultParamsFor(tc.id))
		if err != nil {
			t.Fatal(err)
		}
		var req, resp *Packet
		for i := range s.Packets {
			p := &s.Packets[i]
			if p.Caption == tc.request && req == nil {
				req = p
			}
			if p.Caption == tc.resp && req != nil && p.From != req.From && resp == nil {
				resp = p
			}
		}
		if req == nil || resp == nil {
			t.Fatalf("%s: no %q answered by %q", tc.id, tc.request, tc.resp)
		}
		// The request takes one way across; the answer may leave as soon
		// as it is in, plus the microseconds to send a frame or two.
		gap := time.Duration(resp.TimeUS-req.TimeUS) * time.Microsecond
		if gap < pathDelay || gap > pathDelay+time.Millisecond {
			t.Errorf("%s: %q leaves %v after %q, want one-way delay %v plus sending time", tc.id, tc.resp, gap, tc.request, pathDelay)
		}
	}
}

// TestTimeoutFollowsMeasuredRoundTrip checks the timer the text names:
// Linux's 200 ms floor plus the round trip measured in the handshake.
func TestTimeoutFollowsMeasuredRoundTrip(t *testing.T) {
	s, err := Build("tcp-loss", DefaultParamsFor("tcp-loss"))
	if err != nil {
		t.Fatal(err)
	}
	lost, resent := s.Packets[3], Packet{}
	for _, p := range s.Packets {
		if p.Retransmission {
			resent = p
			break
		}
	}
	got := time.Duration(resent.TimeUS-lost.TimeUS) * time.Microsecond
	rtt := time.Duration(s.Packets[1].TimeUS-s.Packets[0].TimeUS)*time.Microsecond + pathDelay
	if got < minRTO+rtt-time.Millisecond || got > minRTO+rtt+time.Millisecond {
		t.Errorf("resent %v after the loss, want about %v (200 ms + round trip %v)", got, minRTO+rtt, rtt)
	}
}
