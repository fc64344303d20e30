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

// Join codes are guarded per address, and a whole class may share one
// (thirty phones behind a school's NAT), so only wrong codes count: a
// burst for honest typos, then one every few seconds. An address past that
// is not locked out: its wrong codes are refused, and its right ones let
// in, as long as a second allowance lasts, which every lookup from it
// spends, right or wrong. That allowance is big enough for a class to join
// (each student looks a code up twice: the join page, then the
// connection's hello) and refills once a second. Without it, "refused"
// against "let in" would tell a guesser which code is right at full speed;
// with it, guessing one of 900,000 codes still takes days.
// A resume token or the instructor's cookie needs no code guessing and
// passes whatever the address did (see Hub.lookupHello).
const (
	codeFailBurst    = 20
	codeFailEvery    = 3 * time.Second
	flaggedBurst     = 120
	flaggedEvery     = time.Second
	guardIdle        = 10 * time.Minute
	guardSweepPeriod = guardIdle
)

// codeGuard rate-limits join-code lookups per client address.
type codeGuard struct {
	mu    sync.Mutex
	byIP  map[string]*guardEntry
	swept time.Time
}

type guardEntry struct {
	wrong   *rate.Limiter // wrong codes
	flagged *rate.Limiter // every lookup, once wrong is spent
	seen    time.Time
}

func newCodeGuard() *codeGuard { return &codeGuard{byIP: map[string]*guardEntry{}} }

func (g *codeGuard) entry(ip string, now time.Time) *guardEntry {
	if now.Sub(g.swept) > guardSweepPeriod {
		for k, e := range g.byIP {
			if now.Sub(e.seen) > guardIdle {
				delete(g.byIP, k)
			}
		}
		g.swept = now
	}
	e, ok := g.byIP[ip]
	if !ok {
		e = &guardEntry{
			wrong:   rate.NewLimiter(rate.Every(codeFailEvery), codeFailBurst),
			flagged: rate.NewLimiter(rate.Every(flaggedEvery), flaggedBurst),
		}
		g.byIP[ip] = e
	}
	e.seen = now
	return e
}

// lookup decides one code lookup from ip: found says whether the code
// exists. It returns nil to answer it (with the session, or ErrNoSession),
// or ErrTooManyAttempts.
func (g *codeGuard) lookup(ip string, found bool, now time.Time) error {
	g.mu.Lock()
	defer g.mu.Unlock()
	e := g.entry(ip, now)
	if e.wrong.TokensAt(now) >= 1 {
		if !found {
			e.wrong.AllowN(now, 1)
		}
		return nil
	}
	// Past the wrong codes' burst: a right code still gets in while the
	// second allowance lasts; a wrong one is refused, and spends it too.
	if !e.flagged.AllowN(now, 1) || !found {
		return ErrTooManyAttempts
	}
	return nil
}

// LookupFrom is Lookup for a client at an address: wrong codes count
// against the address (see codeGuard).
func (h *Hub) LookupFrom(ip, code string) (*actor, error) {
	a, err := h.findByCode(code)
	if err != nil && !errors.Is(err, ErrNoSession) {
		return nil, err // not a wrong code: the cluster could not say
	}
	ok := err == nil
	if err := h.guard.lookup(ip, ok, time.Now()); err != nil {
		return nil, err
	}
	if !ok {
		return nil, ErrNoSession
	}
	return a, nil
}

// lookupHello finds the session a hello names. A connection that proves it
// belongs (the instructor's cookie, or a resume token valid for that
// session) skips the guard: it is not guessing, and a class's reconnects
// must not be refused because someone on the same network mistyped.
func (h *Hub) lookupHello(c *Peer, hi hello) (*actor, error) {
	a, err := h.findByCode(hi.Session)
	if err != nil && !errors.Is(err, ErrNoSession) {
		return nil, err
	}
	if err == nil {
		if c.instructor && hi.Role != RoleStudent && hi.Role != "" {
			return a, nil
		}
		if hi.Token != "" {
			if _, valid := h.auth.CheckParticipantToken(a.id, hi.Token); valid {
				return a, nil
			}
		}
	}
	return h.LookupFrom(c.remoteAddr, hi.Session)
}
