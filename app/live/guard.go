package live

import (
	"errors"
	"sync"
	"time"

	"golang.org/x/time/rate"
)

// ErrTooManyAttempts is returned when an address has tried too many join
// codes that do not exist.
var ErrTooManyAttempts = errors.New("too many wrong join codes from this address; wait a minute and try again")

// Wrong join codes allowed per address: a burst for honest typos, then one
// every few seconds. A whole class behind one school NAT still joins,
// because only failures count; guessing one of 900,000 codes at this pace
// takes weeks.
const (
	codeFailBurst = 20
	codeFailEvery = 3 * time.Second
	guardIdle     = 10 * time.Minute
)

// codeGuard rate-limits failed join-code lookups per client address.
type codeGuard struct {
	mu    sync.Mutex
	byIP  map[string]*guardEntry
	swept time.Time
}

type guardEntry struct {
	lim  *rate.Limiter
	seen time.Time
}

func newCodeGuard() *codeGuard { return &codeGuard{byIP: map[string]*guardEntry{}} }

func (g *codeGuard) entry(ip string, now time.Time) *guardEntry {
	if now.Sub(g.swept) > guardIdle {
		for k, e := range g.byIP {
			if now.Sub(e.seen) > guardIdle {
				delete(g.byIP, k)
			}
		}
		g.swept = now
	}
	e, ok := g.byIP[ip]
	if !ok {
		e = &guardEntry{lim: rate.NewLimiter(rate.Every(codeFailEvery), codeFailBurst)}
		g.byIP[ip] = e
	}
	e.seen = now
	return e
}

// allowed reports whether the address may try a code now.
func (g *codeGuard) allowed(ip string, now time.Time) bool {
	g.mu.Lock()
	defer g.mu.Unlock()
	return g.entry(ip, now).lim.TokensAt(now) >= 1
}

// failed records a wrong code from the address.
func (g *codeGuard) failed(ip string, now time.Time) {
	g.mu.Lock()
	defer g.mu.Unlock()
	g.entry(ip, now).lim.AllowN(now, 1)
}

// LookupFrom is Lookup for a client at an address: wrong codes count
// against the address, and an address with too many gets
// ErrTooManyAttempts whatever it asks.
func (h *Hub) LookupFrom(ip, code string) (*actor, error) {
	now := time.Now()
	if !h.guard.allowed(ip, now) {
		return nil, ErrTooManyAttempts
	}
	a, ok := h.actorByCode(code)
	if !ok {
		h.guard.failed(ip, now)
		return nil, ErrNoSession
	}
	return a, nil
}
