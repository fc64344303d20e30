package web

import (
	"net"
	"sync"
	"time"
)

// Wrong instructor keys are limited per address: a few tries at once, then
// one more every wrongKeyRefill. Once an address is over its limit, no key
// from it is even checked until its next try is back, so a script gains
// nothing by sending keys as fast as the server answers. A student trying
// keys behind the same school router as the teacher costs the teacher at
// most a wait at the sign-in form, never the dashboard, which keeps its
// sign-in cookie. The keys netstudy makes have 128 random
// bits, which no rate of guessing reaches; the limit matters most for a
// short key chosen with --instructor-key.
const (
	wrongKeyBurst  = 5
	wrongKeyRefill = time.Minute
	// wrongKeyAddresses bounds the memory of the limiter: past it,
	// the addresses whose tries have all come back are forgotten.
	wrongKeyAddresses = 4096
)

type wrongKeyLimiter struct {
	now func() time.Time
	mu  sync.Mutex
	// spent is, per address, the time when all its tries are back: each
	// wrong key pushes it wrongKeyRefill later, from now at the earliest.
	spent map[string]time.Time
}

func newWrongKeyLimiter(now func() time.Time) *wrongKeyLimiter {
	return &wrongKeyLimiter{now: now, spent: map[string]time.Time{}}
}

// wrongKey records a wrong key from addr. It returns zero if the address
// was within its limit, else when it may try again.
func (l *wrongKeyLimiter) wrongKey(addr string) (retryAt time.Time) {
	now := l.now()
	l.mu.Lock()
	defer l.mu.Unlock()
	if len(l.spent) >= wrongKeyAddresses {
		for a, t := range l.spent {
			if !t.After(now) {
				delete(l.spent, a)
			}
		}
	}
	full := later(l.spent[addr], now) // when every try is back
	// Within the limit while fewer than wrongKeyBurst tries are spent.
	if full.Sub(now) <= (wrongKeyBurst-1)*wrongKeyRefill {
		l.spent[addr] = full.Add(wrongKeyRefill)
		return time.Time{}
	}
	// Over it: the next try comes back wrongKeyBurst refills before all
	// of them. A refused try costs nothing more, so the wait it shows
	// stays true.
	return full.Add(-(wrongKeyBurst - 1) * wrongKeyRefill)
}

// blockedUntil reports until when addr may not try a key, or zero if it
// may try now.
func (l *wrongKeyLimiter) blockedUntil(addr string) time.Time {
	now := l.now()
	l.mu.Lock()
	defer l.mu.Unlock()
	full := later(l.spent[addr], now)
	if full.Sub(now) <= (wrongKeyBurst-1)*wrongKeyRefill {
		return time.Time{}
	}
	return full.Add(-(wrongKeyBurst - 1) * wrongKeyRefill)
}

// limitKey is the address a limit applies to: an IPv6 client can pick any
// address of its /64, so the whole /64 counts as one.
func limitKey(ip string) string {
	parsed := net.ParseIP(ip)
	if parsed == nil || parsed.To4() != nil {
		return ip
	}
	return parsed.Mask(net.CIDRMask(64, 128)).String()
}

func later(a, b time.Time) time.Time {
	if a.After(b) {
		return a
	}
	return b
}
