// The instructor's pages: the new-session form on /host, and the dashboard
// of one session (/host/sessions/{id}), which runs the session over the
// live protocol (see app/live/doc.go) through LiveClient: it reconnects,
// resumes and retries commands by itself, so this file only keeps the
// session's state from the events and draws it.
//
// The dashboard is the instructor's own screen: it may show the answer key
// (from the snapshot, or of a question typed here) when "Show the answer
// key here" is ticked. The projector has its own page, which never does
// before the reveal.
import { LiveClient } from "./live.js";
import { renderRounds, letter, redrawOnResize } from "./charts.js";
import { plural, standingItem } from "./standings.js";

const $ = (id) => document.getElementById(id);

// ---------------------------------------------------------------------------
// /host: the new-session form. Picking a quiz or a note also picks its radio
// button, so the form sends what the instructor last touched.

function setupNewSessionForm(form) {
  for (const select of form.querySelectorAll("select[data-source]")) {
    select.addEventListener("change", () => {
      const radio = document.getElementById(select.dataset.source);
      if (radio && !radio.disabled) radio.checked = true;
    });
  }
}

const newForm = $("new-session");
if (newForm) setupNewSessionForm(newForm);

// ---------------------------------------------------------------------------
// The dashboard.

const STATE_TEXT = {
  lobby: "Lobby: students are joining",
  question_open: "Question open",
  question_closed: "Answers closed",
  revealed: "Answer revealed",
  leaderboard: "Leaderboard shown",
  ended: "Ended",
};

const KIND_TEXT = {
  single: "one right choice",
  multiple: "several right choices",
  truefalse: "true or false",
  poll: "poll",
  text: "typed answer",
};

const CAN_ASK = new Set(["lobby", "question_closed", "revealed", "leaderboard"]);

// Seconds left at which the timer is announced to screen readers: often
// enough to be useful, rarely enough not to drown everything else.
const ANNOUNCE_AT = [60, 30, 10, 5];

export function formatSeconds(ms) {
  const s = Math.max(0, Math.ceil(ms / 1000));
  return `${Math.floor(s / 60)}:${String(s % 60).padStart(2, "0")}`;
}

class Dashboard {
  constructor(root) {
    this.root = root;
    this.code = root.dataset.code;
    this.client = new LiveClient({ code: this.code, role: "host" });
    this.state = $("state").dataset.state || "lobby";
    this.options = null;
    this.total = 0;
    this.asked = 0;
    this.active = 0;
    this.participants = new Map(); // id -> {id, nickname, kicked, connected, transport, rtt, remote, deadline}
    this.rows = new Map(); // id -> <tr>
    this.q = null; // the current or last round, see openRound
    this.typedKey = null; // the key of a question typed here, until it opens
    this.leaderboard = null;
    this.podium = null;
    this.skew = 0; // server clock minus ours, in ms
    this.pending = new Set(); // commands waiting for their acknowledgement
    this.endArmed = null; // the timer that disarms "End the session"
    this.announced = null; // the last timer threshold announced
    this.welcomed = false;
    this.stopped = false;
  }

  start() {
    this.bindControls();
    this.bindTypedForm();
    this.bindOptions();
    this.listen();
    this.client.start();
    this.tick = setInterval(() => this.renderTimer(), 250);
    redrawOnResize(() => this.renderQuestion());
    this.render();
  }

  // --- events -------------------------------------------------------------

