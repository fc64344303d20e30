// The browser side of the live protocol (see app/live/doc.go): one client
// object per page that keeps a session connection alive whatever the
// network does. It reconnects with backoff and jitter, resumes from the last
// event it applied (the server replays what was missed, or sends a
// snapshot), retries every command until the server acknowledges it, and
// falls back to HTTP long polling when a WebSocket cannot be opened,
// upgrading again when it can.

export const PROTOCOL = 1;

const BACKOFF_BASE_MS = 500;
// Short, so that phones are back within seconds of a server restart.
const BACKOFF_MAX_MS = 5000;
const WS_FAILURES_BEFORE_POLLING = 2;
// While on long polling, a WebSocket is tried again soon, then less and
// less often, up to this.
const UPGRADE_PROBE_MS = 30000;
const FIRST_PROBE_MS = 2000;
const HEALTH_TIMEOUT_MS = 3000;

function randomId() {
  const b = new Uint8Array(9);
  crypto.getRandomValues(b);
  return Array.from(b, (x) => x.toString(16).padStart(2, "0")).join("");
}

/** Where a student's identity for a session is kept across reloads. */
export function storedIdentity(code) {
  try {
    return JSON.parse(localStorage.getItem(`netstudy.live.${code}`) || "null");
  } catch {
    return null;
  }
}

export function storeIdentity(code, identity) {
  try {
    if (identity) localStorage.setItem(`netstudy.live.${code}`, JSON.stringify(identity));
    else localStorage.removeItem(`netstudy.live.${code}`);
  } catch { /* private mode: the identity lasts as long as the page */ }
}

/**
 * A live session connection. Listen with addEventListener(type, e => e.detail):
 *  - every server event type ("question_opened", "revealed", …) and
 *    "snapshot", "welcome", "presence", "error": detail is {data, seq};
 *  - "status": detail is {state: "connecting"|"open"|"reconnecting"|"stopped",
 *    transport: "websocket"|"polling", attempt}.
 */
export class LiveClient extends EventTarget {
  /**
   * @param {{code: string, role: "student"|"host"|"presenter", token?: string,
   *          forcePolling?: boolean, upgradeProbeMs?: number}} opts
   */
  constructor(opts) {
    super();
    this.code = opts.code;
    this.role = opts.role;
    this.token = opts.token || "";
    this.forcePolling = !!opts.forcePolling;
    this.upgradeProbeMs = opts.upgradeProbeMs > 0 ? opts.upgradeProbeMs : UPGRADE_PROBE_MS;
    this.lastSeq = 0;
    this.instance = randomId();
    this.counter = 0;
    this.outbox = new Map(); // id -> {type, data, resolve, reject}
    this.transport = this.forcePolling ? "polling" : "websocket";
    this.wsFailures = 0;
    this.attempt = 0;
    this.stopped = false;
    this.conn = null; // the current connection: {send(env), close()}
    this.connId = 0;
    this.probeTimer = null;
    this.probeMs = 0; // the next upgrade probe's wait; 0: upgradeProbeMs
  }

  start() {
    this.stopped = false;
    this.connect();
  }

  stop() {
    this.stopped = true;
    clearTimeout(this.retryTimer);
    clearTimeout(this.probeTimer);
    if (this.conn) this.conn.close();
    this.conn = null;
    this.status("stopped");
  }

  /** Sends a command; resolves with the acknowledged result, rejects with {code, message}. */
  command(type, data = {}) {
    const id = `${this.instance}-${++this.counter}`;
    return new Promise((resolve, reject) => {
      this.outbox.set(id, { type, data, resolve, reject });
      if (this.conn && this.conn.ready) this.conn.send({ type, id, data });
    });
  }

  status(state) {
    this.state = state;
    this.dispatchEvent(new CustomEvent("status", { detail: { state, transport: this.transport, attempt: this.attempt } }));
  }

  emit(type, data, seq) {
    this.dispatchEvent(new CustomEvent(type, { detail: { data, seq } }));
  }

