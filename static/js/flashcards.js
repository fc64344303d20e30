// The flashcards page: shows the next card of the deck as the scheduler
// (srs.js, FSRS) orders them within today's limits, flips it on click, tap
// or Space, grades it with 1 to 4, undoes the last grade with u, and keeps
// the deck's statistics, options and progress file in this browser.
import * as srs from "./srs.js";
import { drawForecast } from "./forecast.js";

const $ = (id) => document.getElementById(id);
const deckSelect = $("deck");
const status = $("deck-status");
const progressBar = $("progress");
const study = $("study");
const card = $("card");
const front = $("front");
const back = $("back");
const backFace = $("back-face");
const kindLabel = $("card-kind");
const flip = $("flip");
const grades = $("grades");
const done = $("done");
const undoButton = $("undo");

const KIND_LABEL = { qa: "Question", term: "Term", definition: "Definition" };
let cards = []; // the deck, in order
let byId = new Map();
let current = null; // the card shown
let graded = 0; // in this sitting
let undoStack = [];
let progress = srs.load();

const deck = () => deckSelect.value;
const ids = () => cards.map((c) => c.id);
const plural = (n, one, many = `${one}s`) => `${n} ${n === 1 ? one : many}`;

async function loadDeck() {
  const note = deck();
  const url = note ? `/api/flashcards?note=${encodeURIComponent(note)}` : "/api/flashcards";
  status.textContent = "Loading cards…";
  let res;
  try {
    res = await fetch(url, { headers: { Accept: "application/json" } });
  } catch {
    res = null;
  }
  if (!res || !res.ok) {
    status.textContent = "The cards could not be loaded. Reload the page to try again.";
    return;
  }
  cards = await res.json();
  byId = new Map(cards.map((c) => [c.id, c]));
  graded = 0;
  undoStack = [];
  showOptions();
  next();
}

function updateCounts(now) {
  const c = srs.counts(ids(), progress, deck(), now);
  $("count-new").textContent = c.new;
  $("count-learning").textContent = c.learning;
  $("count-review").textContent = c.review;
  const left = c.new + c.learning + c.review;
  status.textContent = `${plural(left, "card")} to study today, of ${plural(cards.length, "card")} in this deck`;
  progressBar.max = Math.max(graded + left, 1);
  progressBar.value = graded;
  progressBar.textContent = `${graded} of ${graded + left}`;
  progressBar.setAttribute("aria-valuetext", `${graded} graded, ${left} left`);
  undoButton.disabled = undoStack.length === 0;
}

// show puts a card on screen, front up, with each grade's next interval.
function show(id, now) {
  current = byId.get(id);
  done.hidden = true;
  study.hidden = false;
  kindLabel.textContent = `${KIND_LABEL[current.kind] || "Card"} · ${current.note_title}`;
  front.innerHTML = current.front_html; // server-rendered, sanitised Markdown
  back.innerHTML = current.back_html;
  backFace.hidden = true;
  card.setAttribute("aria-expanded", "false");
  flip.hidden = false;
  grades.hidden = true;
  const due = srs.preview(progress.cards[id], now, progress.retention);
  for (const [name, at] of Object.entries(due)) {
    const label = grades.querySelector(`[data-grade="${name}"] .when`);
    label.textContent = srs.describeInterval(at - now);
  }
}

function next() {
  const now = Date.now();
  updateCounts(now);
  renderStats(now);
  const pick = srs.nextCard(ids(), progress, deck(), now);
  if (pick.id) {
    show(pick.id, now);
    return;
  }
  current = null;
  study.hidden = true;
  done.hidden = false;
  let text = cards.length ? "No card in this deck is due right now." : "This deck has no cards.";
  if (pick.nextLearning) text += ` A card you are learning comes back in ${srs.describeInterval(pick.nextLearning - now)}.`;
  else if (srs.counts(ids(), { ...progress, log: [] }, deck(), now).new > 0) text += " You have seen today’s new cards; more come tomorrow.";
  $("done-text").textContent = text;
}

function showBack() {
  if (!current || !backFace.hidden) return;
  backFace.hidden = false;
  card.setAttribute("aria-expanded", "true");
  flip.hidden = true;
  grades.hidden = false;
  grades.querySelector('[data-grade="good"]').focus();
}

function grade(name) {
  if (!current || backFace.hidden) return;
  undoStack.push(srs.grade(progress, current.id, srs.GRADES[name], Date.now()));
  srs.save(progress);
  graded++;
  $("undo-status").textContent = "";
  next();
  (study.hidden ? done : card).focus();
}

function undo() {
  const step = undoStack.pop();
  if (!step) return;
  srs.undo(progress, step);
  srs.save(progress);
  graded = Math.max(0, graded - 1);
  const now = Date.now();
  updateCounts(now);
  renderStats(now);
  show(step.id, now); // the undone card comes back, front up
  $("undo-status").textContent = "Last grade undone.";
  card.focus();
}

