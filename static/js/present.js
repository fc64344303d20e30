// The projector view of a live session (/host/sessions/{id}/present): big
// type for the back of the room, driven by the live protocol as the
// "presenter" role, which sees what the host sees and commands nothing.
//
// The one rule of this file: the answer key is never drawn before the
// reveal. The host's snapshot carries question.key for the instructor's own
// screen; this page ignores it unless question.revealed is set, and
// otherwise learns the key only from the revealed event.
import { LiveClient } from "./live.js";
import { renderRounds, letter, redrawOnResize } from "./charts.js";
import { plural, standingItem } from "./standings.js";

const $ = (id) => document.getElementById(id);

const ANNOUNCE_AT = [30, 10, 5];
// The scene's text is shrunk at most to this share of its size to fit
// the screen; what still does not fit scrolls.
const MIN_FIT = 0.5;
const HIST_PREF = "netstudy.present.liveHistogram";

function formatSeconds(ms) {
  const s = Math.max(0, Math.ceil(ms / 1000));
  return `${Math.floor(s / 60)}:${String(s % 60).padStart(2, "0")}`;
}

class Presenter {
  constructor(root) {
    this.client = new LiveClient({ code: root.dataset.code, role: "presenter" });
    this.state = "lobby";
    this.players = new Map(); // id -> nickname, players in the session
    this.q = null; // {opened, open, answered, histograms, reveal}
    this.leaderboard = null;
    this.podium = null;
    this.skew = 0;
    this.active = 0;
    this.announced = null;
  }

  start() {
    const hist = $("live-hist");
    try { hist.checked = localStorage.getItem(HIST_PREF) === "1"; } catch { /* not kept */ }
    hist.addEventListener("change", () => {
      try { localStorage.setItem(HIST_PREF, hist.checked ? "1" : "0"); } catch { /* not kept */ }
      this.render();
    });
    const fs = $("fullscreen");
    if (document.fullscreenEnabled) {
      fs.classList.add("ready");
      fs.addEventListener("click", () => {
        const p = document.fullscreenElement ? document.exitFullscreen() : document.documentElement.requestFullscreen();
        p.catch(() => { /* refused by the browser: stay as we are */ });
      });
    }
    this.listen();
    this.client.start();
    setInterval(() => this.renderTimer(), 250);
    redrawOnResize(() => this.render());
    this.render();
  }

  listen() {
    const c = this.client;
    const on = (type, f) => c.addEventListener(type, (e) => { f.call(this, e.detail.data); this.render(); });
    c.addEventListener("status", (e) => {
      const el = $("conn");
      el.dataset.status = e.detail.state;
      el.textContent = { connecting: "Connecting…", open: "Live", reconnecting: "Reconnecting…", stopped: "Not connected" }[e.detail.state] || "";
    });
    on("welcome", (w) => { if (typeof w.server_time_ms === "number") this.skew = w.server_time_ms - Date.now(); });
    on("snapshot", this.onSnapshot);
    on("participant_joined", (p) => { this.players.set(p.participant_id, p.nickname); this.active = p.participants; });
    on("kicked", (k) => { this.players.delete(k.participant_id); });
    on("presence", (p) => {
      for (const x of p.participants || []) this.players.set(x.participant_id, x.nickname);
    });
    on("question_opened", (o) => {
      const prev = this.q;
      const same = prev && prev.opened.question_id === o.question_id;
      this.q = {
        opened: o, open: true, answered: 0, reveal: null,
        histograms: [...(same ? prev.histograms.filter((h) => h.round < o.round) : []),
          { round: o.round, answered: 0, histogram: { counts: {} } }],
      };
      this.state = "question_open";
      this.announced = null;
      this.say(`Question ${o.number}${o.round > 1 ? `, round ${o.round}` : ""}.`);
    });
    on("answer_count", (n) => {
      this.active = n.participants;
      const q = this.q;
      if (!q || q.opened.question_id !== n.question_id || q.opened.round !== n.round) return;
      q.answered = n.answered;
      const cur = q.histograms[q.histograms.length - 1];
      if (cur && n.histogram) Object.assign(cur, { answered: n.answered, histogram: n.histogram });
    });
    on("question_closed", (n) => {
      this.state = "question_closed";
      if (this.q && this.q.opened.question_id === n.question_id) Object.assign(this.q, { open: false, answered: n.answered });
      this.say("Time is up.");
    });
    on("revealed", (r) => {
      this.state = "revealed";
      if (!this.q || this.q.opened.question_id !== r.question_id) return;
      Object.assign(this.q, {
        open: false, answered: r.answered, histograms: r.histograms || [],
        reveal: { correct: r.correct || [], accepted: r.accepted || [], explanation_html: r.explanation_html || "", right: r.right, kind: r.kind },
      });
      this.say("The answer.");
    });
    on("leaderboard", (lb) => { this.state = "leaderboard"; this.leaderboard = lb; this.say("Leaderboard."); });
    on("ended", (e) => { this.state = "ended"; this.podium = e.podium || []; this.say("Final podium."); });
    on("error", (err) => {
      if (err.code === "no_session" || err.code === "forbidden") {
        this.client.stop();
        $("conn").textContent = err.code === "forbidden" ? "Not signed in as the instructor" : "This session is not running";
      }
    });
  }

