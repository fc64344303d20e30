// A practice quiz, self-paced: the server renders every question read-only;
// this module shows one at a time, sends each answer to the server to be
// checked (the page never holds the answer key), shows the verdict, the
// right answer and the explanation, and at the end the score, with a new
// pass over only the questions that were missed.
//
// Keyboard: native inputs and buttons only. Enter checks the answer (also
// from a radio button or a checkbox), focus then moves to the feedback, and
// Tab reaches "Next". Verdicts are announced through a polite live region.

const $ = (id) => document.getElementById(id);
const root = $("practice");
const items = root ? [...root.querySelectorAll(".pq")] : [];

const bar = $("pq-bar");
const passLabel = $("pq-pass");
const progress = $("pq-progress");
const feedback = $("pq-feedback");
const verdict = $("pq-verdict");
const answerLine = $("pq-answer");
const explanation = $("pq-explanation");
const errorBox = $("pq-error");
const status = $("pq-status");
const nextButton = $("pq-next");
const score = $("pq-score");
const scoreText = $("pq-score-text");
const scoreNote = $("pq-score-note");
const retryButton = $("pq-retry");
const restartButton = $("pq-restart");

let pass = []; // the <li> elements of this pass, in order
let pos = 0; // index in pass of the question shown
let retry = false; // is this a pass over missed questions?
let results = new Map(); // qid -> "right" | "wrong" | "poll", for this pass
let busy = false;
let missed = []; // the <li> elements answered wrong in the last finished pass
const reviews = new Map(); // qid -> {said, explanationHTML}: what the feedback showed

const plural = (n, one, many) => `${n} ${n === 1 ? one : many}`;
const listOf = (words) => (words.length < 2 ? words.join("") : `${words.slice(0, -1).join(", ")} and ${words.at(-1)}`);

function resetQuestion(li) {
  const form = li.querySelector("form");
  form.reset();
  li.querySelector("fieldset").disabled = false;
  li.querySelector(".pq-check").hidden = false;
  li.classList.remove("is-answered");
  for (const label of li.querySelectorAll(".pq-choice")) {
    label.classList.remove("is-right", "is-wrong", "is-chosen");
    label.querySelector(".pq-mark").textContent = "";
  }
  const text = li.querySelector(".pq-text");
  if (text) {
    text.removeAttribute("aria-invalid");
    li.classList.remove("text-right", "text-wrong");
  }
}

// startPass begins a pass over list. Focus moves to the first question
// only when the student asked for the pass: on page load it stays put.
function startPass(list, isRetry, moveFocus = true) {
  pass = list;
  pos = 0;
  retry = isRetry;
  results = new Map();
  score.hidden = true;
  for (const li of items) li.hidden = true;
  for (const li of pass) resetQuestion(li);
  show(moveFocus);
}

function updateProgress() {
  const answered = results.size;
  progress.max = Math.max(pass.length, 1);
  progress.value = answered;
  progress.textContent = `${answered} of ${pass.length}`;
  progress.setAttribute("aria-valuetext", `${answered} of ${pass.length} answered`);
  passLabel.textContent = retry
    ? `Retrying the ones you missed: ${answered} of ${pass.length} answered`
    : `${answered} of ${pass.length} answered`;
}

function show(moveFocus = true) {
  hideFeedback();
  updateProgress();
  const li = pass[pos];
  for (const other of items) other.hidden = other !== li;
  li.querySelector(".pq-pos").textContent = retry
    ? `Retry ${pos + 1} of ${pass.length}`
    : `Question ${pos + 1} of ${pass.length}`;
  // The prompt first, so a screen reader reads the question before the
  // choices; Tab then reaches the first input.
  if (moveFocus) li.querySelector(".pq-prompt").focus();
}

function hideFeedback() {
  status.textContent = ""; // so that the same verdict twice in a row is announced twice
  feedback.hidden = true;
  nextButton.hidden = true;
  errorBox.hidden = true;
  errorBox.textContent = "";
  answerLine.hidden = true;
  explanation.hidden = true;
  explanation.innerHTML = "";
}

