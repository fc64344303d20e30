package web

import (
	"net/http"
	"strings"
	"testing"
)

// The "Change instructor key" button is on /host; its POST needs the
// instructor and a same-origin request, and a key the teacher gave on the
// command line is not changed behind their back. (The change itself, with
// its restart, is tested on the real program: see the app package's
// TestTeacherStaysSignedInAcrossRestarts.)
func TestHostChangeKeyGuarded(t *testing.T) {
	e := newHostEnv(t, "")
	if _, body := e.do(t, hostReq{method: "GET", path: "/host", instructor: true}); !strings.Contains(body, `action="/host/key"`) {
		t.Error("/host has no Change instructor key button")
	}
	tests := []struct {
		name string
		req  hostReq
		want int
	}{
		{"not signed in", hostReq{method: "POST", path: "/host/key"}, http.StatusForbidden},
		{"from another site", hostReq{method: "POST", path: "/host/key", instructor: true, origin: "http://evil.example"}, http.StatusForbidden},
		{"key given at start", hostReq{method: "POST", path: "/host/key", instructor: true}, http.StatusConflict},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			res, body := e.do(t, tt.req)
			if res.StatusCode != tt.want {
				t.Errorf("POST /host/key = %d, want %d", res.StatusCode, tt.want)
			}
			if strings.Contains(body, testInstructorKey) {
				t.Error("the answer shows the key")
			}
		})
	}
	if !e.auth.CheckKey(testInstructorKey) {
		t.Error("the key changed")
	}
}
