package live

import (
	"encoding/json"
	"errors"
	"strings"
	"testing"
)

func TestDecode(t *testing.T) {
	tests := []struct {
		name, in string
		code     string // "" means accepted
	}{
		{"hello", `{"type":"hello","data":{"protocol":1,"session":"123456"}}`, ""},
		{"answer", `{"type":"answer","id":"c-1","data":{"question_id":"q1","round":1,"choices":["a"]}}`, ""},
		{"pong", `{"type":"pong","data":{"t":5}}`, ""},
		{"not json", `{type: hello}`, "bad_json"},
		{"two envelopes", `{"type":"pong"}{"type":"pong"}`, "bad_json"},
		{"array", `[{"type":"pong"}]`, "bad_json"},
		{"unknown field", `{"type":"pong","extra":1}`, "bad_json"},
		{"unknown type", `{"type":"become_host","id":"x"}`, "unknown_type"},
		{"command without id", `{"type":"answer","data":{}}`, "bad_id"},
		{"id too long", `{"type":"answer","id":"` + strings.Repeat("x", 65) + `"}`, "bad_id"},
		{"client seq", `{"type":"answer","id":"c","seq":3}`, "bad_json"},
		{"too large", `{"type":"pong","data":"` + strings.Repeat("x", MaxMessageBytes) + `"}`, "too_large"},
		{"empty", ``, "bad_json"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := Decode([]byte(tt.in))
			var pe *ProtocolError
			switch {
			case tt.code == "" && err != nil:
				t.Errorf("Decode = %v, want accepted", err)
			case tt.code != "" && !errors.As(err, &pe):
				t.Errorf("Decode = %v, want a protocol error %s", err, tt.code)
			case tt.code != "" && pe.Code != tt.code:
				t.Errorf("Decode code = %s, want %s", pe.Code, tt.code)
			}
		})
	}
}

// FuzzDecode feeds arbitrary bytes to the decoder and to a command's data
// parsing: neither may panic, and anything accepted must be a known type
// whose re-encoding decodes to the same envelope.
func FuzzDecode(f *testing.F) {
	for _, s := range []string{
		`{"type":"hello","data":{"protocol":1,"session":"123456","role":"student","token":"p1.x","last_seq":4}}`,
		`{"type":"join","id":"a","data":{"nickname":"<b>x</b>"}}`,
		`{"type":"answer","id":"b","data":{"question_id":"q1","round":1,"choices":["a","b"],"text":"10.0.0.0/8"}}`,
		`{"type":"ask_typed","id":"c","data":{"question":{"kind":"single","prompt":"?","choices":["a","b"],"correct":[0]}}}`,
		`{"type":"set_options","id":"d","data":{"locked":true}}`,
		`{"type":"pong","data":{"t":1}}`,
		`{"type":"kick","id":"e","data":{"participant_id":"p1"}}`,
		`null`, `[]`, `{"type":"\u0000"}`,
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		env, err := Decode(b)
		if err != nil {
			var pe *ProtocolError
			if !errors.As(err, &pe) {
				t.Fatalf("Decode returned a non-protocol error %T: %v", err, err)
			}
			return
		}
		if !knownTypes[env.Type] {
			t.Fatalf("accepted unknown type %q", env.Type)
		}
		again, err := json.Marshal(env)
		if err != nil {
			t.Fatal(err)
		}
		env2, err := Decode(again)
		if err != nil || env2.Type != env.Type || env2.ID != env.ID {
			t.Fatalf("re-encoded envelope decodes differently: %v %+v vs %+v", err, env2, env)
		}
		// The data parsing of every command must not panic either.
		c := &Peer{participantID: "p1"}
		_, _ = storedPayload(c, env)
	})
}