  onSnapshot(v) {
    this.state = v.state;
    this.active = v.active;
    this.players = new Map();
    for (const p of v.participants || []) if (!p.kicked) this.players.set(p.id, p.nickname);
    this.q = null;
    const hq = v.question;
    if (hq) {
      // Only what may be projected is copied: the key only once revealed.
      this.q = { opened: hq, open: !!hq.open, answered: hq.answered, histograms: hq.histograms || [], reveal: null };
      if (hq.revealed && hq.key) {
        this.q.reveal = {
          correct: hq.key.correct || [], accepted: hq.key.accepted || [], explanation_html: hq.key.explanation_html || "",
          right: hq.right, kind: hq.question && hq.question.kind,
        };
      }
    }
    this.leaderboard = v.leaderboard || null;
    if (v.state === "ended") this.podium = ((v.leaderboard && v.leaderboard.top) || []).filter((s) => s.rank <= 3);
  }

  scene() {
    switch (this.state) {
      case "lobby": return "scene-lobby";
      case "leaderboard": return "scene-leaderboard";
      case "ended": return "scene-ended";
      default: return this.q ? "scene-question" : "scene-lobby";
    }
  }

  render() {
    const shown = this.scene();
    for (const id of ["scene-lobby", "scene-question", "scene-leaderboard", "scene-ended"]) $(id).hidden = id !== shown;
    this.renderLobby();
    this.renderQuestion();
    $("p-leaderboard").replaceChildren(...((this.leaderboard && this.leaderboard.top) || []).map(standingItem));
    const podium = this.podium || [];
    $("p-podium").replaceChildren(...podium.map(standingItem));
    $("p-podium-empty").hidden = podium.length > 0;
    this.renderTimer();
    this.fitScreen();
  }

  // fitScreen shrinks the scene (the --fit factor of live.css) until the
  // page needs no scrolling and no code block scrolls sideways: nobody
  // scrolls a projected page in front of a class. It measures again only
  // when what is shown, or the window's size, has changed.
  fitScreen() {
    const q = this.q;
    const scene = [this.scene(), q && `${q.opened.question_id}/${q.opened.round}`,
      q && Boolean(q.reveal), $("p-hist").hidden, innerWidth, innerHeight].join(" ");
    const players = this.players.size;
    if (scene === this.fitScene && players === this.fitPlayers) return;
    // A lobby that only gained names needs no more room than it had: the
    // search goes on down from the factor found before, instead of laying
    // out a hundred names ten times for each one who joins.
    const grew = scene === this.fitScene && players > this.fitPlayers;
    this.fitScene = scene;
    this.fitPlayers = players;
    const root = $("present");
    const page = document.documentElement;
    const overflows = () => page.scrollHeight > page.clientHeight || page.scrollWidth > page.clientWidth ||
      [...root.querySelectorAll("pre")].some((pre) => pre.offsetParent && pre.scrollWidth > pre.clientWidth);
    const before = root.style.getPropertyValue("--fit") || "1";
    let fit = grew ? Number(before) : 1;
    root.style.setProperty("--fit", String(fit));
    while (fit > MIN_FIT && overflows()) {
      fit = Math.round((fit - 0.05) * 100) / 100;
      root.style.setProperty("--fit", String(fit));
    }
    // A histogram's text is drawn at the size of the text around it.
    if (String(fit) !== before && q) this.renderQuestion();
  }

