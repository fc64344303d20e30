// Package live is the session runtime of live quizzes: the protocol, the
// hub that owns every running session (one actor goroutine each), resume,
// flood and join-code limits, and, in cluster mode, following a session's
// log. The quiz rules live in package session; this package adapts them to
// the network and makes them durable. How bytes reach a browser
// (WebSocket, long polling) is package live/wire's.
//
// # Protocol, version 1
//
// Every message is one JSON envelope (one per WebSocket frame):
//
//	{"type": "answer", "id": "c-17", "seq": 42, "data": {...}}
//
// type names the message. id is set on client commands (a client-made id,
// unique per client, at most 64 characters) and on the acknowledgement that
// answers them. seq is set on session events: it starts at 1 in each
// session and only grows. data is the payload.
//
// A connection starts with the client's hello:
//
//	{"type":"hello","data":{"protocol":1,"session":"483920","role":"student",
//	  "token":"…","last_seq":41}}
//
// role is "student", "host" or "presenter"; host and presenter need the
// instructor's cookie (set by /host?key=…) on the request that opened the
// connection. A student sends the resume token from an earlier join, if it
// has one. last_seq is the last event it applied (0 for none). The server
// answers with a welcome:
//
//	{"type":"welcome","data":{"protocol":1,"role":"student","participant_id":"p3",
//	  "nickname":"ada","session":{...},"resume":"replay","server_time_ms":…,
//	  "client_addr":"192.168.1.31:52114","server_addr":"192.168.1.20:8080"}}
//
// then, for a client that is in the session (the host, a presenter, or a
// student with a valid token), either every event with a seq above last_seq
// that was addressed to it, in order ("resume":"replay"), or one snapshot
// ("resume":"snapshot") when the events it missed are no longer kept:
//
//	{"type":"snapshot","seq":57,"data":{...the session.HostView or ParticipantView...}}
//
// (a presenter's is session.PresenterView: the host's, without the answer
// key and the count of right answers until the round is revealed)
// after which events follow as they happen. A client applies an event only
// if its seq is above the last one it applied, so a replayed event is never
// applied twice. A student without a token joins:
//
//	{"type":"join","id":"c-1","data":{"nickname":"ada"}}
//
// Commands are acknowledged once their effect is durable (stored in
// SQLite; in cluster mode, stored by a quorum of JetStream servers and
// applied by this node):
//
//	{"type":"ack","id":"c-1","data":{"ok":true,"result":{"participant_id":"p3","token":"…"}}}
//	{"type":"ack","id":"c-2","data":{"ok":false,"error":{"code":"nickname_taken","message":"…"}}}
//
// A client retries a command, with the same id, until it is acknowledged
// (also across reconnects); the server treats the repeat as the same
// command and acknowledges it again with the same result. Student
// commands: join, answer {"question_id","round","choices":[…],"text"}.
// Host commands (refused with code "forbidden" for anyone else): ask_next,
// ask_typed {"question":{…}}, reask, close, reveal, leaderboard, end, kick
// {"participant_id"}, set_options {session.Options}, extend_time
// {"participant_id","seconds"}.
//
// Session events carry the session package's event types (question_opened,
// answer_count, question_closed, revealed, result, leaderboard, your_rank,
// ended, participant_joined, kicked, options_changed, time_extended) with
// their payloads, each only to its audience. The answer key is in none of
// them before the reveal. The server also sends presence (to the host: who
// is connected, over which transport, with which round-trip time),
// answered {"question_id","round","participant_ids"} to the instructor's
// screens (who has just answered), answer_key {"question_id","key"} to the
// instructor's dashboard only (never
// a presenter) when a question opens or the dashboard reconnects, ping
// {"t": the server clock in µs} every few seconds, which the client answers with pong
// {"t": the same value}, and error {"code","message"} for a message it
// could not understand, with the command's id when it had one; after
// repeated garbage it closes the connection. A student's connection may
// send a few messages a second (bursts allowed); beyond that a message is
// refused with an error of code "flood" naming its command, which the
// client sends again a moment later. The instructor's screens have no such
// limit. A text message that is not UTF-8 closes the connection with
// status 1007.
//
// A command the server could not store (SQLite failing; in cluster mode,
// NATS out of reach) is refused with an ack of error code "unavailable";
// the client sends it again, with the same id, until it is acknowledged.
// In cluster mode every node numbers a session's events the same, so a
// client may resume on any node with its token and last seq. There a
// command id is also what the log deduplicates by (with the sender: the
// participant, or the instructor's screens together): a command that
// reuses an id of the same sender within two minutes, on any connection,
// is taken as a retry of the first. live.js numbers its commands after a
// random id per page load, so its ids never repeat.
//
// # Transports
//
// The envelopes travel over WebSocket (GET /live) or HTTP long polling
// (POST /live/poll, GET /live/poll, POST /live/send); package live/wire
// carries both and documents them. This package never sees a socket: the
// wire hands each connection to the hub as a Peer (Hub.Connect), passes
// it every whole message it reads (Hub.Receive) and says when it ended
// (Hub.Gone); the hub queues encoded messages on the Peer and wakes the
// wire, which drains them (Peer.Take). Each message is encoded once,
// whatever the number of its recipients.
package live

// ProtocolVersion is the version of the protocol described above.
const ProtocolVersion = 1