  listen() {
    const on = (type, f) => this.client.addEventListener(type, (e) => {
      f.call(this, e.detail.data, e.detail.seq);
      this.render();
    });
    this.client.addEventListener("status", (e) => this.renderConnection(e.detail));
    on("welcome", (w) => {
      this.welcomed = true;
      if (typeof w.server_time_ms === "number") this.skew = w.server_time_ms - Date.now();
    });
    on("snapshot", this.onSnapshot);
    on("participant_joined", (p) => {
      const cur = this.participants.get(p.participant_id) || {};
      this.participants.set(p.participant_id, { ...cur, id: p.participant_id, nickname: p.nickname, kicked: false });
      this.active = p.participants;
      this.announce(`${p.nickname} joined.`);
    });
    on("presence", (p) => {
      const seen = new Set();
      for (const x of p.participants || []) {
        seen.add(x.participant_id);
        const cur = this.participants.get(x.participant_id) || { id: x.participant_id, kicked: false };
        Object.assign(cur, {
          nickname: x.nickname, connected: !!x.connected, transport: x.transport || "",
          rtt: x.rtt_ms, remote: x.remote || "",
        });
        this.participants.set(x.participant_id, cur);
      }
      for (const [id, p2] of this.participants) if (!seen.has(id) && !p2.kicked) p2.connected = false;
    });
    on("question_opened", this.onOpened);
    // Who has answered the open question, for the students table.
    on("answered", (a) => {
      const q = this.q;
      if (!q || a.question_id !== q.opened.question_id || a.round !== q.opened.round) return;
      for (const id of a.participant_ids || []) q.answeredBy.add(id);
    });
    // The open question's key, for this dashboard only (the server never
    // sends it to the projector).
    on("answer_key", (k) => {
      if (this.q && this.q.opened.question_id === k.question_id && k.key) {
        this.q.key = { correct: k.key.correct || [], accepted: k.key.accepted || [], explanation_html: k.key.explanation_html || "" };
      }
    });
    on("answer_count", (c) => {
      const q = this.q;
      this.active = c.participants;
      if (!q || c.question_id !== q.opened.question_id || c.round !== q.opened.round) return;
      q.answered = c.answered;
      const cur = q.histograms[q.histograms.length - 1];
      if (cur && c.histogram) Object.assign(cur, { answered: c.answered, histogram: c.histogram });
    });
    on("question_closed", (c) => {
      this.state = "question_closed";
      if (this.q && this.q.opened.question_id === c.question_id) {
        this.q.open = false;
        this.q.answered = c.answered;
      }
      this.announce(`Answers closed: ${plural(c.answered, "answer", "answers")}.`);
    });
    on("revealed", (r) => {
      this.state = "revealed";
      const q = this.q;
      if (!q || q.opened.question_id !== r.question_id) return;
      Object.assign(q, {
        open: false, revealed: true, answered: r.answered, right: r.right, histograms: r.histograms || [],
        key: { correct: r.correct || [], accepted: r.accepted || [], explanation_html: r.explanation_html || "" },
      });
      this.announce(r.kind === "poll" ? "Poll results shown." : `Answer revealed: ${r.right} of ${r.answered} right.`);
    });
    on("leaderboard", (lb) => {
      this.state = "leaderboard";
      this.leaderboard = lb;
      this.announce("Leaderboard shown.");
    });
    on("ended", (e) => {
      this.state = "ended";
      this.podium = e.podium || [];
      if (this.q) this.q.open = false;
      this.announce("The session has ended.");
    });
    on("options_changed", (o) => { this.options = o.options; });
    on("kicked", (k) => {
      const p = this.participants.get(k.participant_id);
      if (p) Object.assign(p, { kicked: true, connected: false });
      this.announce(`${k.nickname} was removed.`);
    });
    on("time_extended", (t) => {
      const p = this.participants.get(t.participant_id);
      if (p && this.q && this.q.opened.question_id === t.question_id && this.q.opened.round === t.round) {
        p.deadline = t.deadline_ms;
      }
    });
    on("error", (err) => {
      if (err.code === "no_session") {
        this.stopped = true;
        this.client.stop();
        this.state = "ended";
        this.showError("This session is no longer running. Its results are still available.");
      } else if (err.code === "forbidden") {
        this.stopped = true;
        this.client.stop();
        this.showError("This browser is not signed in as the instructor any more. Open the instructor link again.");
      } else {
        this.showError(err.message || "The server refused a message.");
      }
    });
  }

  onSnapshot(v) {
    this.state = v.state;
    this.options = v.options;
    this.total = v.total;
    this.asked = v.asked;
    this.active = v.active;
    const known = this.participants;
    this.participants = new Map();
    for (const p of v.participants || []) {
      const cur = known.get(p.id) || {};
      this.participants.set(p.id, { ...cur, id: p.id, nickname: p.nickname, kicked: !!p.kicked });
    }
    const answeredBy = new Set((v.participants || []).filter((p) => p.answered).map((p) => p.id));
    this.q = null;
    if (v.question) {
      const hq = v.question;
      this.q = {
        opened: hq, open: !!hq.open, revealed: !!hq.revealed, answered: hq.answered, right: hq.right, answeredBy,
        key: hq.key ? { correct: hq.key.correct || [], accepted: hq.key.accepted || [], explanation_html: hq.key.explanation_html || "" } : null,
        histograms: hq.histograms || [],
      };
      for (const x of hq.extensions || []) {
        const p = this.participants.get(x.participant_id);
        if (p) p.deadline = x.deadline_ms;
      }
    }
    this.leaderboard = v.leaderboard || null;
    if (v.state === "ended") this.podium = ((v.leaderboard && v.leaderboard.top) || []).filter((s) => s.rank <= 3);
  }

