import { attachFilter } from "./filter.js";
import { countDue, load } from "./srs.js";

const input = document.getElementById("note-search");
const list = document.getElementById("note-list");
if (input && list) {
  attachFilter(input, [...list.querySelectorAll(".note-card")], (el) => el.dataset.search || el.textContent, {
    status: document.getElementById("note-search-status"),
    empty: document.getElementById("no-match"),
    noun: "notes",
  });
}

// How many flashcards wait for review, from this browser's own schedule.
async function showDue() {
  const box = document.getElementById("due-cards");
  if (!box) return;
  const res = await fetch("/api/flashcards", { headers: { Accept: "application/json" } });
  if (!res.ok) return;
  const cards = await res.json();
  const due = countDue(cards.map((c) => c.id), load(), Date.now());
  document.getElementById("due-count").textContent = String(due);
  document.getElementById("due-noun").textContent = due === 1 ? "flashcard" : "flashcards";
  box.hidden = false;
}
showDue();
