// The student's page of a live quiz: the join form, then the whole game on
// one LiveClient (static/js/live.js), which reconnects, resumes and retries
// commands by itself. This file only turns the session's events into what
// a phone shows. Everything a person typed (nicknames, typed answers) is
// written with textContent; only the server's sanitised question HTML
// (prompt_html, choice html, explanation_html) goes through innerHTML.
import { LiveClient, storedIdentity, storeIdentity } from "./live.js";

const $ = (id) => document.getElementById(id);
const root = $("student");
const MAX_NICK = Number(root.dataset.maxNickname) || 24;
const params = new URLSearchParams(location.search);
const forcePolling = params.get("transport") === "polling";
// How often, while on long polling, to try a WebSocket again (diagnostics
// and tests; the library's default otherwise).
const upgradeProbeMs = Number(params.get("probe_ms")) || 0;

// Answer buttons differ by colour, shape and letter, so none of the three
// is needed alone to tell them apart.
const SHAPES = ["▲", "◆", "●", "■", "★", "⬟"];
const LETTERS = "ABCDEFGHIJKLMNOPQRSTUVWXYZ";

const JOIN_ERRORS = {
  no_session: "There is no quiz running with that code. Check the code on the screen.",
  nickname_taken: "Someone in this quiz already has that nickname. Choose another one.",
  nickname_too_long: `A nickname has at most ${MAX_NICK} characters.`,
  nickname_empty: "Choose a nickname.",
  nickname_invalid: "That nickname cannot be used. Try letters and digits.",
  locked: "The instructor has locked this quiz: no one new can join right now.",
  late_join: "This quiz has already started and does not take new players.",
  ended: "This quiz has ended.",
};
const ANSWER_ERRORS = {
  question_closed: "Too late: the question closed before your answer arrived.",
  already_answered: "You have already answered this question.",
  ended: "The quiz has ended.",
  not_participant: "You are not in this quiz any more.",
};
const MATCH_HINTS = {
  text: "Type your answer. Capitals and extra spaces do not matter; spelling does.",
  number: "Type a number, such as 32 or 1e3.",
  ip: "Type an IP address, such as 192.168.1.10 or 2001:db8::1.",
  cidr: "Type a network prefix, such as 10.0.0.0/8.",
};

const el = {
  conn: $("conn"), joinView: $("join-view"), form: $("join-form"), code: $("code"), nickname: $("nickname"),
  joinError: $("join-error"), joinButton: $("join-button"), play: $("play"),
  meName: $("me-name"), meScore: $("me-score"), meRank: $("me-rank"),
  waiting: $("waiting"), waitingTitle: $("waiting-title"), waitingText: $("waiting-text"),
  question: $("question"), qTitle: $("q-title"), qTimerWrap: $("q-timer-wrap"), qTimer: $("q-timer"),
  timerBar: $("timer-bar"), timerFill: $("timer-fill"), qPrompt: $("q-prompt"), qScreen: $("q-screen"),
  qHint: $("q-hint"), qChoices: $("q-choices"), qText: $("q-text"), qTextInput: $("q-text-input"),
  qTextSend: $("q-text-send"), qSubmit: $("q-submit"), qStatus: $("q-status"), qCount: $("q-count"),
  qJourney: $("q-journey"), qJourneyLink: $("q-journey-link"), qResult: $("q-result"),
  qExplanation: $("q-explanation"), standings: $("standings"), standingsTitle: $("standings-title"),
  standingsYou: $("standings-you"), standingsList: $("standings-list"), ended: $("ended"),
  endedYou: $("ended-you"), podium: $("podium"), kicked: $("kicked"),
};
const PANELS = ["waiting", "question", "standings", "ended", "kicked"];

// Everything the page knows; render() draws it.
const game = {
  code: "",
  client: null,
  me: null, // {participant_id, nickname}
  joining: false,
  skew: 0, // the server's clock minus ours, in ms
  synced: false, // a snapshot or a replay has drawn the session
  state: "lobby",
  q: null, // the current question_opened payload
  answered: false,
  answer: null, // {choices, text}: ours, sent or being sent
  sending: false,
  answerError: "",
  envelope: null, // the answer envelope we sent, for the layers link
  selected: new Set(),
  revealed: null,
  result: null,
  count: null,
  score: 0,
  rank: 0,
  participants: 0,
  leaderboard: null,
  podium: null,
  kicked: false,
  drawnKey: "",
  drawnPanel: "",
};

