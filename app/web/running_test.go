package web

import (
	"context"
	"net/http"
	"strings"
	"testing"

	"netstudy/app/session"
)

// A quiz is marked "being played live now" in the practice list only while
// a class is in a session of it; /host lists the running sessions with
// their players, and its End button ends one, for the instructor only.
func TestRunningSessionsListAndEnd(t *testing.T) {
	e := newHostEnvOf(t, practiceContent(), "")
	info, err := e.hub.Create(context.Background(), session.Setup{Title: "Basics live", Source: "quiz:practice-basics", Options: session.DefaultOptions()})
	if err != nil {
		t.Fatal(err)
	}
	const mark = "Being played live now"
	if _, body := e.do(t, hostReq{method: "GET", path: "/practice"}); strings.Contains(body, mark) {
		t.Error("a session waiting for its class marks its quiz as played")
	}
	student, code := hostDialStudent(t, e, info.Code, "ada")
	if student == nil {
		t.Fatalf("join refused: %s", code)
	}
	if _, body := e.do(t, hostReq{method: "GET", path: "/practice"}); strings.Count(body, mark) != 1 {
		t.Errorf("with a student in the session, the practice list marks %d quizzes as played, want 1", strings.Count(body, mark))
	}
	_, body := e.do(t, hostReq{method: "GET", path: "/host", instructor: true})
	if !strings.Contains(body, `action="/host/sessions/`+info.ID+`/end"`) || !strings.Contains(body, "<td>1</td>") {
		t.Errorf("/host does not list the running session with its player and End button:\n%s", body)
	}

	end := "/host/sessions/" + info.ID + "/end"
	if res, _ := e.do(t, hostReq{method: "POST", path: end}); res.StatusCode != http.StatusForbidden {
		t.Errorf("End without the instructor's cookie = %d, want 403", res.StatusCode)
	}
	if res, _ := e.do(t, hostReq{method: "POST", path: end, instructor: true, origin: "http://evil.example"}); res.StatusCode != http.StatusForbidden {
		t.Errorf("End from another site = %d, want 403", res.StatusCode)
	}
	if running, _ := e.hub.Running(context.Background()); len(running) != 1 {
		t.Fatalf("refused Ends ended the session: %+v", running)
	}
	res, _ := e.do(t, hostReq{method: "POST", path: end, instructor: true})
	if res.StatusCode != http.StatusSeeOther || res.Header.Get("Location") != "/host" {
		t.Errorf("End = %d → %q, want 303 → /host", res.StatusCode, res.Header.Get("Location"))
	}
	student.expect(session.TypeEnded)
	if running, _ := e.hub.Running(context.Background()); len(running) != 0 {
		t.Errorf("still running after End: %+v", running)
	}
	if _, body := e.do(t, hostReq{method: "GET", path: "/practice"}); strings.Contains(body, mark) {
		t.Error("an ended session still marks its quiz as played")
	}
	if res, _ := e.do(t, hostReq{method: "POST", path: "/host/sessions/nope/end", instructor: true}); res.StatusCode != http.StatusNotFound {
		t.Errorf("End of an unknown session = %d, want 404", res.StatusCode)
	}
}