  connect() {
    if (this.stopped) return;
    this.status(this.attempt === 0 ? "connecting" : "reconnecting");
    const id = ++this.connId;
    const handlers = {
      open: () => this.onOpen(id),
      message: (env) => { if (id === this.connId) this.onMessage(env); },
      lost: (opened) => { if (id === this.connId) this.onLost(opened); },
    };
    this.conn = this.transport === "websocket" ? openWebSocket(handlers) : openPolling(handlers);
  }

  onOpen(id) {
    if (id !== this.connId) return;
    this.conn.send({ type: "hello", data: { protocol: PROTOCOL, session: this.code, role: this.role, token: this.token, last_seq: this.lastSeq } });
  }

  onMessage(env) {
    switch (env.type) {
      case "ping":
        this.conn.send({ type: "pong", data: { t: env.data.t } });
        return;
      case "welcome":
        this.attempt = 0;
        if (this.transport === "websocket") this.wsFailures = 0;
        this.conn.ready = true;
        this.status("open");
        this.emit("welcome", env.data);
        // Everything not yet acknowledged goes again, in order: the server
        // treats a repeated id as the same command.
        for (const [id, cmd] of this.outbox) this.conn.send({ type: cmd.type, id, data: cmd.data });
        if (this.transport === "polling" && !this.forcePolling) this.scheduleUpgradeProbe();
        return;
      case "ack": {
        const cmd = this.outbox.get(env.id);
        if (!cmd) return;
        if (!env.data.ok && env.data.error && env.data.error.code === "unavailable") {
          // The server could not store it (in cluster mode: NATS is out
          // of reach). Say so, and send the same command again shortly:
          // its id makes a copy that did get stored count once.
          this.emit("error", { ...env.data.error, id: env.id });
          this.resendLater(env.id);
          return;
        }
        this.outbox.delete(env.id);
        if (env.data.ok) cmd.resolve(env.data.result);
        else cmd.reject(env.data.error || { code: "unknown", message: "refused" });
        return;
      }
      case "error":
        if (env.id && this.outbox.has(env.id)) this.commandError(env.id, env.data || {});
        break; // and heard by the page, as every error
      case "snapshot":
        this.lastSeq = env.seq;
        this.emit("snapshot", env.data, env.seq);
        return;
    }
    if (env.seq) {
      if (env.seq <= this.lastSeq) return; // already applied: a replay overlap
      this.lastSeq = env.seq;
    }
    this.emit(env.type, env.data, env.seq);
  }

  // An error that names one of our commands: refused as part of a flood,
  // it goes again a moment later (only an ack settles a command); refused
  // for what it is, it fails.
  commandError(id, err) {
    const cmd = this.outbox.get(id);
    if (err.code !== "flood") {
      this.outbox.delete(id);
      cmd.reject(err);
      return;
    }
    this.resendLater(id);
  }

  // resendLater sends a command in the outbox again after a second or two,
  // spread so that a class does not come back all at once.
  resendLater(id) {
    const cmd = this.outbox.get(id);
    clearTimeout(cmd.retry);
    cmd.retry = setTimeout(() => {
      if (this.outbox.has(id) && this.conn && this.conn.ready) this.conn.send({ type: cmd.type, id, data: cmd.data });
    }, 1000 + Math.random() * 1000);
  }

  onLost(opened) {
    if (this.conn) this.conn.ready = false;
    if (this.stopped) return;
    this.attempt++;
    this.status("reconnecting");
    if (this.transport === "websocket" && !opened) {
      // A WebSocket that would not open counts against WebSockets only if
      // the server answers plain HTTP meanwhile: a server that is down (a
      // restart) is not a network that blocks WebSockets, and must not
      // send the class to slow network mode.
      const id = this.connId;
      serverAnswers().then((up) => {
        if (this.stopped || id !== this.connId) return;
        if (up && ++this.wsFailures >= WS_FAILURES_BEFORE_POLLING) {
          this.transport = "polling";
          this.probeMs = Math.min(FIRST_PROBE_MS, this.upgradeProbeMs);
        }
        this.retryLater();
      });
      return;
    }
    // A long-polling channel lost (a restart, say): once back, try a
    // WebSocket again soon.
    if (this.transport === "polling") this.probeMs = Math.min(FIRST_PROBE_MS, this.upgradeProbeMs);
    this.retryLater();
  }

