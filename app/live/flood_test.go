package live

import (
	"encoding/json"
	"fmt"
	"strings"
	"testing"

	"github.com/gorilla/websocket"

	"netstudy/app/session"
)

// The instructor's dashboard may send commands as fast as it likes: none
// is refused as a flood, every one is acknowledged.
func TestInstructorCommandsAreNeverFlooded(t *testing.T) {
	th := newTestHub(t)
	info := th.create(t)
	host := th.host(t, info.Code)
	const n = 3 * floodBurst
	opts, _ := json.Marshal(session.DefaultOptions())
	for i := range n {
		raw := fmt.Sprintf(`{"type":"set_options","id":"opt-%d","data":%s}`, i, opts)
		if err := host.conn.WriteMessage(websocket.TextMessage, []byte(raw)); err != nil {
			t.Fatal(err)
		}
	}
	acked := map[string]bool{}
	for len(acked) < n {
		env, err := host.next()
		if err != nil {
			t.Fatalf("after %d of %d acknowledgements: %v", len(acked), n, err)
		}
		switch env.Type {
		case "error":
			t.Fatalf("the instructor's command %q got an error: %s", env.ID, env.Data)
		case "ack":
			acked[env.ID] = true
		}
	}
}

// A student's flood error names the command it refused, so that the
// client can send that command again.
func TestFloodErrorNamesTheCommand(t *testing.T) {
	th := newTestHub(t)
	info := th.create(t)
	noisy, _ := th.student(t, info.Code, "noisy")
	sent := map[string]bool{}
	for i := range 2 * floodBurst {
		id := fmt.Sprintf("ans-%d", i)
		sent[id] = true
		raw := fmt.Sprintf(`{"type":"answer","id":%q,"data":{"question_id":"q1","round":1,"choices":["a"]}}`, id)
		if err := noisy.conn.WriteMessage(websocket.TextMessage, []byte(raw)); err != nil {
			break
		}
	}
	floods := 0
	for {
		env, err := noisy.next()
		if err != nil {
			break // closed after too many
		}
		if env.Type == "error" && strings.Contains(string(env.Data), `"flood"`) {
			floods++
			if !sent[env.ID] {
				t.Errorf("a flood error names command %q, not one that was sent", env.ID)
			}
		}
	}
	if floods == 0 {
		t.Error("no flood error")
	}
}