// ---- Statistics ----

function renderStats(now) {
  const s = srs.stats(ids(), progress, now);
  $("stat-due").textContent = s.dueToday;
  $("stat-new").textContent = s.new;
  $("stat-learning").textContent = s.learning;
  $("stat-young").textContent = s.young;
  $("stat-mature").textContent = s.mature;
  $("stat-retention").textContent = s.retention === null
    ? "no reviews yet"
    : `${Math.round(s.retention * 1000) / 10}% (${s.passed} of ${plural(s.reviewed, "review")} remembered)`;
  drawForecast($("forecast-chart"), $("forecast-rows"), s.forecast, now);
}

// ---- Options ----

function showOptions() {
  const lim = srs.limitsOf(progress, deck());
  $("opt-new").value = lim.newPerDay;
  $("opt-reviews").value = lim.reviewsPerDay;
  $("opt-retention").value = progress.retention;
  const name = deckSelect.selectedOptions[0]?.textContent || "All notes";
  $("options-deck").textContent = `Limits of the deck “${name}”.`;
}

$("options").addEventListener("submit", (e) => {
  e.preventDefault();
  const out = $("options-status");
  const newPerDay = Number($("opt-new").value);
  const reviewsPerDay = Number($("opt-reviews").value);
  const retention = Number($("opt-retention").value);
  if (![newPerDay, reviewsPerDay].every((n) => Number.isInteger(n) && n >= 0 && n <= 9999)) {
    out.textContent = "The limits must be whole numbers from 0 to 9999.";
    return;
  }
  if (!(retention >= 0.7 && retention <= 0.99)) {
    out.textContent = "The desired retention must be between 0.7 and 0.99.";
    return;
  }
  progress.limits[deck()] = { newPerDay, reviewsPerDay };
  progress.retention = retention;
  srs.save(progress);
  out.textContent = "Options saved.";
  next();
});

// ---- Export and import ----

$("export").addEventListener("click", () => {
  const now = Date.now();
  const blob = new Blob([srs.exportText(progress, now)], { type: "application/json" });
  const a = document.createElement("a");
  a.href = URL.createObjectURL(blob);
  a.download = `netstudy-progress-${new Date(now).toISOString().slice(0, 10)}.json`;
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(a.href), 0);
  $("transfer-status").textContent = `Exported ${plural(Object.keys(progress.cards).length, "card")}.`;
});

$("import").addEventListener("change", async (e) => {
  const file = e.target.files[0];
  e.target.value = "";
  if (!file) return;
  const errorBox = $("transfer-error");
  errorBox.hidden = true;
  $("transfer-status").textContent = "";
  try {
    const imported = srs.parseExport(await file.text());
    progress = srs.load(); // another tab may have saved since
    const changed = srs.merge(progress, imported);
    srs.save(progress);
    undoStack = [];
    $("transfer-status").textContent = `Imported ${file.name}: ${plural(changed, "card")} updated, merged with this device’s progress.`;
    showOptions();
    next();
  } catch (err) {
    errorBox.textContent = `${err.message} Nothing was changed.`;
    errorBox.hidden = false;
  }
});

// ---- Events ----

card.addEventListener("click", showBack);
flip.addEventListener("click", showBack);
undoButton.addEventListener("click", undo);
grades.addEventListener("click", (e) => {
  const b = e.target.closest("[data-grade]");
  if (b) grade(b.dataset.grade);
});
document.addEventListener("keydown", (e) => {
  const t = e.target;
  if (t instanceof HTMLSelectElement || t instanceof HTMLInputElement || t instanceof HTMLTextAreaElement) return;
  if (e.altKey || e.ctrlKey || e.metaKey) return;
  if (e.key === "u" || e.key === "U") {
    e.preventDefault();
    undo();
    return;
  }
  if ((e.key === " " || e.key === "Enter") && t instanceof HTMLButtonElement) return; // the button handles it
  if ((e.key === " " || e.key === "Enter") && backFace.hidden && !study.hidden && (t === card || t === document.body)) {
    e.preventDefault();
    showBack();
    return;
  }
  const byKey = { 1: "again", 2: "hard", 3: "good", 4: "easy" }[e.key];
  if (byKey && !backFace.hidden && !study.hidden) {
    e.preventDefault();
    grade(byKey);
  }
});
deckSelect.addEventListener("change", () => {
  const url = new URL(location.href);
  if (deck()) url.searchParams.set("note", deck());
  else url.searchParams.delete("note");
  history.replaceState(null, "", url);
  loadDeck();
});
window.addEventListener("storage", () => {
  progress = srs.load();
  undoStack = [];
  if (cards.length) next();
});

loadDeck();