  renderLobby() {
    const names = [...this.players.values()];
    $("lobby-count").textContent = names.length ? `${plural(names.length, "player", "players")} in` : "Waiting for players…";
    // Kept in place, not redrawn: each name pops in once, when it joins.
    const list = $("lobby-names");
    const items = new Map([...list.children].map((li) => [li.dataset.id, li]));
    for (const [id, nick] of this.players) {
      let li = items.get(id);
      if (!li) {
        li = document.createElement("li");
        li.dataset.id = id;
        list.append(li);
      }
      items.delete(id);
      if (li.textContent !== nick) li.textContent = nick;
    }
    for (const li of items.values()) li.remove();
  }

  renderQuestion() {
    const q = this.q;
    if (!q) return;
    const o = q.opened;
    const pq = o.question || {};
    const r = q.reveal;
    $("p-meta").textContent = `Question ${o.number} of ${o.total}${o.round > 1 ? ` · round ${o.round}` : ""}`;
    const prompt = $("p-prompt");
    if (prompt.dataset.q !== `${o.question_id}/${o.round}`) {
      prompt.dataset.q = `${o.question_id}/${o.round}`;
      if (pq.prompt_html) prompt.innerHTML = pq.prompt_html; // server-rendered, sanitised Markdown
      else prompt.textContent = pq.prompt || "";
    }
    const correct = new Set(r && pq.kind !== "poll" ? r.correct : []);
    $("p-choices").replaceChildren(...(pq.choices || []).map((c, i) => {
      const li = document.createElement("li");
      if (r && correct.size) li.className = correct.has(c.id) ? "correct" : "wrong";
      const l = document.createElement("span");
      l.className = "choice-letter";
      l.textContent = pq.kind === "truefalse" ? "" : letter(i);
      const t = document.createElement("span");
      t.className = "choice-text";
      t.textContent = c.text;
      li.append(l, t);
      if (correct.has(c.id)) {
        const badge = document.createElement("span");
        badge.className = "correct-badge";
        badge.textContent = "✓ Right answer";
        li.append(badge);
      }
      return li;
    }));
    $("p-choices").hidden = !(pq.choices && pq.choices.length);
    $("p-answered").textContent = `${q.answered} of ${plural(this.active, "player", "players")} answered`;
    $("p-status").textContent = q.open ? (pq.kind === "text" ? "Type your answer on your phone." : "Answer on your phone.")
      : r ? "" : "Answers are closed.";
    const showHist = !q.open || $("live-hist").checked;
    $("p-hist").hidden = !showHist;
    if (showHist) renderRounds($("p-hist"), pq, q.histograms, r);
    $("p-reveal").hidden = !r;
    if (r) {
      const accepted = pq.kind === "text" && r.accepted.length ? `✓ Accepted: ${r.accepted.join(", ")}. ` : "";
      $("p-right").textContent = r.kind === "poll" ? "A poll: no right or wrong answer." : `${accepted}${r.right} of ${plural(q.answered, "answer", "answers")} right.`;
      const ex = $("p-explanation");
      if (ex.dataset.q !== `${o.question_id}/${o.round}`) {
        ex.dataset.q = `${o.question_id}/${o.round}`;
        ex.innerHTML = r.explanation_html; // server-rendered, sanitised
      }
    } else {
      $("p-explanation").replaceChildren();
      $("p-explanation").dataset.q = "";
    }
  }

  renderTimer() {
    const q = this.q;
    const t = $("p-timer");
    if (!q || !q.open) {
      t.textContent = q ? "Time is up" : "";
      t.dataset.urgent = "";
      t.dataset.up = q ? "1" : "";
      return;
    }
    if (!q.opened.deadline_ms) {
      t.textContent = "";
      t.dataset.up = "";
      return;
    }
    const left = q.opened.deadline_ms - (Date.now() + this.skew);
    t.textContent = left > 0 ? formatSeconds(left) : "Time is up";
    t.dataset.urgent = left <= 5000 ? "1" : "";
    t.dataset.up = left > 0 ? "" : "1";
    const secs = Math.ceil(left / 1000);
    if (ANNOUNCE_AT.includes(secs) && secs < (q.opened.time_limit_ms || 0) / 1000 && this.announced !== secs) {
      this.announced = secs;
      $("p-timer-announce").textContent = `${secs} seconds left.`;
    }
  }

  say(text) {
    const el = $("announce");
    el.textContent = "";
    requestAnimationFrame(() => { el.textContent = text; });
  }
}


const root = $("present");
if (root) new Presenter(root).start();