  retryLater() {
    // Full jitter: thirty phones that lost the same Wi-Fi come back spread out.
    const cap = Math.min(BACKOFF_MAX_MS, BACKOFF_BASE_MS * 2 ** Math.min(this.attempt, 10));
    const delay = this.attempt === 1 ? Math.random() * BACKOFF_BASE_MS : Math.random() * cap;
    clearTimeout(this.retryTimer);
    this.retryTimer = setTimeout(() => this.connect(), delay);
  }

  // While on long polling, now and then see whether a WebSocket opens; if
  // it does, move over to it.
  scheduleUpgradeProbe() {
    clearTimeout(this.probeTimer);
    const wait = this.probeMs || this.upgradeProbeMs;
    this.probeMs = Math.min(wait * 2, this.upgradeProbeMs);
    this.probeTimer = setTimeout(() => {
      if (this.stopped || this.transport !== "polling") return;
      const probe = new WebSocket(wsURL());
      probe.onopen = () => {
        probe.close();
        if (this.stopped || this.transport !== "polling") return;
        this.transport = "websocket";
        this.wsFailures = 0;
        this.probeMs = 0;
        const old = this.conn;
        this.connect();
        if (old) old.close();
      };
      probe.onerror = () => this.scheduleUpgradeProbe();
    }, wait);
  }
}

// serverAnswers resolves to whether the server answers a plain HTTP
// request, within a few seconds.
async function serverAnswers() {
  const ctl = new AbortController();
  const timer = setTimeout(() => ctl.abort(), HEALTH_TIMEOUT_MS);
  try {
    const res = await fetch("/healthz", { cache: "no-store", signal: ctl.signal });
    return res.ok;
  } catch {
    return false;
  } finally {
    clearTimeout(timer);
  }
}

function wsURL() {
  return `${location.protocol === "https:" ? "wss" : "ws"}://${location.host}/live`;
}

function openWebSocket(h) {
  const ws = new WebSocket(wsURL());
  let opened = false;
  let lost = false;
  const conn = {
    ready: false,
    send(env) {
      if (ws.readyState === WebSocket.OPEN) ws.send(JSON.stringify(env));
    },
    close() {
      lost = true;
      ws.close();
    },
  };
  ws.onopen = () => { opened = true; h.open(); };
  ws.onmessage = (e) => {
    let env;
    try { env = JSON.parse(e.data); } catch { return; }
    h.message(env);
  };
  ws.onclose = () => {
    if (!lost) { lost = true; h.lost(opened); }
  };
  return conn;
}

function openPolling(h) {
  let closed = false;
  let cid = "";
  // How many messages this channel has delivered: each poll says so, and
  // the server sends again whatever a lost response carried.
  let received = 0;
  const queue = [];
  let sending = false;
  const conn = {
    ready: false,
    send(env) {
      queue.push(env);
      flush();
    },
    close() { closed = true; },
  };
  const fail = () => {
    if (!closed) { closed = true; h.lost(true); }
  };
  async function flush() {
    if (sending || !cid || closed || queue.length === 0) return;
    sending = true;
    const batch = queue.splice(0, queue.length);
    try {
      const res = await fetch(`/live/send?cid=${encodeURIComponent(cid)}`, {
        method: "POST", headers: { "Content-Type": "application/json" }, body: JSON.stringify(batch),
      });
      if (!res.ok) throw new Error(`send ${res.status}`);
    } catch {
      sending = false;
      fail();
      return;
    }
    sending = false;
    flush();
  }
  async function loop() {
    try {
      const res = await fetch("/live/poll", { method: "POST" });
      if (!res.ok) throw new Error(`open ${res.status}`);
      cid = (await res.json()).cid;
    } catch {
      fail();
      return;
    }
    h.open();
    flush();
    while (!closed) {
      let batch;
      try {
        const res = await fetch(`/live/poll?cid=${encodeURIComponent(cid)}&ack=${received}`, { cache: "no-store" });
        if (!res.ok) throw new Error(`poll ${res.status}`);
        batch = await res.json();
      } catch {
        fail();
        return;
      }
      if (closed) return;
      received += batch.length;
      for (const env of batch) h.message(env);
    }
  }
  loop();
  return conn;
}