  onOpened(o) {
    const prev = this.q;
    const same = prev && prev.opened.question_id === o.question_id;
    let key = same ? prev.key : null;
    if (!same && this.typedKey && o.round === 1) {
      key = this.typedKey;
      this.typedKey = null;
    }
    this.q = {
      opened: o, open: true, revealed: false, answered: 0, right: 0, key, answeredBy: new Set(),
      histograms: [...(same ? prev.histograms.filter((h) => h.round < o.round) : []),
        { round: o.round, answered: 0, histogram: { counts: {} } }],
    };
    for (const p of this.participants.values()) p.deadline = undefined;
    this.state = "question_open";
    this.total = o.total;
    this.asked = Math.max(this.asked, o.number);
    this.announced = null;
    this.announce(o.round > 1 ? `Question ${o.number} asked again (round ${o.round}).` : `Question ${o.number} is open.`);
  }

  // --- commands -----------------------------------------------------------

  async send(type, data = {}) {
    this.pending.add(type);
    this.hideError();
    this.renderControls();
    try {
      const result = await this.client.command(type, data);
      // An "unavailable" shown while live.js sent it again is over.
      this.hideError();
      return result;
    } catch (err) {
      this.showError((err && err.message) || "The server refused that.");
      throw err;
    } finally {
      this.pending.delete(type);
      this.render();
    }
  }

  bindControls() {
    const simple = { "ask-next": "ask_next", close: "close", reveal: "reveal", reask: "reask", leaderboard: "leaderboard" };
    for (const [id, type] of Object.entries(simple)) {
      $(id).addEventListener("click", () => this.send(type).catch(() => {}));
    }
    $("end").addEventListener("click", () => {
      if (!this.endArmed) {
        this.endArmed = setTimeout(() => { this.endArmed = null; this.renderControls(); }, 5000);
        this.renderControls();
        return;
      }
      clearTimeout(this.endArmed);
      this.endArmed = null;
      this.send("end").catch(() => {});
    });
    $("show-key").addEventListener("change", () => this.renderQuestion());
    $("students-body").addEventListener("click", (e) => {
      const btn = e.target.closest("button[data-action]");
      if (!btn) return;
      const id = btn.closest("tr").dataset.id;
      if (btn.dataset.action === "extend") {
        const seconds = Number($("extra-seconds").value) || 30;
        this.send("extend_time", { participant_id: id, seconds }).catch(() => {});
      } else if (btn.dataset.action === "kick") {
        if (btn.dataset.armed !== "1") {
          btn.dataset.armed = "1";
          btn.textContent = "Confirm removal";
          setTimeout(() => { btn.dataset.armed = ""; this.renderStudents(); }, 5000);
          return;
        }
        btn.dataset.armed = "";
        this.send("kick", { participant_id: id }).catch(() => {});
      }
    });
  }

  bindOptions() {
    for (const box of $("options").querySelectorAll("input[data-option]")) {
      box.addEventListener("change", () => {
        if (!this.options) return;
        const next = { ...this.options, [box.dataset.option]: box.checked };
        this.send("set_options", next).then(() => { this.options = next; }).catch(() => {}).finally(() => this.renderOptions());
      });
    }
  }

  // --- the typed question -------------------------------------------------

  bindTypedForm() {
    this.typedChoices = ["", "", "", ""];
    this.typedCorrect = new Set();
    $("t-kind").addEventListener("change", () => { this.captureChoices(); this.renderTypedChoices(); });
    $("t-add-choice").addEventListener("click", () => {
      this.captureChoices();
      if (this.typedChoices.length < 12) this.typedChoices.push("");
      this.renderTypedChoices();
      const inputs = $("t-choices").querySelectorAll("input[type=text]");
      if (inputs.length) inputs[inputs.length - 1].focus();
    });
    $("t-choices").addEventListener("click", (e) => {
      const btn = e.target.closest("button[data-remove]");
      if (!btn) return;
      this.captureChoices();
      const i = Number(btn.dataset.remove);
      this.typedChoices.splice(i, 1);
      this.typedCorrect = new Set([...this.typedCorrect].filter((j) => j !== i).map((j) => (j > i ? j - 1 : j)));
      this.renderTypedChoices();
    });
    $("typed-form").addEventListener("submit", (e) => {
      e.preventDefault();
      this.askTyped();
    });
    this.renderTypedChoices();
  }