function cleanCode(s) {
  return (s || "").replace(/[\s-]/g, "");
}

function keyOf(q) {
  return q ? `${q.question_id}#${q.round}` : "";
}

function span(cls, text) {
  const s = document.createElement("span");
  s.className = cls;
  if (text !== undefined) s.textContent = text;
  return s;
}

function ordinal(n) {
  const s = ["th", "st", "nd", "rd"];
  const v = n % 100;
  return n + (s[(v - 20) % 10] || s[v] || s[0]);
}

function points(n) {
  return n === 1 ? "1 point" : `${n} points`;
}

// ---- the join form -------------------------------------------------------

function joinError(msg, field) {
  el.joinError.textContent = msg;
  el.joinError.hidden = !msg;
  for (const f of [el.code, el.nickname]) f.removeAttribute("aria-invalid");
  if (msg && field) {
    field.setAttribute("aria-invalid", "true");
    field.focus();
  }
}

function setJoinBusy(busy) {
  game.joining = busy;
  el.joinButton.disabled = busy;
  el.joinButton.textContent = busy ? "Joining…" : "Join";
}

function joinURL(code) {
  const q = new URLSearchParams({ code });
  if (forcePolling) q.set("transport", "polling");
  return `/join?${q}`;
}

async function onJoinSubmit(ev) {
  ev.preventDefault();
  if (game.joining) return;
  const code = cleanCode(el.code.value);
  const nickname = el.nickname.value.trim();
  if (!/^\d{6}$/.test(code)) return joinError("The code is the 6 digits shown on the screen.", el.code);
  if (!nickname) return joinError(JOIN_ERRORS.nickname_empty, el.nickname);
  if ([...nickname].length > MAX_NICK) return joinError(JOIN_ERRORS.nickname_too_long, el.nickname);
  joinError("");
  setJoinBusy(true);
  // Ask first whether the code names a running quiz: a connection to an
  // unknown code would never be welcomed.
  let info;
  try {
    const res = await fetch(`/api/join/${encodeURIComponent(code)}`, { headers: { Accept: "application/json" }, cache: "no-store" });
    if (res.status === 404) {
      setJoinBusy(false);
      return joinError(JOIN_ERRORS.no_session, el.code);
    }
    if (!res.ok) throw new Error(`lookup ${res.status}`);
    info = await res.json();
  } catch {
    setJoinBusy(false);
    return joinError("The server cannot be reached. Check your Wi-Fi, then try again.");
  }
  if (info.state === "ended") {
    setJoinBusy(false);
    return joinError(JOIN_ERRORS.ended, el.code);
  }
  history.replaceState(null, "", joinURL(code));
  const client = connect(code, "");
  let result;
  try {
    // Retried by the client until acknowledged, across reconnects.
    result = await client.command("join", { nickname });
  } catch (err) {
    if (client !== game.client) return;
    setJoinBusy(false);
    return joinError(JOIN_ERRORS[err.code] || err.message || "The server refused that nickname.", el.nickname);
  }
  if (client !== game.client) return;
  setJoinBusy(false);
  storeIdentity(code, { token: result.token, participant_id: result.participant_id, nickname: result.nickname });
  client.token = result.token; // from now on, every reconnect resumes
  becomeMe(result);
}

// ---- the connection ------------------------------------------------------

function connect(code, token) {
  if (game.client && game.code === code) return game.client;
  if (game.client) game.client.stop();
  game.code = code;
  const client = new LiveClient({ code, role: "student", token, forcePolling, upgradeProbeMs });
  game.client = client;
  const on = (type, fn) => client.addEventListener(type, (e) => {
    if (client === game.client) fn(e.detail.data, e.detail);
  });
  on("status", (_, d) => showStatus(d));
  on("welcome", onWelcome);
  on("error", onServerError);
  on("snapshot", applySnapshot);
  for (const [type, fn] of Object.entries(EVENTS)) on(type, fn);
  client.start();
  return client;
}

function showStatus({ state, transport }) {
  if (game.kicked) {
    el.conn.hidden = true;
    return;
  }
  const slow = transport === "polling" ? " · slow network mode" : "";
  const text = {
    connecting: "Connecting…",
    open: "Connected",
    reconnecting: "Reconnecting…",
    stopped: "Disconnected",
  }[state] || state;
  el.conn.hidden = false;
  el.conn.dataset.state = state;
  el.conn.textContent = text + slow;
  if (game.q) renderStatus();
}

