// Package wire carries the live protocol's envelopes between the browsers
// and package live's hub: the WebSocket upgrade (gorilla/websocket), frame
// reading (gobwas/ws headers), epoll read pollers and non-blocking writes
// with raw system calls, and HTTP long polling. It is the only part of the
// live layer that imports a WebSocket library or makes system calls; the
// session runtime in package live knows connections only as Peers.
//
// It lives under app/live, and imports it, because it has no other use:
// it is the live protocol's transport, speaking live's envelopes, and the
// runtime it serves must stay testable and readable without it. The
// import goes one way, wire to live, so that live never reaches down to
// sockets.
//
// # The seam with package live
//
// For each connection the wire calls Hub.Connect with a ConnInfo (the
// transport, the addresses, the instructor's cookie, and a wake function),
// Hub.Receive with every whole message it reads (the hub applies the flood
// limit, decodes and routes it, and says when the connection must close),
// and Hub.Gone once the connection has ended. The hub queues encoded
// messages on the Peer and calls wake; the wire drains them with
// Peer.Take and, once the Peer is Done, says goodbye with its Reason.
// A message is encoded once, as JSON, for all its recipients: long polling
// writes it as it is, and a WebSocket writer writes a frame header of its
// own next to it (one writev), so a broadcast copies nothing per student.
//
// # Transports
//
// WebSocket: GET /live, upgraded after the Origin check. On Linux no
// goroutine waits on a connection: a few read pollers (epoll, one per two
// processors) read every socket that has bytes and cut them into frames;
// elsewhere a goroutine per connection reads. Every outgoing message goes
// through a bounded queue; a few flushers (one per processor) write the
// queues without blocking, several frames to a write, and a connection
// whose socket is full waits for it on a goroutine of its own. A client
// whose queue is full is disconnected (it catches up on resume) rather
// than slowing anyone else. A client that sends nothing, not even a pong,
// for the read timeout is closed.
//
// Long polling: POST /live/poll opens a channel and returns {"cid":…};
// GET /live/poll?cid=…&ack=N returns a JSON array of envelopes, waiting up
// to 25 s for one; POST /live/send?cid=… takes one envelope or an array.
// N counts the envelopes the client has received on the channel: the
// server keeps what it returned until a later poll's N covers it, and
// returns it again otherwise, so a response lost on the way is not lost
// (the array holds the envelopes after the Nth; the next N is N plus its
// length). The envelopes, sequence numbers and acknowledgements are the
// same.
package wire