  captureChoices() {
    const list = $("t-choices");
    const texts = [...list.querySelectorAll("input[type=text]")];
    if (texts.length && $("t-choices").dataset.kind !== "truefalse") this.typedChoices = texts.map((x) => x.value);
    this.typedCorrect = new Set();
    list.querySelectorAll("input[data-correct]").forEach((x, i) => { if (x.checked) this.typedCorrect.add(i); });
  }

  renderTypedChoices() {
    const kind = $("t-kind").value;
    const list = $("t-choices");
    $("t-choices-set").hidden = kind === "text";
    $("t-text-set").hidden = kind !== "text";
    $("t-add-choice").hidden = kind === "truefalse";
    $("t-choices-hint").textContent = {
      single: "(tick the right one)", multiple: "(tick every right one)", truefalse: "(tick the right one)", poll: "(no right answer)",
    }[kind] || "";
    const wasTF = list.dataset.kind === "truefalse";
    list.dataset.kind = kind;
    const texts = kind === "truefalse" ? ["True", "False"] : (wasTF ? ["", "", "", ""] : this.typedChoices);
    if (kind === "truefalse" || wasTF) this.typedCorrect = new Set();
    list.replaceChildren(...texts.map((text, i) => {
      const li = document.createElement("li");
      const input = document.createElement("input");
      input.type = "text";
      input.id = `t-choice-${i}`;
      input.maxLength = 300;
      input.value = text;
      input.setAttribute("aria-label", `Choice ${letter(i)}`);
      input.readOnly = kind === "truefalse";
      li.append(input);
      if (kind !== "poll") {
        const label = document.createElement("label");
        label.className = "t-correct";
        const mark = document.createElement("input");
        mark.type = kind === "multiple" ? "checkbox" : "radio";
        mark.name = "t-correct";
        mark.dataset.correct = String(i);
        mark.checked = this.typedCorrect.has(i);
        label.append(mark, ` Right answer`);
        label.setAttribute("aria-label", `Choice ${letter(i)} is a right answer`);
        li.append(label);
      }
      if (kind !== "truefalse" && texts.length > 2) {
        const rm = document.createElement("button");
        rm.type = "button";
        rm.className = "btn secondary small";
        rm.dataset.remove = String(i);
        rm.textContent = "Remove";
        rm.setAttribute("aria-label", `Remove choice ${letter(i)}`);
        li.append(rm);
      }
      return li;
    }));
  }

  async askTyped() {
    const err = $("t-error");
    err.textContent = "";
    const kind = $("t-kind").value;
    const prompt = $("t-prompt").value.trim();
    const q = {
      kind, prompt, choices: [], correct: [], accepted: [], match: "",
      time_limit_seconds: Number($("t-time").value) || 0,
      points: Math.max(0, Math.round(Number($("t-points").value) || 0)),
      explanation: $("t-explanation").value.trim(),
    };
    let problem = prompt ? "" : "Write the question.";
    if (kind === "text") {
      q.accepted = $("t-accepted").value.split("\n").map((s) => s.trim()).filter(Boolean);
      q.match = $("t-match").value;
      if (!problem && !q.accepted.length) problem = "Give at least one accepted answer.";
    } else {
      const rows = [...$("t-choices").children].map((li) => ({
        text: li.querySelector("input[type=text]").value.trim(),
        correct: !!(li.querySelector("input[data-correct]") || {}).checked,
      })).filter((r) => r.text);
      q.choices = rows.map((r) => r.text);
      q.correct = rows.flatMap((r, i) => (r.correct ? [i] : []));
      if (!problem && rows.length < 2) problem = "Give at least two choices.";
      else if (!problem && (kind === "single" || kind === "truefalse") && q.correct.length !== 1) problem = "Tick the one right answer.";
      else if (!problem && kind === "multiple" && q.correct.length < 1) problem = "Tick at least one right answer.";
    }
    if (problem) {
      err.textContent = problem;
      return;
    }
    const key = {
      correct: kind === "text" ? [] : q.correct.map((i) => (kind === "truefalse" ? q.choices[i].toLowerCase() : String.fromCharCode(97 + i))),
      accepted: q.accepted,
      explanation_html: "",
    };
    this.typedKey = key;
    try {
      await this.send("ask_typed", { question: q });
      $("t-prompt").value = "";
      $("t-explanation").value = "";
      $("t-accepted").value = "";
      this.typedChoices = ["", "", "", ""];
      this.typedCorrect = new Set();
      this.renderTypedChoices();
    } catch (e) {
      this.typedKey = null;
      err.textContent = (e && e.message) || "The server refused that question.";
    }
  }