function onWelcome(w) {
  if (typeof w.server_time_ms === "number") game.skew = w.server_time_ms - Date.now();
  // The two ends of this very connection, as the server saw them: the
  // layers view shows the answer's journey with these real addresses.
  game.addrs = { client: w.client_addr || "", server: w.server_addr || "" };
  if (w.participant_id) {
    becomeMe({ participant_id: w.participant_id, nickname: w.nickname });
    return;
  }
  // Connected but not (or no longer) in the session: the form joins.
  if (!game.joining && !game.kicked) showJoinForm();
}

function onServerError(e) {
  switch (e && e.code) {
    case "bad_token":
      // The stored place is not valid here (an old session that reused the
      // code, say): forget it and join again on this same connection.
      storeIdentity(game.code, null);
      game.client.token = "";
      game.me = null;
      showJoinForm();
      joinError("Your earlier place in this quiz was not found. Join again.");
      return;
    case "kicked":
      onKicked();
      return;
    case "unavailable":
      // live.js sends the answer again by itself; say why it waits.
      if (game.sending) {
        game.answerError = e.message || "The server cannot save it right now; it is sent again by itself.";
        render();
      }
      return;
    case "no_session":
      game.client.stop();
      game.client = null;
      storeIdentity(game.code, null);
      showJoinForm();
      setJoinBusy(false);
      joinError(JOIN_ERRORS.no_session, el.code);
      return;
  }
}

function showJoinForm() {
  el.play.hidden = true;
  el.joinView.hidden = false;
  markAppScreen();
  if (game.code && !el.code.value) el.code.value = game.code;
}

function becomeMe(me) {
  game.me = { participant_id: me.participant_id, nickname: me.nickname };
  el.joinView.hidden = true;
  el.play.hidden = false;
  render();
}

// ---- session events ------------------------------------------------------

function applySnapshot(v) {
  game.me = { participant_id: v.participant_id, nickname: v.nickname };
  game.state = v.state;
  game.score = v.score;
  game.rank = v.rank;
  game.participants = v.participants;
  game.leaderboard = v.leaderboard || null;
  if (v.question) {
    const fresh = keyOf(v.question) !== keyOf(game.q);
    game.q = v.question;
    if (fresh) {
      // A reload or a late join: the server's record is all there is.
      game.answered = !!v.answered;
      game.answer = v.your_answer || null;
      game.sending = false;
      game.envelope = v.your_answer ? answerEnvelope(v.question, v.your_answer, "") : null;
      game.selected = new Set(v.your_answer?.choices || []);
      game.count = null;
      game.answerError = "";
    } else if (v.answered) {
      // The server stored our answer; its acknowledgement may still be on
      // its way (it is retried), but stored is what "received" means.
      game.answered = true;
      game.sending = false;
      game.answer = v.your_answer || game.answer;
    }
  } else {
    game.q = null;
  }
  game.revealed = v.revealed || null;
  game.result = v.result || null;
  if (v.state === "ended" && v.leaderboard) game.podium = (v.leaderboard.top || []).filter((s) => s.rank <= 3);
  game.synced = true;
  el.joinView.hidden = true;
  el.play.hidden = false;
  render();
}

const EVENTS = {
  question_opened(q) {
    game.q = q;
    game.state = "question_open";
    game.answered = false;
    game.answer = null;
    game.sending = false;
    game.answerError = "";
    game.envelope = null;
    game.selected = new Set();
    game.revealed = null;
    game.result = null;
    game.count = null;
    game.synced = true;
    render();
  },
  answer_count(c) {
    if (!game.q || c.question_id !== game.q.question_id || c.round !== game.q.round) return;
    game.count = c;
    renderCount();
  },
  question_closed(c) {
    if (game.q && c.question_id === game.q.question_id) game.state = "question_closed";
    render();
  },
  revealed(r) {
    game.revealed = r;
    game.state = "revealed";
    render();
  },
  result(r) {
    game.result = r;
    game.score = r.score;
    game.rank = r.rank;
    game.participants = r.participants;
    render();
  },
  leaderboard(lb) {
    game.leaderboard = lb;
    game.state = "leaderboard";
    render();
  },
  your_rank(r) {
    game.score = r.score;
    game.rank = r.rank;
    game.participants = r.participants;
    render();
  },
  ended(e) {
    game.state = "ended";
    game.podium = e.podium || [];
    game.participants = e.participants;
    render();
  },
  kicked(k) {
    if (game.me && k.participant_id === game.me.participant_id) onKicked();
  },
  time_extended(t) {
    if (game.q && t.question_id === game.q.question_id && t.round === game.q.round) {
      game.q = { ...game.q, deadline_ms: t.deadline_ms };
      render();
    }
  },
};

