// Match mode: six terms and their definitions, shuffled on a grid; the
// student pairs them against the clock (a wrong pair adds a second), and
// the best time per deck is kept in this browser. Every tile is a button,
// so the game plays with Tab and Enter as well as by touch; nothing moves
// when reduced motion is asked for (study.css), and matched tiles keep
// their place so the grid never shifts.
import { loadTerms, shuffled, watchDeck } from "./terms.js";

const PAIRS = 6;
const PENALTY_MS = 1000;
const BEST_KEY = "netstudy.match.best";
const $ = (id) => document.getElementById(id);
const section = $("match");
const grid = $("match-grid");
const status = $("match-status");
const startButton = $("match-start");
const reduceMotion = matchMedia("(prefers-reduced-motion: reduce)");

let deck = "";
let terms = [];
let selected = null;
let left = 0;
let startedAt = 0;
let penalty = 0;
let ticker = 0;

const seconds = (ms) => (ms / 1000).toFixed(1);

function bestTimes() {
  try {
    const b = JSON.parse(localStorage.getItem(BEST_KEY) || "{}");
    return b && typeof b === "object" ? b : {};
  } catch {
    return {};
  }
}

function showBest() {
  const best = bestTimes()[deck];
  $("match-best").textContent = Number.isFinite(best) ? `Best: ${seconds(best)} s` : "No best time yet";
}

async function load(note) {
  deck = note;
  stopClock();
  section.hidden = true;
  $("match-done").hidden = true;
  $("match-empty").hidden = true;
  $("deck-status").textContent = "Loading terms…";
  try {
    terms = await loadTerms(note);
  } catch (e) {
    $("deck-status").textContent = e.message;
    return;
  }
  $("deck-status").textContent = `${terms.length} term${terms.length === 1 ? "" : "s"} in this deck`;
  if (terms.length < 2) {
    $("match-empty").hidden = false;
    return;
  }
  deal();
}

function tile(t, pair, side) {
  const li = document.createElement("li");
  const b = document.createElement("button");
  b.type = "button";
  b.className = "match-tile";
  b.dataset.pair = String(pair);
  b.dataset.side = side;
  b.setAttribute("aria-pressed", "false");
  b.disabled = true;
  const kind = document.createElement("span");
  kind.className = "tile-kind";
  kind.textContent = side === "term" ? "Term" : "Definition";
  const body = document.createElement("span");
  body.className = "tile-text";
  if (side === "term") body.textContent = t.term;
  else body.innerHTML = t.definitionHTML; // rendered and sanitised by the server
  b.append(kind, " ", body);
  li.append(b);
  return li;
}

// deal lays out a new game, face up but not yet playable: the clock
// starts with the Start button, so reading the grid first costs nothing.
function deal() {
  const chosen = shuffled(terms).slice(0, PAIRS);
  const tiles = chosen.flatMap((t, i) => [tile(t, i, "term"), tile(t, i, "definition")]);
  grid.replaceChildren(...shuffled(tiles));
  left = chosen.length;
  selected = null;
  penalty = 0;
  $("match-time").textContent = "0.0";
  $("match-left").textContent = `${left} pairs to match`;
  showBest();
  startButton.hidden = false;
  section.hidden = false;
  $("match-done").hidden = true;
  section.dataset.state = "ready";
}

function elapsed() {
  return performance.now() - startedAt + penalty;
}

function tick() {
  $("match-time").textContent = seconds(elapsed());
}

function stopClock() {
  clearInterval(ticker);
  ticker = 0;
}

function start() {
  for (const b of grid.querySelectorAll(".match-tile")) b.disabled = false;
  startButton.hidden = true;
  startedAt = performance.now();
  // With reduced motion the clock changes once a second, not ten times.
  ticker = setInterval(tick, reduceMotion.matches ? 1000 : 100);
  section.dataset.state = "playing";
  grid.querySelector(".match-tile").focus();
  status.textContent = "Go! Choose a term or a definition.";
}

function clearWrong() {
  for (const b of grid.querySelectorAll(".is-wrong")) {
    b.classList.remove("is-wrong");
    b.querySelector(".wrong-mark")?.remove();
  }
}

function choose(b) {
  if (section.dataset.state !== "playing" || b.classList.contains("is-matched")) return;
  clearWrong();
  if (!selected || selected.dataset.side === b.dataset.side) {
    if (selected) selected.setAttribute("aria-pressed", "false");
    const again = selected === b;
    selected = again ? null : b;
    b.setAttribute("aria-pressed", again ? "false" : "true");
    return;
  }
  const a = selected;
  selected = null;
  a.setAttribute("aria-pressed", "false");
  if (a.dataset.pair === b.dataset.pair) {
    left--;
    for (const t of [a, b]) {
      t.classList.add("is-matched");
      t.disabled = true;
    }
    const term = (a.dataset.side === "term" ? a : b).querySelector(".tile-text").textContent;
    $("match-left").textContent = `${left} pair${left === 1 ? "" : "s"} to match`;
    status.textContent = `Matched: ${term}. ${left} left.`;
    if (left === 0) {
      finish();
      return;
    }
    grid.querySelector(".match-tile:not(.is-matched)").focus();
  } else {
    penalty += PENALTY_MS;
    for (const t of [a, b]) {
      t.classList.add("is-wrong");
      const mark = document.createElement("span");
      mark.className = "wrong-mark";
      mark.textContent = " ✗ not a pair";
      t.append(mark);
    }
    tick();
    status.textContent = "Not a pair: one second added.";
  }
}

function finish() {
  stopClock();
  const time = Math.round(elapsed() / 100) * 100;
  const best = bestTimes();
  const isBest = !Number.isFinite(best[deck]) || time < best[deck];
  if (isBest) {
    best[deck] = time;
    try { localStorage.setItem(BEST_KEY, JSON.stringify(best)); } catch { /* unsaved: private mode */ }
  }
  section.dataset.state = "done";
  $("match-time").textContent = seconds(time);
  $("match-result").textContent = isBest
    ? `Your time: ${seconds(time)} s, a new best for this deck.`
    : `Your time: ${seconds(time)} s. Your best for this deck is ${seconds(best[deck])} s.`;
  showBest();
  $("match-done").hidden = false;
  $("match-done").focus();
}

grid.addEventListener("click", (e) => {
  const b = e.target.closest(".match-tile");
  if (b) choose(b);
});
// Arrow keys move between the tiles still in play (wrapping round), Home
// and End to the first and last: quicker than Tab on a full grid.
grid.addEventListener("keydown", (e) => {
  const step = { ArrowRight: 1, ArrowDown: 1, ArrowLeft: -1, ArrowUp: -1, Home: "first", End: "last" }[e.key];
  if (!step || !(e.target instanceof HTMLButtonElement)) return;
  const open = [...grid.querySelectorAll(".match-tile:not(.is-matched)")];
  if (!open.length) return;
  e.preventDefault();
  let i = open.indexOf(e.target);
  if (step === "first") i = 0;
  else if (step === "last") i = open.length - 1;
  else i = (i + step + open.length) % open.length;
  open[i].focus();
});
startButton.addEventListener("click", start);
$("match-again").addEventListener("click", () => {
  deal();
  startButton.focus();
});

load(watchDeck(load));