function showError(message, focusEl) {
  errorBox.textContent = message;
  errorBox.hidden = false;
  if (focusEl) focusEl.focus();
}

// answerOf reads the form of a question: {answer}, or {error, focus} when
// nothing was given (checked here, so no request is sent only to be refused).
function answerOf(li) {
  const text = li.querySelector(".pq-text");
  if (text) {
    if (!text.value.trim()) return { error: "Type an answer first.", focus: text };
    return { answer: { text: text.value } };
  }
  const choices = [...li.querySelectorAll('input[name="choice"]:checked')].map((i) => i.value);
  if (choices.length === 0) {
    return { error: li.dataset.kind === "multiple" ? "Select at least one answer first." : "Choose an answer first.",
      focus: li.querySelector('input[name="choice"]') };
  }
  return { answer: { choices } };
}

async function check(li) {
  if (busy || li.classList.contains("is-answered")) return;
  const { answer, error, focus } = answerOf(li);
  if (error) {
    showError(error, focus);
    return;
  }
  busy = true;
  errorBox.hidden = true;
  let res;
  try {
    res = await fetch(`/api/quizzes/${encodeURIComponent(root.dataset.quiz)}/check`, {
      method: "POST",
      headers: { "Content-Type": "application/json", Accept: "application/json" },
      body: JSON.stringify({ question_id: li.dataset.qid, ...answer }),
    });
  } catch {
    busy = false;
    showError("The server could not be reached. Check the connection and press Check answer again.");
    return;
  }
  busy = false;
  let body = {};
  try { body = await res.json(); } catch { /* an error page: the status says enough */ }
  if (!res.ok) {
    showError(res.status === 404
      ? "This quiz has changed since the page was opened. Reload the page to get the new version."
      : body.error || "The answer could not be checked. Try again.");
    return;
  }
  reveal(li, answer, body);
}

// reveal marks the question answered and shows the verdict, the right
// answer and the explanation, then moves focus to the feedback.
function reveal(li, answer, r) {
  const outcome = r.poll ? "poll" : r.correct ? "right" : "wrong";
  results.set(li.dataset.qid, outcome);
  li.classList.add("is-answered");
  li.querySelector(".pq-check").hidden = true;
  li.querySelector("fieldset").disabled = true;

  const right = new Set(r.correct_choices || []);
  const chosen = new Set(answer.choices || []);
  for (const label of li.querySelectorAll(".pq-choice")) {
    const id = label.dataset.choice;
    const mark = label.querySelector(".pq-mark");
    label.classList.toggle("is-chosen", chosen.has(id));
    if (r.poll) {
      mark.textContent = chosen.has(id) ? "Your answer" : "";
    } else if (right.has(id)) {
      label.classList.add("is-right");
      mark.textContent = chosen.has(id) ? "✓ Your answer: right" : "✓ Right answer";
    } else if (chosen.has(id)) {
      label.classList.add("is-wrong");
      mark.textContent = "✗ Your answer: wrong";
    }
  }
  const text = li.querySelector(".pq-text");
  if (text) li.classList.add(outcome === "right" ? "text-right" : "text-wrong");

  feedback.dataset.outcome = outcome;
  if (outcome === "poll") {
    verdict.textContent = "Thanks! A poll has no wrong answer.";
  } else if (outcome === "right") {
    verdict.innerHTML = '<span class="pq-icon" aria-hidden="true">✓</span> <strong>Right!</strong>';
  } else {
    verdict.innerHTML = '<span class="pq-icon" aria-hidden="true">✗</span> <strong>Not quite.</strong>';
  }
  let said = "";
  if (text && outcome === "wrong" && r.accepted && r.accepted.length) {
    said = r.accepted.length === 1 ? `The answer is ${r.accepted[0]}` : `Accepted answers: ${r.accepted.join(", ")}`;
  } else if (!text && outcome === "wrong") {
    const names = [...li.querySelectorAll(".pq-choice.is-right .pq-choice-text")].map((e) => e.textContent.trim());
    said = `${names.length === 1 ? "The right answer is" : "The right answers are"} ${listOf(names)}`;
  }
  reviews.set(li.dataset.qid, { said, explanationHTML: r.explanation_html || "" });
  answerLine.textContent = said ? `${said}.` : "";
  answerLine.hidden = !said;
  if (r.explanation_html) {
    explanation.innerHTML = r.explanation_html; // rendered and sanitised by the server
    explanation.hidden = false;
  }
  const last = pos === pass.length - 1;
  nextButton.textContent = last ? "See your score" : "Next question";
  nextButton.hidden = false;
  feedback.hidden = false;
  updateProgress();
  const spoken = outcome === "poll" ? "Thanks, answer noted." : outcome === "right" ? "Right!" : "Not quite.";
  status.textContent = said ? `${spoken} ${said}.` : spoken;
  feedback.focus();
}

