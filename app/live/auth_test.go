package live

import (
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