function onKicked() {
  game.kicked = true;
  storeIdentity(game.code, null);
  if (game.client) game.client.stop();
  game.client = null;
  $("kicked-rejoin").href = joinURL(game.code);
  el.conn.hidden = true;
  el.joinView.hidden = true;
  el.play.hidden = false;
  render();
}

// ---- answering -----------------------------------------------------------

function answerEnvelope(q, ans, id) {
  const data = { question_id: q.question_id, round: q.round };
  if (q.question.kind === "text") data.text = ans.text || "";
  else data.choices = ans.choices || [];
  return id ? { type: "answer", id, data } : { type: "answer", data };
}

function canAnswer() {
  return game.state === "question_open" && !game.answered && !game.sending && !!game.client;
}

function send(ans) {
  if (!canAnswer()) return;
  const q = game.q;
  const client = game.client;
  const data = answerEnvelope(q, ans, "").data;
  game.sending = true;
  game.answer = ans;
  game.answerError = "";
  const acked = client.command("answer", data);
  // command() numbered the command just now; the id is the envelope's.
  game.envelope = answerEnvelope(q, ans, `${client.instance}-${client.counter}`);
  render();
  const key = keyOf(q);
  acked.then(() => {
    if (keyOf(game.q) !== key) return;
    game.sending = false;
    game.answered = true;
    game.answerError = "";
    render();
  }, (err) => {
    if (keyOf(game.q) !== key) return;
    game.sending = false;
    if (err.code === "already_answered") {
      game.answered = true;
    } else {
      game.answer = null;
      game.envelope = null;
      if (q.question.kind !== "multiple") game.selected = new Set();
    }
    game.answerError = ANSWER_ERRORS[err.code] || err.message || "The server did not accept that answer.";
    render();
  });
}

function onChoice(id) {
  if (!canAnswer()) return;
  if (game.q.question.kind === "multiple") {
    if (game.selected.has(id)) game.selected.delete(id);
    else game.selected.add(id);
    renderChoices();
    return;
  }
  game.selected = new Set([id]);
  send({ choices: [id] });
}

el.qSubmit.addEventListener("click", () => {
  if (game.selected.size > 0) send({ choices: [...game.selected] });
});

el.qText.addEventListener("submit", (ev) => {
  ev.preventDefault();
  const text = el.qTextInput.value.trim();
  if (!text) {
    game.answerError = "Type an answer first.";
    renderStatus();
    el.qTextInput.focus();
    return;
  }
  send({ text });
});

// ---- drawing -------------------------------------------------------------

function showPanel(name) {
  for (const p of PANELS) el[p].hidden = p !== name;
  if (game.drawnPanel !== name) {
    game.drawnPanel = name;
    const title = { waiting: el.waitingTitle, standings: el.standingsTitle, ended: $("ended-title"), kicked: $("kicked-title") }[name];
    if (title && document.activeElement && el.play.contains(document.activeElement)) title.focus();
  }
}

// While playing, the page is an app screen: live.css hides the site's
// navigation, which comes back with the end of the quiz or a removal.
function markAppScreen() {
  document.body.classList.toggle("app-screen", !el.play.hidden && !game.kicked && game.state !== "ended");
}

function render() {
  markAppScreen();
  renderMe();
  if (game.kicked) return showPanel("kicked");
  if (game.state === "ended") return renderEnded();
  if (game.state === "leaderboard" && game.leaderboard) return renderStandings();
  if (!game.q || game.state === "lobby") return renderWaiting();
  renderQuestion();
}

function renderMe() {
  el.meName.textContent = game.me ? game.me.nickname : "";
  el.meScore.textContent = points(game.score);
  el.meRank.textContent = game.rank > 0 && game.participants > 0 ? `Rank ${game.rank} of ${game.participants}` : "";
}

