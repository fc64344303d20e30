package live

import (
	"crypto/hmac"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/base64"
	"strings"
)

// Auth makes and checks the two kinds of credential of a live session:
// the instructor's cookie (derived from the instructor key) and each
// participant's resume token (derived from a server secret). Both are
// HMACs, so nothing needs to be stored to check them and they survive a
// restart; both are compared in constant time.
type Auth struct {
	instructorKey []byte
	secret        []byte
}

// NewAuth returns an Auth for the instructor key and the server's secret.
func NewAuth(instructorKey string, secret []byte) *Auth {
	return &Auth{instructorKey: []byte(instructorKey), secret: secret}
}

func mac(key []byte, parts ...string) string {
	h := hmac.New(sha256.New, key)
	for _, p := range parts {
		h.Write([]byte(p))
		h.Write([]byte{0})
	}
	return base64.RawURLEncoding.EncodeToString(h.Sum(nil))
}

// CheckKey reports whether key is the instructor key.
func (a *Auth) CheckKey(key string) bool {
	return subtle.ConstantTimeCompare([]byte(key), a.instructorKey) == 1
}

// InstructorCookie is the value of the instructor's sign-in cookie. It is
// not the key itself, so a leaked cookie does not reveal the key.
func (a *Auth) InstructorCookie() string {
	return mac(a.instructorKey, "instructor-cookie-v1")
}

// CheckInstructorCookie reports whether v is a valid instructor cookie.
func (a *Auth) CheckInstructorCookie(v string) bool {
	return v != "" && subtle.ConstantTimeCompare([]byte(v), []byte(a.InstructorCookie())) == 1
}

// ParticipantToken is the resume token of a participant of a session.
func (a *Auth) ParticipantToken(sessionID, participantID string) string {
	return participantID + "." + mac(a.secret, "participant-token-v1", sessionID, participantID)
}

// CheckParticipantToken returns the participant a token belongs to in the
// session, if it is valid there. A token names its participant, so one
// student's token can never act as another.
func (a *Auth) CheckParticipantToken(sessionID, token string) (string, bool) {
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
