// A Socket.IO 4.8 server for the reference measurement: it broadcasts a
// question on request and acknowledges answers (not durably).
const http = require('http');
const { Server } = require('socket.io');
const port = Number(process.argv[2] || 9700);
const srv = http.createServer((req, res) => {
  if (req.url.startsWith('/broadcast')) {
    const n = Number(new URL(req.url, 'http://x').searchParams.get('n'));
    io.emit('question', { number: n, prompt: 'Which layer does this question exercise? ' + 'x'.repeat(255), choices: ['Physical', 'Network', 'Transport', 'Application'] });
    res.end('ok');
  } else if (req.url === '/mem') {
    if (global.gc) global.gc();
    res.end(String(process.memoryUsage().rss));
  } else { res.statusCode = 404; res.end(); }
});
const io = new Server(srv, { transports: ['websocket'], perMessageDeflate: false });
io.on('connection', (s) => { s.on('answer', (data, ack) => ack({ ok: true })); });
srv.listen(port, '127.0.0.1');