function renderWaiting() {
  stopTimer();
  if (!game.synced) {
    el.waitingTitle.textContent = game.me ? "Reconnecting to your quiz…" : "Connecting…";
    el.waitingText.textContent = "";
  } else {
    el.waitingTitle.textContent = "You’re in!";
    el.waitingText.textContent = "Watch the screen: the first question will appear here. Keep this page open.";
  }
  showPanel("waiting");
}

function renderQuestion() {
  const q = game.q;
  const key = keyOf(q);
  const fresh = key !== game.drawnKey;
  if (fresh) buildQuestion(q);
  game.drawnKey = key;
  showPanel("question");
  renderChoices();
  renderStatus();
  renderCount();
  renderReveal();
  startTimer();
  if (fresh && game.state === "question_open") el.qTitle.focus({ preventScroll: false });
}

function buildQuestion(q) {
  const pq = q.question;
  el.qTitle.textContent = `Question ${q.number}${q.total ? ` of ${q.total}` : ""}${q.round > 1 ? " (asked again)" : ""}`;
  if (q.prompt_hidden) {
    el.qPrompt.replaceChildren();
    el.qPrompt.hidden = true;
    el.qScreen.hidden = false;
  } else {
    el.qPrompt.innerHTML = pq.prompt_html || ""; // sanitised by the server
    if (!el.qPrompt.textContent.trim()) el.qPrompt.textContent = pq.prompt || "";
    el.qPrompt.hidden = false;
    el.qScreen.hidden = true;
  }
  el.qChoices.replaceChildren();
  const hints = {
    multiple: "Select every right answer, then submit.",
    poll: "This is a poll: there is no wrong answer.",
    text: MATCH_HINTS[pq.match] || MATCH_HINTS.text,
  };
  el.qHint.textContent = hints[pq.kind] || "";
  el.qHint.hidden = !el.qHint.textContent;
  const isText = pq.kind === "text";
  el.qText.hidden = !isText;
  el.qChoices.hidden = isText;
  el.qTextInput.value = isText && game.answer ? game.answer.text || "" : "";
  el.qSubmit.hidden = pq.kind !== "multiple";
  (pq.choices || []).forEach((c, i) => {
    const b = document.createElement("button");
    b.type = "button";
    b.className = `choice c${i % SHAPES.length}`;
    b.dataset.id = c.id;
    const shape = span("shape", SHAPES[i % SHAPES.length]);
    shape.setAttribute("aria-hidden", "true");
    b.append(shape, span("choice-letter", LETTERS[i] || String(i + 1)));
    // With the prompt on the projector only, phones show just the labels;
    // true/false keeps its words, which are the labels.
    if (!q.prompt_hidden || pq.kind === "truefalse") {
      const t = span("choice-text");
      t.innerHTML = c.html || ""; // sanitised by the server
      if (!t.textContent.trim()) t.textContent = c.text || "";
      b.append(t);
    }
    if (pq.kind === "multiple") {
      const box = span("check");
      box.setAttribute("aria-hidden", "true");
      b.prepend(box);
    }
    b.append(span("mark"));
    b.addEventListener("click", () => onChoice(c.id));
    el.qChoices.append(b);
  });
}

function renderChoices() {
  const q = game.q;
  const kind = q.question.kind;
  const locked = !canAnswer();
  const correct = new Set(game.revealed && keyOf(game.revealed) === keyOf(q) ? game.revealed.correct || [] : []);
  const revealed = !!game.revealed && keyOf(game.revealed) === keyOf(q);
  const mine = new Set(game.answer?.choices || []);
  for (const b of el.qChoices.querySelectorAll("button.choice")) {
    const id = b.dataset.id;
    const chosen = (game.answered || game.sending) ? mine.has(id) : game.selected.has(id);
    b.disabled = locked;
    if (kind === "multiple") {
      b.setAttribute("aria-pressed", String(chosen));
      b.querySelector(".check").textContent = chosen ? "☑" : "☐";
    }
    b.classList.toggle("is-chosen", chosen);
    b.classList.toggle("is-correct", revealed && correct.has(id));
    b.classList.toggle("is-wrong", revealed && chosen && !correct.has(id) && kind !== "poll");
    b.classList.toggle("is-faded", (game.answered || game.sending || game.state !== "question_open") && !chosen && !(revealed && correct.has(id)));
    let mark = "";
    if (revealed && kind !== "poll" && correct.has(id)) mark = chosen ? "✓ Correct · your answer" : "✓ Correct";
    else if (revealed && chosen && kind !== "poll") mark = "✗ Your answer";
    else if (chosen && (game.answered || game.sending)) mark = "Your answer";
    b.querySelector(".mark").textContent = mark;
  }
  if (kind === "multiple") {
    el.qSubmit.hidden = false;
    el.qSubmit.disabled = locked || game.selected.size === 0;
  }
  el.qTextInput.disabled = locked;
  el.qTextSend.disabled = locked;
  if (kind === "text" && game.answer && (game.answered || game.sending)) el.qTextInput.value = game.answer.text || "";
}