  // --- drawing --------------------------------------------------------------

  render() {
    this.renderState();
    this.renderControls();
    this.renderOptions();
    this.renderQuestion();
    this.renderStudents();
    this.renderLeaderboard();
    this.renderTimer();
  }

  renderConnection({ state, transport }) {
    const el = $("conn");
    el.dataset.status = state;
    el.textContent = {
      connecting: "Connecting…",
      open: `Connected (${transport === "polling" ? "long polling" : "WebSocket"})`,
      reconnecting: "Connection lost: reconnecting…",
      stopped: "Not connected",
    }[state] || state;
    if (state === "open") this.hideError();
  }

  renderState() {
    const badge = $("state");
    badge.dataset.state = this.state;
    // Until the welcome, the server's words for the state stay.
    if (this.welcomed || this.stopped) badge.textContent = STATE_TEXT[this.state] || this.state;
    const left = Math.max(0, this.total - this.asked);
    $("progress-text").textContent = this.welcomed
      ? `${plural(this.asked, "question", "questions")} asked of ${this.total}; ${left} left in the list.`
      : "Waiting for the session…";
  }

  renderControls() {
    const st = this.state;
    const live = this.welcomed && !this.stopped;
    const busy = (t) => this.pending.has(t);
    const left = this.total - this.asked;
    const set = (id, on) => { $(id).disabled = !live || !on; };
    set("ask-next", CAN_ASK.has(st) && left > 0 && !busy("ask_next"));
    set("close", st === "question_open" && !busy("close"));
    set("reveal", (st === "question_open" || st === "question_closed") && !busy("reveal"));
    set("reask", !!this.q && ["question_closed", "revealed", "leaderboard"].includes(st) && !busy("reask"));
    set("leaderboard", st === "revealed" && !busy("leaderboard"));
    set("end", st !== "ended" && !busy("end"));
    set("t-ask", CAN_ASK.has(st) && !busy("ask_typed"));
    $("end").textContent = this.endArmed ? "Confirm: end the session" : "End the session";
    $("end-hint").hidden = !this.endArmed;
    $("ask-next").textContent = st === "lobby" ? "Ask the first question" : "Ask the next question";
  }

  renderOptions() {
    const box = $("options");
    // Not disabled while a change is pending: that would take the focus
    // away from the checkbox a keyboard user just toggled.
    box.disabled = !this.options || this.state === "ended" || this.stopped;
    if (!this.options) return;
    for (const input of box.querySelectorAll("input[data-option]")) input.checked = !!this.options[input.dataset.option];
  }

