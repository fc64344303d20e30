// The load generator for the Socket.IO reference: raw Engine.IO v4 over
// the ws package (no socket.io-client), so that it costs about what
// netstudy's own generator costs.
const WebSocket = require('ws');
const http = require('http');
const [port, N, Q] = [Number(process.argv[2] || 9700), Number(process.argv[3] || 1000), Number(process.argv[4] || 3)];
const get = (path) => new Promise((ok, ko) => http.get({ host: '127.0.0.1', port, path }, (r) => { let b = ''; r.on('data', (d) => b += d); r.on('end', () => ok(b)); }).on('error', ko));
const now = () => Number(process.hrtime.bigint()) / 1e6;
const pct = (v, p) => { v = [...v].sort((a, b) => a - b); return v[Math.round(p * (v.length - 1))]; };
let connected = 0, got = 0, acked = 0, sentAt = 0, lastAt = 0;
const lat = [], acks = [];
const clients = [];
function open(i) {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(`ws://127.0.0.1:${port}/socket.io/?EIO=4&transport=websocket`, { perMessageDeflate: false });
    const c = { ws, pending: new Map(), ids: 0 };
    ws.on('message', (m) => {
      const s = m.toString();
      if (s[0] === '0') ws.send('40');
      else if (s.startsWith('40')) { connected++; resolve(c); }
      else if (s === '2') ws.send('3');
      else if (s.startsWith('42')) {
        const t = now(); lat.push(t - sentAt); lastAt = Math.max(lastAt, t); got++;
        c.q = JSON.parse(s.slice(2))[1];
      } else if (s.startsWith('43')) {
        const id = parseInt(s.slice(2), 10); const t0 = c.pending.get(id);
        if (t0 !== undefined) { acks.push(now() - t0); c.pending.delete(id); acked++; }
      }
    });
    ws.on('error', reject);
    clients.push(c);
  });
}
const wait = (cond) => new Promise((ok) => { const t = setInterval(() => { if (cond()) { clearInterval(t); ok(); } }, 2); });
(async () => {
  const mem0 = Number(await get('/mem'));
  const t0 = now();
  for (let i = 0; i < N; i += 200) await Promise.all(Array.from({ length: Math.min(200, N - i) }, (_, j) => open(i + j)));
  const connectMs = now() - t0;
  const mem1 = Number(await get('/mem'));
  const last = []; let answering = 0;
  for (let k = 1; k <= Q; k++) {
    got = 0; lastAt = 0; sentAt = now();
    await get('/broadcast?n=' + k);
    await wait(() => got >= clients.length);
    last.push(lastAt - sentAt);
    acked = 0; const a0 = now();
    for (const c of clients) { const id = c.ids++; c.pending.set(id, now()); c.ws.send(`42${id}["answer",{"number":${k},"choice":"b"}]`); }
    await wait(() => acked >= clients.length);
    answering += now() - a0;
  }
  const r = (x) => Math.round(x * 10) / 10;
  console.log(JSON.stringify({ students: N, questions: Q, connect_ms: r(connectMs), last_student_ms_p50: r(pct(last, 0.5)),
    latency_ms: { p50: r(pct(lat, 0.5)), p95: r(pct(lat, 0.95)), p99: r(pct(lat, 0.99)) }, ack_ms: { p50: r(pct(acks, 0.5)), p99: r(pct(acks, 0.99)) },
    answers_per_s: Math.round(acks.length / (answering / 1000)), server_bytes_per_student: Math.round((mem1 - mem0) / N) }));
  process.exit(0);
})();