function renderStatus() {
  let text = "";
  let cls = "";
  if (game.sending) {
    text = "Sending…";
    if (game.answerError) text += ` ${game.answerError}`; // the server could not store it yet
    else if (game.client && game.client.state !== "open") text += " It will go as soon as the connection is back.";
    cls = "sending";
  } else if (game.answered) {
    text = "✓ Answer received";
    cls = "received";
  } else if (game.answerError) {
    text = game.answerError;
    cls = "problem";
  } else if (game.state !== "question_open") {
    text = "Time’s up: no answer from you this time.";
    cls = "missed";
  }
  if (game.answered && game.answerError) text = `${game.answerError} ✓ Answer received`;
  el.qStatus.textContent = text;
  el.qStatus.className = `answer-status ${cls}`;
  el.qStatus.setAttribute("aria-busy", String(game.sending));
  // The envelope's journey, once the server has it.
  if (game.answered && game.envelope) {
    const link = new URLSearchParams({ scenario: "websocket", message: JSON.stringify(game.envelope) });
    const observed = ["message"];
    const split = (hostPort) => {
      const i = hostPort.lastIndexOf(":");
      return i > 0 ? [hostPort.slice(0, i).replace(/^\[|\]$/g, ""), hostPort.slice(i + 1)] : null;
    };
    const c = game.addrs && split(game.addrs.client);
    const srv = game.addrs && split(game.addrs.server);
    // Only IPv4 on a real network fits the layers model (loopback never
    // reaches Ethernet); otherwise the example addresses stay.
    const ipv4 = (ip) => /^\d+\.\d+\.\d+\.\d+$/.test(ip) && !ip.startsWith("127.");
    if (c && srv && ipv4(c[0]) && ipv4(srv[0])) {
      link.set("client_ip", c[0]);
      link.set("client_port", c[1]);
      link.set("server_ip", srv[0]);
      link.set("server_port", srv[1]);
      observed.push("client_ip", "client_port", "server_ip", "server_port");
    }
    link.set("observed", observed.join(","));
    el.qJourneyLink.href = `/layers?${link}`;
    el.qJourney.hidden = false;
  } else {
    el.qJourney.hidden = true;
  }
}

function renderCount() {
  const c = game.count;
  el.qCount.textContent = c && game.state === "question_open" ? `${c.answered} of ${c.participants} answered` : "";
}

function renderReveal() {
  const q = game.q;
  const r = game.revealed && keyOf(game.revealed) === keyOf(q) ? game.revealed : null;
  const res = game.result && keyOf(game.result) === keyOf(q) ? game.result : null;
  if (!r) {
    el.qResult.hidden = true;
    el.qResult.replaceChildren();
    el.qExplanation.hidden = true;
    el.qExplanation.replaceChildren();
    return;
  }
  const box = el.qResult;
  box.replaceChildren();
  const line = document.createElement("p");
  line.className = "outcome";
  if (res) {
    const outcomes = {
      right: ["✓", "Right!", "right"],
      wrong: ["✗", "Not this time.", "wrong"],
      poll: ["●", "Thanks for voting: a poll has no right answer.", "poll"],
      no_answer: ["–", "You did not answer this one.", "none"],
    };
    const [icon, words, cls] = outcomes[res.outcome] || ["", res.outcome, ""];
    const ic = span("outcome-icon", icon);
    ic.setAttribute("aria-hidden", "true");
    line.append(ic, span("outcome-words", words));
    if (res.outcome === "right") line.append(span("outcome-points", ` +${points(res.points)}`));
    box.dataset.outcome = cls;
    const standing = document.createElement("p");
    standing.className = "outcome-standing";
    standing.textContent = `Score: ${points(res.score)} · Rank ${res.rank} of ${res.participants}`;
    box.append(line, standing);
  } else {
    line.textContent = "The answer is on the screen.";
    box.dataset.outcome = "";
    box.append(line);
  }
  if (q.question.kind === "text" && (r.accepted || []).length) {
    const acc = document.createElement("p");
    acc.className = "accepted";
    acc.textContent = `Accepted: ${r.accepted.join(" · ")}`;
    box.append(acc);
  }
  box.hidden = false;
  if (r.explanation_html) {
    el.qExplanation.innerHTML = r.explanation_html; // sanitised by the server
    el.qExplanation.hidden = false;
  } else {
    el.qExplanation.hidden = true;
  }
}

