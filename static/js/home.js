import { attachFilter } from "./filter.js";
import { countsFromTotals, load } from "./srs.js";

const input = document.getElementById("note-search");
const list = document.getElementById("note-list");
if (input && list) {
  attachFilter(input, [...list.querySelectorAll(".note-card")], (el) => el.dataset.search || el.textContent, {
    status: document.getElementById("note-search-status"),
    empty: document.getElementById("no-match"),
    noun: "notes",
  });
}

// How many flashcards wait for study today, from this browser's own
// schedule and the number of cards in each deck (a few hundred bytes, not
// the cards themselves): the same figure as the flashcards page's "All
// notes" deck, new cards within today's limit included.
async function showDue() {
  const box = document.getElementById("due-cards");
  if (!box) return;
  let res;
  try {
    res = await fetch("/api/flashcards/counts", { headers: { Accept: "application/json" } });
  } catch {
    return;
  }
  if (!res.ok) return;
  const { decks } = await res.json();
  const c = countsFromTotals(decks, load(), Date.now());
  const due = c.new + c.learning + c.review;
  document.getElementById("due-count").textContent = String(due);
  document.getElementById("due-noun").textContent = due === 1 ? "flashcard" : "flashcards";
  box.hidden = false;
}
showDue();
