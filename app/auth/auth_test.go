package auth

import (
	"strings"
	"testing"
	"time"
)

// An instructor cookie expires on the server, not only in the browser, and
// cannot be made younger or forged without the key.
func TestInstructorCookieExpires(t *testing.T) {
	now := time.Date(2026, 12, 7, 8, 0, 0, 0, time.UTC)
	a := New("teacher-key", []byte("secret"))
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
		{"another key's", func() string { b := New("other", nil); b.now = a.now; return b.InstructorCookie() }(), 0, false},
		{"the old, timeless format", mac([]byte("teacher-key"), "instructor-cookie-v1"), 0, false},
		{"empty", "", 0, false},
	} {
		a.now = func() time.Time { return now.Add(tc.later) }
		if got := a.CheckInstructorCookie(tc.cookie); got != tc.want {
			t.Errorf("%s: CheckInstructorCookie = %v, want %v", tc.name, got, tc.want)
		}
	}
}

// Changing the key voids the cookies made with the old one and the old key
// itself, at once; the new key and its cookies work. Checks running while
// the key changes see one key or the other, never a torn one (go test
// -race watches the swap).
func TestChangingTheKeySignsEveryoneOut(t *testing.T) {
	a := New("old-key", []byte("secret"))
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
