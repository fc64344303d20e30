package live

import (
	"context"
	"strings"
	"testing"
	"time"
)

// An instructor cookie expires on the server, not only in the browser, and
// cannot be made younger or forged without the key.
func TestInstructorCookieExpires(t *testing.T) {
	now := time.Date(2026, 12, 7, 8, 0, 0, 0, time.UTC)
	a := NewAuth("teacher-key", []byte("secret"))
	a.now = func() time.Time { return now }
	cookie := a.InstructorCookie()
	issued, sig, _ := strings.Cut(cookie, ".")
	for _, tc := range []struct {
		name   string
		cookie string
		later  time.Duration
		want   bool
	}{
		{"fresh", cookie, 0, true},
		{"at the end of the school day", cookie, 11 * time.Hour, true},
		{"the next morning", cookie, 13 * time.Hour, false},
		{"from the future", cookie, -time.Hour, false},
		{"issued time changed", "9" + issued + "." + sig, 0, false},
		{"another key's", func() string { b := NewAuth("other", nil); b.now = a.now; return b.InstructorCookie() }(), 0, false},
		{"the old, timeless format", mac([]byte("teacher-key"), "instructor-cookie-v1"), 0, false},
		{"empty", "", 0, false},
	} {
		a.now = func() time.Time { return now.Add(tc.later) }
		if got := a.CheckInstructorCookie(tc.cookie); got != tc.want {
			t.Errorf("%s: CheckInstructorCookie = %v, want %v", tc.name, got, tc.want)
		}
	}
}

// Signing out voids every cookie issued until then, copies on other
// computers included, and survives a restart; signing in again, even in
// the same second, works.
func TestSigningOutVoidsEveryEarlierCookie(t *testing.T) {
	dir := t.TempDir()
	th := startTestHub(t, dir)
	auth := th.hub.auth
	copied := auth.InstructorCookie() // taken from a classroom computer
	mine := auth.InstructorCookie()
	if err := th.hub.SignOutInstructor(context.Background()); err != nil {
		t.Fatal(err)
	}
	for name, c := range map[string]string{"copied": copied, "mine": mine} {
		if auth.CheckInstructorCookie(c) {
			t.Errorf("the %s cookie still works after signing out", name)
		}
	}
	again := auth.InstructorCookie() // the same second, most likely
	if !auth.CheckInstructorCookie(again) {
		t.Fatal("signing in right after signing out fails")
	}
	auth.RevokeInstructorCookiesThrough(0) // an older sign-out brings nothing back
	if auth.CheckInstructorCookie(copied) {
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

// Changing the key voids the cookies made with the old one and the old key
// itself, at once; the new key and its cookies work. Checks running while
// the key changes see one key or the other, never a torn one (go test
// -race watches the swap).
func TestChangingTheKeySignsEveryoneOut(t *testing.T) {
	a := NewAuth("old-key", []byte("secret"))
	old := a.InstructorCookie()
	done := make(chan struct{})
	go func() {
		defer close(done)
		for range 1000 {
			a.CheckInstructorCookie(old)
			a.CheckKey("old-key")
		}
	}()
	a.SetInstructorKey("new-key")
	<-done
	if a.CheckKey("old-key") || a.CheckInstructorCookie(old) {
		t.Error("the old key or its cookie still works after the change")
	}
	if !a.CheckKey("new-key") || !a.CheckInstructorCookie(a.InstructorCookie()) {
		t.Error("the new key or its cookie does not work")
	}
}
