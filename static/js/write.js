// Write mode: the definition is shown, the student types the term. Answers
// are checked in the browser with the quizzes' rule (answer.js): right,
// almost (a small typo, which counts, with the spelling shown) or wrong.
// A round is up to ten terms; at its end, the missed ones can be retried.
import { checkAnswer } from "./answer.js";
import { loadTerms, shuffled, watchDeck } from "./terms.js";

const ROUND = 10;
const $ = (id) => document.getElementById(id);
const section = $("write");
const form = $("write-form");
const input = $("write-input");
const verdictBox = $("write-verdict");
const verdictText = $("write-verdict-text");
const status = $("write-status");
const summary = $("write-summary");
const errorBox = $("write-error");
const deckStatus = $("deck-status");

let terms = [];
let round = [];
let pos = 0;
let results = []; // {term, outcome, typed}
let missed = [];

async function start(note) {
  section.hidden = true;
  summary.hidden = true;
  $("write-empty").hidden = true;
  deckStatus.textContent = "Loading terms…";
  try {
    terms = await loadTerms(note);
  } catch (e) {
    deckStatus.textContent = e.message;
    return;
  }
  deckStatus.textContent = `${terms.length} term${terms.length === 1 ? "" : "s"} in this deck`;
  if (!terms.length) {
    $("write-empty").hidden = false;
    return;
  }
  begin(shuffled(terms).slice(0, ROUND), false);
}

function begin(list, moveFocus = true) {
  round = list;
  pos = 0;
  results = [];
  summary.hidden = true;
  section.hidden = false;
  show();
  if (moveFocus) input.focus();
}

function show() {
  const t = round[pos];
  $("write-pos").textContent = `Term ${pos + 1} of ${round.length}`;
  $("write-progress").max = round.length;
  $("write-progress").value = pos;
  $("write-prompt").innerHTML = t.definitionHTML; // rendered and sanitised by the server
  form.reset();
  for (const el of form.elements) el.disabled = false;
  verdictBox.hidden = true;
  errorBox.hidden = true;
  status.textContent = "";
  section.dataset.state = "asking";
}

function judge(typed) {
  const t = round[pos];
  const outcome = typed === null ? "wrong" : checkAnswer(typed, t.term);
  results.push({ term: t, outcome, typed });
  for (const el of form.elements) el.disabled = true;
  verdictBox.dataset.outcome = outcome;
  const text = {
    right: `✓ Right: ${t.term}.`,
    almost: `≈ Almost: mind the spelling, ${t.term}. It counts as right.`,
    wrong: typed === null ? `The term is ${t.term}.` : `✗ Not quite: the term is ${t.term}.`,
  }[outcome];
  verdictText.textContent = text;
  $("write-next").textContent = pos === round.length - 1 ? "See the results" : "Next";
  verdictBox.hidden = false;
  section.dataset.state = "judged";
  status.textContent = text;
  $("write-next").focus();
}

function finish() {
  section.hidden = true;
  const right = results.filter((r) => r.outcome !== "wrong").length;
  const almost = results.filter((r) => r.outcome === "almost").length;
  $("write-score").textContent = `${right} of ${results.length} right${almost ? `, ${almost} of them almost` : ""}.`;
  missed = results.filter((r) => r.outcome === "wrong").map((r) => r.term);
  const list = $("write-missed");
  list.replaceChildren(...results.filter((r) => r.outcome === "wrong").map((r) => {
    const li = document.createElement("li");
    const strong = document.createElement("strong");
    strong.textContent = r.term.term;
    li.append(strong, r.typed === null ? " (skipped)" : ` (you wrote “${r.typed.trim()}”)`);
    return li;
  }));
  $("write-missed-box").hidden = missed.length === 0;
  $("write-retry").hidden = missed.length === 0;
  summary.hidden = false;
  summary.focus();
}

form.addEventListener("submit", (e) => {
  e.preventDefault();
  if (section.dataset.state !== "asking") return;
  if (!input.value.trim()) {
    errorBox.textContent = "Type the term first, or choose “I don’t know”.";
    errorBox.hidden = false;
    input.focus();
    return;
  }
  judge(input.value);
});
$("write-skip").addEventListener("click", () => {
  if (section.dataset.state === "asking") judge(null);
});
$("write-next").addEventListener("click", () => {
  if (pos < round.length - 1) {
    pos++;
    show();
    input.focus();
  } else {
    finish();
  }
});
$("write-retry").addEventListener("click", () => begin(shuffled(missed)));
$("write-restart").addEventListener("click", () => begin(shuffled(terms).slice(0, ROUND)));

start(watchDeck(start));
