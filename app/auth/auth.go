// Package auth makes and checks the credentials of live sessions: the
// instructor key and the sign-in cookie derived from it (with the time of
// the last sign-out, which voids every older cookie), and each
// participant's resume token. It holds no session state and knows nothing
// of the network; the live hub and the web handlers both ask it.
package auth

import (
	"crypto/hmac"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/base64"
	"strconv"
	"strings"
	"sync/atomic"
	"time"
)

// CookieName is the instructor's sign-in cookie.
const CookieName = "netstudy_instructor"

// Credentials makes and checks the two kinds of credential of a live session:
// the instructor's cookie (derived from the instructor key) and each
// participant's resume token (derived from a server secret). Both are
// HMACs, so nothing needs to be stored to check them and they survive a
// restart; both are compared in constant time. The one thing kept is when
// the instructor last signed out: every cookie issued until then is void,
// copies included.
type Credentials struct {
	// instructorKey is swapped whole when the teacher changes the key
	// while the server runs: every check sees the old key or the new one.
	instructorKey atomic.Pointer[[]byte]
	secret        []byte
	now           func() time.Time
	// revokedThrough is a Unix second: instructor cookies issued at or
	// before it are refused.
	revokedThrough atomic.Int64
}

// New returns the Credentials for the instructor key and the server's
// secret.
func New(instructorKey string, secret []byte) *Credentials {
	a := &Credentials{secret: secret, now: time.Now}
	a.SetInstructorKey(instructorKey)
	return a
}

// SetInstructorKey replaces the instructor key. Every instructor cookie is
// an HMAC under the key, so the cookies made with the old one stop working
// at once; nothing else needs to be told.
func (a *Credentials) SetInstructorKey(key string) {
	k := []byte(key)
	a.instructorKey.Store(&k)
}

func (a *Credentials) key() []byte { return *a.instructorKey.Load() }

// InstructorSignIn is how long an instructor cookie is valid: a school
// day. A teacher who comes back tomorrow signs in again with the key.
const InstructorSignIn = 12 * time.Hour

func mac(key []byte, parts ...string) string {
	h := hmac.New(sha256.New, key)
	for _, p := range parts {
		h.Write([]byte(p))
		h.Write([]byte{0})
	}
	return base64.RawURLEncoding.EncodeToString(h.Sum(nil))
}

// CheckKey reports whether key is the instructor key.
func (a *Credentials) CheckKey(key string) bool {
	return subtle.ConstantTimeCompare([]byte(key), a.key()) == 1
}

// InstructorCookie is the value of a new instructor sign-in cookie: when it
// was issued, and an HMAC of that under the key. It is not the key itself,
// so a leaked cookie does not reveal the key, and it expires on the server
// too, not only in the browser.
func (a *Credentials) InstructorCookie() string {
	// A sign-in in the same second as a sign-out must still work: the
	// cookie is dated just after it.
	issued := strconv.FormatInt(max(a.now().Unix(), a.revokedThrough.Load()+1), 10)
	return issued + "." + mac(a.key(), "instructor-cookie-v2", issued)
}

// CheckInstructorCookie reports whether v is an instructor cookie made with
// this key less than InstructorSignIn ago, and after the last sign-out.
func (a *Credentials) CheckInstructorCookie(v string) bool {
	issued, sig, ok := strings.Cut(v, ".")
	if !ok || len(v) > 128 {
		return false
	}
	want := mac(a.key(), "instructor-cookie-v2", issued)
	if subtle.ConstantTimeCompare([]byte(sig), []byte(want)) != 1 {
		return false
	}
	t, err := strconv.ParseInt(issued, 10, 64)
	if err != nil || t <= a.revokedThrough.Load() {
		return false
	}
	age := a.now().Sub(time.Unix(t, 0))
	return age > -time.Minute && age < InstructorSignIn // a minute of clock skew
}

// RevokeInstructorCookies voids every instructor cookie issued until now,
// and returns the Unix second to keep for RevokeInstructorCookiesThrough
// after a restart.
func (a *Credentials) RevokeInstructorCookies() int64 {
	a.RevokeInstructorCookiesThrough(a.now().Unix())
	return a.revokedThrough.Load()
}

// RevokeInstructorCookiesThrough voids the instructor cookies issued at or
// before the Unix second t. It never brings back revoked ones.
func (a *Credentials) RevokeInstructorCookiesThrough(t int64) {
	for {
		old := a.revokedThrough.Load()
		if t <= old || a.revokedThrough.CompareAndSwap(old, t) {
			return
		}
	}
}

// ParticipantToken is the resume token of a participant of a session.
func (a *Credentials) ParticipantToken(sessionID, participantID string) string {
	return participantID + "." + mac(a.secret, "participant-token-v1", sessionID, participantID)
}

// CheckParticipantToken returns the participant a token belongs to in the
// session, if it is valid there. A token names its participant, so one
// student's token can never act as another.
func (a *Credentials) CheckParticipantToken(sessionID, token string) (string, bool) {
	id, _, ok := strings.Cut(token, ".")
	if !ok || id == "" || len(token) > 128 {
		return "", false
	}
	want := a.ParticipantToken(sessionID, id)
	if subtle.ConstantTimeCompare([]byte(token), []byte(want)) != 1 {
		return "", false
	}
	return id, true
}
