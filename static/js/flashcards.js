// The flashcards page: picks the cards that are due, shows one at a time,
// flips it on click, tap or Space, and schedules it with SM-2 from the
// student's own grade. All state stays in this browser's localStorage.
import { GRADES, DAY_MS, isDue, load, newCard, review, save } from "./srs.js";

const $ = (id) => document.getElementById(id);
const deckSelect = $("deck");
const status = $("deck-status");
const progress = $("progress");
const study = $("study");
const card = $("card");
const front = $("front");
const back = $("back");
const backFace = $("back-face");
const kindLabel = $("card-kind");
const flip = $("flip");
const grades = $("grades");
const done = $("done");

const KIND_LABEL = { qa: "Question", term: "Term", definition: "Definition" };
let queue = [];
let reviewed = 0;
let total = 0;
let current = null;
let states = load();

function describeInterval(days) {
  if (days < 1) return "today";
  if (days === 1) return "1 day";
  if (days < 31) return `${days} days`;
  const months = Math.round(days / 30);
  return months === 1 ? "1 month" : `${months} months`;
}

async function loadDeck() {
  const note = deckSelect.value;
  const url = note ? `/api/flashcards?note=${encodeURIComponent(note)}` : "/api/flashcards";
  status.textContent = "Loading cards…";
  const res = await fetch(url, { headers: { Accept: "application/json" } });
  if (!res.ok) {
    status.textContent = "The cards could not be loaded. Reload the page to try again.";
    return;
  }
  const cards = await res.json();
  const now = Date.now();
  queue = cards.filter((c) => isDue(states[c.id], now));
  total = queue.length;
  reviewed = 0;
  status.textContent = `${total} of ${cards.length} card${cards.length === 1 ? "" : "s"} due`;
  next();
}

function updateProgress() {
  progress.max = Math.max(total, 1);
  progress.value = reviewed;
  progress.textContent = `${reviewed} of ${total}`;
  progress.setAttribute("aria-valuetext", `${reviewed} of ${total} reviewed`);
}

function next() {
  updateProgress();
  current = queue.shift() || null;
  if (!current) {
    study.hidden = true;
    done.hidden = false;
    const upcoming = Object.values(states).map((s) => s.due).filter((d) => d > Date.now()).sort((a, b) => a - b)[0];
    $("next-due").textContent = upcoming
      ? `The next card is due in ${describeInterval(Math.ceil((upcoming - Date.now()) / DAY_MS))}.`
      : "";
    return;
  }
  done.hidden = true;
  study.hidden = false;
  kindLabel.textContent = `${KIND_LABEL[current.kind] || "Card"} · ${current.note_title}`;
  front.innerHTML = current.front_html; // server-rendered, sanitised Markdown
  back.innerHTML = current.back_html;
  backFace.hidden = true;
  card.setAttribute("aria-expanded", "false");
  flip.hidden = false;
  grades.hidden = true;
  const state = states[current.id] || newCard();
  for (const [name, q] of Object.entries(GRADES)) {
    const preview = review(state, q, Date.now());
    const label = grades.querySelector(`[data-grade="${name}"] .when`);
    if (label) label.textContent = q < 3 ? "again now" : describeInterval(preview.interval);
  }
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
  const q = GRADES[name];
  states[current.id] = review(states[current.id] || newCard(), q, Date.now());
  save(states);
  if (q < 3) {
    queue.push(current); // a forgotten card comes back later in this sitting
  } else {
    reviewed++;
  }
  next();
  card.focus();
}

card.addEventListener("click", showBack);
flip.addEventListener("click", showBack);
grades.addEventListener("click", (e) => {
  const b = e.target.closest("[data-grade]");
  if (b) grade(b.dataset.grade);
});
document.addEventListener("keydown", (e) => {
  if (e.target instanceof HTMLSelectElement || e.altKey || e.ctrlKey || e.metaKey) return;
  if ((e.key === " " || e.key === "Enter") && !backFace.hidden) {
    if (e.target instanceof HTMLButtonElement) return; // the focused button handles it
  }
  if (e.key === " " && backFace.hidden && !study.hidden) {
    e.preventDefault();
    showBack();
    return;
  }
  const byKey = { 1: "again", 2: "hard", 3: "good", 4: "easy" }[e.key];
  if (byKey && !backFace.hidden) {
    e.preventDefault();
    grade(byKey);
  }
});
deckSelect.addEventListener("change", () => {
  const url = new URL(location.href);
  if (deckSelect.value) url.searchParams.set("note", deckSelect.value);
  else url.searchParams.delete("note");
  history.replaceState(null, "", url);
  loadDeck();
});
window.addEventListener("storage", () => { states = load(); });

loadDeck();