  renderQuestion() {
    const q = this.q;
    $("no-question").hidden = !!q;
    $("question").hidden = !q;
    $("run-question").hidden = !q;
    if (!q) return;
    const o = q.opened;
    const pq = o.question || {};
    const showKey = q.revealed || $("show-key").checked;
    const key = showKey ? q.key : null;
    const parts = [`Question ${o.number} of ${o.total}`];
    if (o.round > 1) parts.push(`round ${o.round}`);
    parts.push(KIND_TEXT[pq.kind] || pq.kind);
    if (pq.kind !== "poll") parts.push(plural(pq.points || 0, "point", "points"));
    if (o.prompt_hidden) parts.push("question shown on the projector only");
    $("q-meta").textContent = parts.join(" · ");
    const promptEl = $("q-prompt");
    if (promptEl.dataset.q !== `${o.question_id}/${o.round}`) {
      promptEl.dataset.q = `${o.question_id}/${o.round}`;
      if (pq.prompt_html) promptEl.innerHTML = pq.prompt_html; // server-rendered, sanitised Markdown
      else promptEl.textContent = pq.prompt || "";
    }
    const correct = new Set((key && key.correct) || []);
    $("q-choices").replaceChildren(...(pq.choices || []).map((c, i) => {
      const li = document.createElement("li");
      const mark = document.createElement("span");
      mark.className = "choice-letter";
      mark.textContent = pq.kind === "truefalse" ? "" : letter(i);
      const text = document.createElement("span");
      text.className = "choice-text";
      text.textContent = c.text;
      li.append(mark, text);
      if (correct.has(c.id) && pq.kind !== "poll") {
        li.className = "correct";
        const badge = document.createElement("span");
        badge.className = "correct-badge";
        badge.textContent = "✓ Right answer";
        li.append(badge);
      }
      return li;
    }));
    $("key-unknown").hidden = !(showKey && !q.key && !q.revealed && pq.kind !== "poll");
    const acc = $("q-accepted");
    acc.hidden = !(pq.kind === "text" && key && key.accepted && key.accepted.length);
    if (!acc.hidden) acc.textContent = `✓ Accepted: ${key.accepted.join(", ")} (compared as ${pq.match || "text"})`;
    const n = this.active;
    $("answered").textContent = `${q.answered} of ${plural(n, "student", "students")} answered`;
    // The dashboard's rounds stack (its column is narrow): full-width charts.
    renderRounds($("histograms"), pq, q.histograms, key, { width: 640 });
    $("reveal-box").hidden = !q.revealed;
    $("right-count").hidden = !q.revealed;
    if (q.revealed) {
      $("right-count").textContent = pq.kind === "poll"
        ? "A poll: no right or wrong answer."
        : `${q.right} of ${plural(q.answered, "answer", "answers")} right.`;
      const ex = $("explanation");
      if (ex.dataset.q !== `${o.question_id}/${o.round}`) {
        ex.dataset.q = `${o.question_id}/${o.round}`;
        ex.innerHTML = (q.key && q.key.explanation_html) || ""; // server-rendered, sanitised
      }
    }
  }

  renderTimer() {
    const q = this.q;
    const timer = $("timer");
    const bar = $("timer-bar");
    if (!q || !q.opened.deadline_ms) {
      timer.textContent = q && q.open ? "No time limit" : "–";
      bar.value = 0;
      return;
    }
    const limit = q.opened.time_limit_ms || 1;
    const left = q.opened.deadline_ms - (Date.now() + this.skew);
    if (!q.open) {
      timer.textContent = "Closed";
      bar.value = 0;
      return;
    }
    timer.textContent = left > 0 ? formatSeconds(left) : "Time is up";
    bar.value = Math.max(0, Math.min(1, left / limit));
    const secs = Math.ceil(left / 1000);
    const mark = left <= 0 ? 0 : ANNOUNCE_AT.includes(secs) && secs < limit / 1000 ? secs : undefined;
    if (mark !== undefined && mark !== this.announced) {
      this.announced = mark;
      $("timer-announce").textContent = mark === 0 ? "Time is up." : `${mark} seconds left.`;
    }
  }