function renderStandings() {
  stopTimer();
  const lb = game.leaderboard;
  el.standingsYou.textContent = game.rank > 0
    ? `You are ${ordinal(game.rank)} of ${game.participants} with ${points(game.score)}.`
    : "";
  fillStandings(el.standingsList, lb.top || []);
  showPanel("standings");
}

function renderEnded() {
  stopTimer();
  el.endedYou.textContent = game.rank > 0
    ? `You finished ${ordinal(game.rank)} of ${game.participants} with ${points(game.score)}.`
    : `You finished with ${points(game.score)}.`;
  fillStandings(el.podium, game.podium || []);
  showPanel("ended");
}

function fillStandings(list, rows) {
  list.replaceChildren();
  for (const s of rows) {
    const li = document.createElement("li");
    li.dataset.rank = String(s.rank);
    const who = span("who");
    who.append(span("nick", s.nickname));
    if (game.me && s.participant_id === game.me.participant_id) {
      li.classList.add("is-me");
      who.append(span("you", " (you)"));
    }
    li.append(span("place", ordinal(s.rank)), who, span("score", points(s.score)));
    list.append(li);
  }
}

// ---- the timer: the server's deadline on our clock -----------------------

let timer = 0;

function startTimer() {
  const q = game.q;
  if (!q || !q.deadline_ms || game.state !== "question_open") {
    stopTimer();
    return;
  }
  el.qTimerWrap.hidden = false;
  el.timerBar.hidden = false;
  tick();
  if (!timer) timer = setInterval(tick, 250);
}

function stopTimer() {
  clearInterval(timer);
  timer = 0;
  el.qTimerWrap.hidden = true;
  el.timerBar.hidden = true;
}

function tick() {
  const q = game.q;
  if (!q || game.state !== "question_open") return stopTimer();
  const left = Math.max(0, q.deadline_ms - (Date.now() + game.skew));
  el.qTimer.textContent = `${Math.ceil(left / 1000)} s`;
  const limit = q.time_limit_ms || left || 1;
  el.timerFill.style.width = `${Math.min(100, (100 * left) / limit)}%`;
  el.timerBar.classList.toggle("low", left < 5000);
}

// ---- start ---------------------------------------------------------------

el.form.addEventListener("submit", onJoinSubmit);

// The quiz screen has no site navigation, so that a stray tap cannot end
// a student's game: leaving takes this button, then a confirmation.
function showLeave(open) {
  const toggle = $("leave");
  toggle.setAttribute("aria-expanded", String(open));
  $("leave-box").hidden = !open;
  if (open) $("leave-go").focus();
  else toggle.focus();
}
$("leave").addEventListener("click", () => showLeave($("leave-box").hidden));
$("leave-stay").addEventListener("click", () => showLeave(false));

// Leaving the page closes the connection on purpose: no reconnection
// attempt from a page being unloaded. Coming back from the back-forward
// cache resumes where it was.
window.addEventListener("pagehide", () => {
  if (game.client) game.client.stop();
});
window.addEventListener("pageshow", (e) => {
  if (e.persisted && game.client) game.client.start();
});

(function start() {
  const code = cleanCode(el.code.value || params.get("code"));
  const known = root.dataset.codeState !== "unknown";
  const id = code && known ? storedIdentity(code) : null;
  if (id && id.token) {
    // A reload or a return: resume the same place, no form.
    game.me = { participant_id: id.participant_id, nickname: id.nickname };
    el.joinView.hidden = true;
    el.play.hidden = false;
    render();
    connect(code, id.token);
    return;
  }
  if (code) el.nickname.focus();
  else el.code.focus();
})();
