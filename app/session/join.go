package session

import (
	"strings"
	"time"
	"unicode"
	"unicode/utf8"
)

// MaxNickname is the longest nickname, in runes (an emoji built of several
// code points counts as several).
const MaxNickname = 24

// maxNicknameInput bounds the raw input, in bytes, allowing for padding and
// invisible characters around a full-length name.
const maxNicknameInput = 1024

// Join adds a player and returns their ID: "p1", "p2", ... in join order,
// so that a replay gives the same IDs. The nickname is cleaned (see
// cleanNickname) and must not look like another in the session (see
// nicknameKey: case, compatibility forms and look-alike letters); kicked
// players keep theirs. Refused when Locked, when the session has started and
// late joins are off, and once it has ended.
//
// Emits participant_joined (host) and, when a question is open, that
// question to the newcomer so that they can still answer it.
func (s *Session) Join(nickname string, now time.Time) (string, []Event, error) {
	switch {
	case s.state == Ended:
		return "", nil, ErrEnded
	case s.opts.Locked:
		return "", nil, ErrLocked
	case s.state != Lobby && !s.opts.AllowLateJoin:
		return "", nil, ErrLateJoin
	}
	nick, err := cleanNickname(nickname)
	if err != nil {
		return "", nil, err
	}
	key := nicknameKey(nick)
	if _, taken := s.byNick[key]; taken {
		return "", nil, ErrNicknameTaken
	}
	p := &participant{seq: len(s.participants) + 1, nickname: nick, joinedAt: now}
	p.id = participantID(p.seq)
	s.participants = append(s.participants, p)
	s.byID[p.id] = p
	s.byNick[key] = p
	s.active++
	s.rankNewcomer(p)

	evs := []Event{{Type: TypeParticipantJoined, Audience: ToHost, Payload: ParticipantJoined{
		ParticipantID: p.id, Nickname: nick, Participants: s.active,
	}}}
	if r := s.current(); s.state == QuestionOpen {
		evs = append(evs, Event{Type: TypeQuestionOpened, Audience: ToParticipant(p.id), Payload: s.opened(r, false, p.id)})
	}
	return p.id, evs, nil
}

// cleanNickname turns what a player typed into their nickname, or says why
// it cannot be one. Every kind of space becomes one plain space (runs
// collapse, the ends are trimmed), so that "Ann  B" cannot pose as "Ann B".
// Control and format characters are removed: they are invisible, so they
// would let two names look the same, and bidi overrides can reverse text
// around the name. The one exception is the zero-width joiner inside an
// emoji sequence (👩‍💻), which is how such emoji are spelled. HTML such as
// "<b>" is kept as text: escaping is the renderer's job.
func cleanNickname(s string) (string, error) {
	if len(s) > maxNicknameInput {
		return "", ErrNicknameTooLong // before any work: a megabyte of spaces is no name
	}
	if !utf8.ValidString(s) {
		return "", ErrNicknameInvalid
	}
	var b strings.Builder
	var prev rune // last rune written, 0 at the start
	space := false
	rs := []rune(s)
	for i, r := range rs {
		switch {
		case unicode.IsSpace(r):
			space = prev != 0
			continue
		case r == zwj:
			if i+1 >= len(rs) || !emojiJoinable(prev) || !unicode.Is(unicode.So, rs[i+1]) {
				continue
			}
		case unicode.IsControl(r), unicode.Is(unicode.Cf, r), unicode.Is(unicode.Co, r), r == utf8.RuneError:
			continue
		}
		if space {
			b.WriteByte(' ')
			space = false
		}
		b.WriteRune(r)
		prev = r
	}
	nick := b.String()
	switch n := utf8.RuneCountInString(nick); {
	case n == 0:
		return "", ErrNicknameEmpty
	case n > MaxNickname:
		return "", ErrNicknameTooLong
	}
	return nick, nil
}

const (
	zwj  = '\u200d' // zero-width joiner
	vs16 = '\ufe0f' // variation selector 16: "show as emoji"
)

// emojiJoinable reports whether a zero-width joiner may follow r.
func emojiJoinable(r rune) bool {
	return r == vs16 || unicode.Is(unicode.So, r) || unicode.Is(unicode.Sk, r)
}

// foldNickname maps a nickname to its uniqueness key: every rune becomes
// the smallest rune of its Unicode simple case-folding orbit, which is
// exactly the equivalence strings.EqualFold uses ("K", "k" and the Kelvin
// sign are one).
func foldNickname(s string) string {
	var b strings.Builder
	b.Grow(len(s))
	for _, r := range s {
		low := r
		for f := unicode.SimpleFold(r); f != r; f = unicode.SimpleFold(f) {
			low = min(low, f)
		}
		b.WriteRune(low)
	}
	return b.String()
}
