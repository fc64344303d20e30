package web

import (
	"io"
	"net"
	"net/http"
	"net/netip"
	"net/url"
	"strconv"
	"strings"
	"testing"
	"time"

	"netstudy/app/clientip"
)

// signInFrom posts a key to /host/signin from the local address ip, with
// an X-Forwarded-For header of each forwardedFor.
func signInFrom(t *testing.T, e *hostEnv, ip, key string, forwardedFor ...string) (*http.Response, string) {
	t.Helper()
	client := &http.Client{
		Transport: &http.Transport{DialContext: (&net.Dialer{LocalAddr: &net.TCPAddr{IP: net.ParseIP(ip)}}).DialContext},
		CheckRedirect: func(*http.Request, []*http.Request) error {
			return http.ErrUseLastResponse
		},
	}
	defer client.CloseIdleConnections()
	req, err := http.NewRequest(http.MethodPost, e.ts.URL+"/host/signin", strings.NewReader(url.Values{"key": {key}}.Encode()))
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("Origin", e.ts.URL)
	for _, f := range forwardedFor {
		req.Header.Add("X-Forwarded-For", f)
	}
	res, err := client.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	b, _ := io.ReadAll(res.Body)
	return res, string(b)
}

// Wrong keys from one address are refused with the time to try again once
// they pass the limit; from then on no key from that address is checked,
// not even the right one, so guessing faster gains nothing; another
// address is not affected.
func TestHostSignInWrongKeysLimited(t *testing.T) {
	e := newHostEnv(t, "")
	for i := range wrongKeyBurst {
		if res, body := signInFrom(t, e, "127.0.0.1", "guess"+strconv.Itoa(i)); res.StatusCode != http.StatusForbidden || !strings.Contains(body, "not the instructor key") {
			t.Fatalf("wrong key %d = %d, want 403 with the wrong-key message", i+1, res.StatusCode)
		}
	}
	res, body := signInFrom(t, e, "127.0.0.1", "one more")
	if res.StatusCode != http.StatusTooManyRequests {
		t.Fatalf("wrong key past the limit = %d, want 429", res.StatusCode)
	}
	if secs, err := strconv.Atoi(res.Header.Get("Retry-After")); err != nil || secs < 1 {
		t.Errorf("Retry-After = %q, want a number of seconds", res.Header.Get("Retry-After"))
	}
	for _, want := range []string{"Too many wrong keys", "try again in", `name="key"`} {
		if !strings.Contains(body, want) {
			t.Errorf("the refusal does not say %q", want)
		}
	}
	if signInCookie(res) != nil {
		t.Error("a refused try set the cookie")
	}
	// The instructor link counts against the same limit.
	if res, _ := e.do(t, hostReq{method: "GET", path: "/host?key=guess"}); res.StatusCode != http.StatusTooManyRequests {
		t.Errorf("GET /host?key=wrong past the limit = %d, want 429", res.StatusCode)
	}

	res, _ = signInFrom(t, e, "127.0.0.1", testInstructorKey)
	if res.StatusCode != http.StatusTooManyRequests || signInCookie(res) != nil {
		t.Fatalf("the right key from a limited address = %d, want 429 and no cookie: a guess must not be checked there", res.StatusCode)
	}

	if res, _ := signInFrom(t, e, "127.0.0.2", "guess"); res.StatusCode != http.StatusForbidden {
		t.Errorf("a wrong key from another address = %d, want 403", res.StatusCode)
	}
	res, _ = signInFrom(t, e, "127.0.0.2", testInstructorKey)
	if res.StatusCode != http.StatusSeeOther {
		t.Fatalf("the right key from another address = %d, want 303", res.StatusCode)
	}
	checkInstructorCookie(t, e, res)
}

// The limiter's arithmetic, on a clock the test moves: a burst, then one
// try per refill; a refused try does not push the wait further.
func TestWrongKeyLimiterRefills(t *testing.T) {
	now := time.Date(2026, 12, 7, 8, 0, 0, 0, time.UTC)
	l := newWrongKeyLimiter(func() time.Time { return now })
	for i := range wrongKeyBurst {
		if at := l.wrongKey("a"); !at.IsZero() {
			t.Fatalf("try %d refused", i+1)
		}
	}
	first := l.wrongKey("a")
	if want := now.Add(wrongKeyRefill); !first.Equal(want) {
		t.Fatalf("retry at %v, want %v", first, want)
	}
	if again := l.wrongKey("a"); !again.Equal(first) {
		t.Errorf("a refused try moved the retry time from %v to %v", first, again)
	}
	if at := l.blockedUntil("a"); !at.Equal(first) {
		t.Errorf("blockedUntil = %v, want %v", at, first)
	}
	if at := l.wrongKey("b"); !at.IsZero() {
		t.Error("another address is limited")
	}
	now = first
	if at := l.blockedUntil("a"); !at.IsZero() {
		t.Error("still blocked after a refill")
	}
	if at := l.wrongKey("a"); !at.IsZero() {
		t.Error("no try came back after a refill")
	}
	if at := l.wrongKey("a"); at.IsZero() {
		t.Error("more than one try came back after one refill")
	}
}

func TestLimitKeyGroupsIPv6Slash64(t *testing.T) {
	tests := []struct{ a, b string }{
		{"2001:db8:1:2:aaaa::1", "2001:db8:1:2:bbbb::2"},
		{"192.0.2.7", "192.0.2.7"},
	}
	for _, tt := range tests {
		if limitKey(tt.a) != limitKey(tt.b) {
			t.Errorf("%s and %s count apart", tt.a, tt.b)
		}
	}
	if limitKey("2001:db8:1:2::1") == limitKey("2001:db8:1:3::1") {
		t.Error("two /64s count as one")
	}
}

// Behind a load balancer every student comes from its address: with the
// balancer trusted (--trusted-proxies), wrong keys count per address it
// names, so a student guessing does not lock the teacher out; without it,
// the header is ignored, or a guesser would name a new address each time.
func TestHostSignInLimitsEachClientBehindATrustedProxy(t *testing.T) {
	for _, trusted := range []bool{true, false} {
		t.Run(map[bool]string{true: "trusted", false: "not trusted"}[trusted], func(t *testing.T) {
			var prefixes []netip.Prefix
			if trusted {
				prefixes = []netip.Prefix{netip.MustParsePrefix("127.0.0.0/8")}
			}
			ts, srv := startTestServer(t, testServerConfig{Content: hostContent(), ClientIP: clientip.New(prefixes)})
			e := &hostEnv{ts: ts, hub: srv.hub, auth: srv.auth}
			for i := range wrongKeyBurst + 1 {
				signInFrom(t, e, "127.0.0.1", "guess"+strconv.Itoa(i), "203.0.113.7")
			}
			if res, _ := signInFrom(t, e, "127.0.0.1", "guess", "203.0.113.7"); res.StatusCode != http.StatusTooManyRequests {
				t.Fatalf("the guesser past the limit = %d, want 429", res.StatusCode)
			}
			res, _ := signInFrom(t, e, "127.0.0.1", testInstructorKey, "203.0.113.8")
			if want := map[bool]int{true: http.StatusSeeOther, false: http.StatusTooManyRequests}[trusted]; res.StatusCode != want {
				t.Errorf("the teacher's right key through the same balancer = %d, want %d", res.StatusCode, want)
			}
		})
	}
}
