package live

import (
	"context"
	"strings"
	"testing"
)

// Signing out voids every cookie issued until then, copies on other
// computers included, and survives a restart; signing in again, even in
// the same second, works.
func TestSigningOutVoidsEveryEarlierCookie(t *testing.T) {
	dir := t.TempDir()
	th := startTestHub(t, dir)
	creds := th.hub.auth
	copied := creds.InstructorCookie() // taken from a classroom computer
	mine := creds.InstructorCookie()
	if err := th.hub.SignOutInstructor(context.Background()); err != nil {
		t.Fatal(err)
	}
	for name, c := range map[string]string{"copied": copied, "mine": mine} {
		if creds.CheckInstructorCookie(c) {
			t.Errorf("the %s cookie still works after signing out", name)
		}
	}
	again := creds.InstructorCookie() // the same second, most likely
	if !creds.CheckInstructorCookie(again) {
		t.Fatal("signing in right after signing out fails")
	}
	creds.RevokeInstructorCookiesThrough(0) // an older sign-out brings nothing back
	if creds.CheckInstructorCookie(copied) {
		t.Error("an older sign-out revived a revoked cookie")
	}

	th.stop()
	restarted := startTestHub(t, dir)
	if restarted.hub.auth.CheckInstructorCookie(copied) {
		t.Error("the copied cookie works again after a restart")
	}
	if !restarted.hub.auth.CheckInstructorCookie(again) {
		t.Error("the cookie issued after the sign-out was lost in the restart")
	}
}

// Screens the instructor opened before signing out are closed, told why;
// the students' connections stay.
func TestSigningOutClosesTheInstructorsScreens(t *testing.T) {
	th := newTestHub(t)
	info := th.create(t)
	host := th.host(t, info.Code)
	ada, _ := th.student(t, info.Code, "ada")
	if err := th.hub.SignOutInstructor(context.Background()); err != nil {
		t.Fatal(err)
	}
	if e := host.expect("error", ""); !strings.Contains(string(e.Data), `"forbidden"`) {
		t.Errorf("the dashboard was told %s, want forbidden", e.Data)
	}
	if _, err := host.next(); err == nil {
		t.Error("the dashboard's connection is still open")
	}
	mustOK(t, ada, "join", map[string]string{"nickname": "ada"}) // a rejoin is acknowledged
}