function next() {
  if (pos < pass.length - 1) {
    pos++;
    show();
  } else {
    finish();
  }
}

function finish() {
  hideFeedback();
  for (const li of items) li.hidden = true;
  const outcomes = pass.map((li) => results.get(li.dataset.qid));
  const scored = outcomes.filter((o) => o !== "poll").length;
  const right = outcomes.filter((o) => o === "right").length;
  missed = pass.filter((li) => results.get(li.dataset.qid) === "wrong");
  progress.value = progress.max;
  passLabel.textContent = "Finished";
  const pct = scored ? Math.round((100 * right) / scored) : 0;
  scoreText.textContent = scored
    ? `${right} of ${scored} right (${pct}%)${retry ? " on this retry" : ""}.`
    : "Thanks for answering!";
  const polls = outcomes.length - scored;
  const notes = [];
  if (polls) notes.push(`${plural(polls, "poll is", "polls are")} not scored.`);
  if (scored && !missed.length) notes.push("You got every question right.");
  scoreNote.textContent = notes.join(" ");
  showMissed();
  retryButton.hidden = missed.length === 0;
  retryButton.textContent = `Retry the ${missed.length === 1 ? "one" : missed.length} I missed`;
  score.hidden = false;
  status.textContent = `Finished. ${scoreText.textContent}`;
  score.focus();
}

// showMissed lists the questions missed in the pass, each with its right
// answer and explanation, so the score page doubles as a revision sheet.
function showMissed() {
  const box = $("pq-missed-box");
  const list = $("pq-missed");
  list.replaceChildren(...missed.map((li) => {
    const item = document.createElement("li");
    item.className = "pq-missed-item";
    const prompt = document.createElement("div");
    prompt.className = "pq-missed-prompt prose";
    prompt.innerHTML = li.querySelector(".pq-prompt-body").innerHTML; // the server's sanitised HTML
    item.append(prompt);
    const { said, explanationHTML } = reviews.get(li.dataset.qid) || {};
    if (said) {
      const p = document.createElement("p");
      p.className = "pq-missed-answer";
      p.textContent = `${said}.`;
      item.append(p);
    }
    if (explanationHTML) {
      const ex = document.createElement("div");
      ex.className = "pq-missed-explanation prose";
      ex.innerHTML = explanationHTML; // rendered and sanitised by the server
      item.append(ex);
    }
    return item;
  }));
  box.hidden = missed.length === 0;
}

if (root && items.length) {
  for (const li of items) {
    const form = li.querySelector("form");
    form.addEventListener("submit", (e) => {
      e.preventDefault();
      check(li);
    });
    // Enter on a radio button or a checkbox checks the answer too; a text
    // input submits its form natively.
    form.addEventListener("keydown", (e) => {
      if (e.key === "Enter" && e.target instanceof HTMLInputElement && e.target.name === "choice") {
        e.preventDefault();
        form.requestSubmit();
      }
    });
  }
  nextButton.addEventListener("click", next);
  retryButton.addEventListener("click", () => startPass(missed, true));
  restartButton.addEventListener("click", () => startPass(items, false));
  bar.hidden = false;
  root.classList.add("is-interactive"); // the page is ready to answer (tests wait on it)
  startPass(items, false, false);
}