  renderStudents() {
    const body = $("students-body");
    const list = [...this.participants.values()];
    const open = this.q && this.q.open && this.q.opened.deadline_ms;
    const live = this.welcomed && !this.stopped && this.state !== "ended";
    for (const p of list) {
      let tr = this.rows.get(p.id);
      if (!tr) {
        tr = document.createElement("tr");
        tr.dataset.id = p.id;
        tr.innerHTML = `<th scope="row"><span class="nick"></span><span class="deadline"></span></th>
          <td class="conn-cell"><span class="conn-mark" aria-hidden="true"></span> <span class="conn-text"></span></td>
          <td class="transport"></td><td class="rtt"><meter min="0" max="300" low="80" high="200" optimum="0" value="0" aria-hidden="true"></meter> <span class="rtt-text"></span></td>
          <td class="remote mono"></td><td class="answered-cell"></td>
          <td class="actions"><button type="button" class="btn secondary small" data-action="extend"></button> <button type="button" class="btn danger small" data-action="kick">Remove</button></td>`;
        this.rows.set(p.id, tr);
        body.append(tr);
      }
      tr.querySelector(".nick").textContent = p.nickname || p.id;
      const status = p.kicked ? "removed" : p.connected ? "connected" : "disconnected";
      tr.dataset.status = status;
      tr.dataset.transport = p.connected ? p.transport || "" : "";
      tr.querySelector(".conn-mark").textContent = p.kicked ? "✕" : p.connected ? "●" : "○";
      tr.querySelector(".conn-text").textContent = p.kicked ? "Removed" : p.connected ? "Connected" : (p.connected === false ? "Not connected" : "…");
      tr.querySelector(".transport").textContent = p.connected ? (p.transport === "polling" ? "HTTP long polling" : p.transport === "websocket" ? "WebSocket" : p.transport) : "—";
      const meter = tr.querySelector("meter");
      const rttText = tr.querySelector(".rtt-text");
      if (p.connected && typeof p.rtt === "number") {
        meter.hidden = false;
        meter.value = Math.min(300, p.rtt);
        rttText.textContent = p.rtt < 10 ? `${p.rtt.toFixed(1)} ms` : `${Math.round(p.rtt)} ms`;
      } else {
        meter.hidden = true;
        rttText.textContent = p.connected ? "measuring…" : "—";
      }
      tr.querySelector(".remote").textContent = p.connected ? p.remote || "" : "";
      const inQuestion = this.q && this.q.opened && !p.kicked;
      const did = inQuestion && this.q.answeredBy && this.q.answeredBy.has(p.id);
      tr.querySelector(".answered-cell").textContent = !inQuestion ? "" : did ? "✓ answered" : this.q.open ? "… thinking" : "– no answer";
      tr.dataset.answered = did ? "yes" : "no";
      const dl = tr.querySelector(".deadline");
      dl.textContent = p.deadline && open ? `extra time until ${new Date(p.deadline - this.skew).toLocaleTimeString()}` : "";
      const extend = tr.querySelector('[data-action="extend"]');
      const secs = Number($("extra-seconds").value) || 30;
      extend.textContent = `+${secs} s`;
      // The name a screen reader hears starts with the visible text, so
      // that "click +30 s" works by voice too (WCAG 2.5.3).
      extend.setAttribute("aria-label", `+${secs} s for ${p.nickname || p.id}`);
      extend.disabled = !live || !open || p.kicked;
      const kick = tr.querySelector('[data-action="kick"]');
      kick.disabled = !live || p.kicked;
      if (kick.dataset.armed !== "1") kick.textContent = p.kicked ? "Removed" : "Remove";
      kick.setAttribute("aria-label", kick.dataset.armed === "1" ? `Confirm: remove ${p.nickname}` : `Remove ${p.nickname} from the session`);
    }
    this.renderWhoAnswered(list);
    const inSession = list.filter((p) => !p.kicked);
    const connected = inSession.filter((p) => p.connected).length;
    $("student-count").textContent = list.length ? `(${inSession.length} in, ${connected} connected)` : "";
    $("no-students").hidden = list.length > 0;
  }

  // One small chip a student, beside the run controls, so that who has
  // answered shows at a glance for a class of thirty without the table.
  renderWhoAnswered(list) {
    const box = $("who-answered");
    const q = this.q;
    if (!q || !q.opened) {
      box.replaceChildren();
      return;
    }
    const chips = list.filter((p) => !p.kicked).map((p) => {
      const did = !!(q.answeredBy && q.answeredBy.has(p.id));
      const li = document.createElement("li");
      li.dataset.answered = did ? "yes" : "no";
      const mark = document.createElement("span");
      mark.setAttribute("aria-hidden", "true");
      mark.textContent = did ? "✓" : "○";
      const name = document.createElement("span");
      name.className = "who-nick";
      name.textContent = p.nickname || p.id;
      // The mark is hidden from screen readers: the words say it instead.
      const said = document.createElement("span");
      said.className = "visually-hidden";
      said.textContent = did ? ": answered" : q.open ? ": thinking" : ": no answer";
      li.append(mark, " ", name, said);
      return li;
    });
    box.replaceChildren(...chips);
  }

  renderLeaderboard() {
    const top = (this.leaderboard && this.leaderboard.top) || [];
    $("leaderboard-list").replaceChildren(...top.map((s) => standingItem(s)));
    $("no-leaderboard").hidden = top.length > 0;
    const box = $("podium-box");
    box.hidden = this.state !== "ended" || !this.podium;
    if (!box.hidden) $("podium").replaceChildren(...this.podium.map((s) => standingItem(s)));
  }

  // --- messages -----------------------------------------------------------

  announce(text) {
    const el = $("announce");
    el.textContent = "";
    requestAnimationFrame(() => { el.textContent = text; });
  }

  showError(text) {
    const el = $("command-error");
    el.textContent = text;
    el.hidden = false;
  }

  hideError() {
    const el = $("command-error");
    if (!this.stopped) el.hidden = true;
  }
}


const dash = $("dashboard");
if (dash) new Dashboard(dash).start();
