package live

import (
	"testing"
	"time"
)

func TestPhoneCountDue(t *testing.T) {
	for _, tc := range []struct {
		name                           string
		students                       int
		sinceSent, sinceAnswer, waited time.Duration
		want                           bool
	}{
		{"small class, interval passed, answers still coming", 30, 300 * time.Millisecond, 0, 300 * time.Millisecond, true},
		{"small class, too soon", 30, 100 * time.Millisecond, time.Minute, time.Minute, false},
		{"large class, its longer interval not passed", 5000, time.Second, time.Minute, time.Minute, false},
		{"large class, interval passed, quiet", 5000, 2 * time.Second, 300 * time.Millisecond, 400 * time.Millisecond, true},
		{"large class, answers pouring in", 5000, time.Hour, 10 * time.Millisecond, 400 * time.Millisecond, false},
		{"large class, answers pouring in for too long", 5000, time.Hour, 10 * time.Millisecond, 3 * time.Second, true},
	} {
		if got := phoneCountDue(tc.students, tc.sinceSent, tc.sinceAnswer, tc.waited); got != tc.want {
			t.Errorf("%s: phoneCountDue(%d, %v, %v, %v) = %v, want %v", tc.name, tc.students, tc.sinceSent, tc.sinceAnswer, tc.waited, got, tc.want)
		}
	}
}
