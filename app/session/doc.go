// Package session owns a live quiz session as a pure state machine: who
// joined, which question is open, who answered what and when, the scores,
// the ranks and the events the class must be told about; and the rules a
// new session is set up by (NewSetup) and a typed question must meet
// (ValidateQuestion), wherever it comes from. It does no I/O,
// starts no goroutines, reads no clock and draws no random numbers: every
// call is handed the current time, and the same calls with the same times
// always give the same state and the same events, in the same order. The
// live layer relies on that to restore a session after a crash by replaying
// the calls it persisted, and tests rely on it too.
//
// A Session is not safe for concurrent use, by design: one goroutine owns a
// session and makes every call, views included (they may update a cached
// ranking).
//
// # States
//
//	Lobby           ─AskNext, AskTyped──────────▶ QuestionOpen
//	QuestionOpen    ─Close, Tick at deadline────▶ QuestionClosed
//	QuestionOpen    ─Reveal (closes first)──────▶ Revealed
//	QuestionClosed  ─Reveal─────────────────────▶ Revealed
//	Revealed        ─ShowLeaderboard────────────▶ Leaderboard
//	QuestionClosed,
//	Revealed,
//	Leaderboard     ─AskNext, AskTyped, Reask───▶ QuestionOpen
//	any state       ─End────────────────────────▶ Ended
//
// Anything else is refused with ErrWrongState (ErrEnded once ended), and
// leaves the session unchanged: a refused command has no effect at all.
//
// Asking from QuestionClosed lets a host move on without a reveal (that
// round then scores nothing); asking from QuestionOpen is refused so that a
// double click cannot cut a question short. A deadline that passes changes
// nothing by itself: Tick applies it, and so does the next host command,
// so that "next question" pressed as the timer fires is not refused. Answers
// are judged against the deadline either way.
//
// # Decisions
//
// Extra time (ExtendTime) moves one participant's deadline; the question
// stays open until the latest deadline (Deadline reports it), while every
// other participant's answers are refused after their own deadline.
//
// Scores change only at the reveal, so that a score never gives away a
// right answer early. A right answer earns the question's points, or with
// SpeedPoints 100% down to 50% of them, linear in the time taken over the
// time limit, rounded half up (questions without a limit give full points).
// Multiple choice is all or nothing; polls score nothing. When a question is
// asked again (Reask), only its last revealed round counts: it replaces what
// earlier rounds gave, so peer instruction rewards the considered answer.
//
// Ranks: score descending; equal scores share a rank ("1, 2, 2, 4"). Inside
// a tie the earlier to reach the score (the earlier last-scoring answer) is
// listed first, then the earlier to join. Kicked participants are not
// ranked.
//
// Answers are idempotent by command ID (see Session.Answer), which is what
// lets a client retry until acknowledged.
//
// # Events
//
// Every command returns the events it causes, each with an Audience: all,
// the host, every participant, or one participant. The answer key (correct
// choices, accepted answers, explanation) appears only in revealed events,
// in HostView, and in ParticipantView once revealed.
package session
