// A note page's two behaviours. Without JavaScript the note shows
// everything and glossary terms are plain links to the glossary.
//
// 1. Self-test: the server wraps each question's answer in a div.answer
//    (data-answer-for names the question's id, whatever the question's
//    shape: heading, list item, bold line). Each answer hides behind a
//    "Show answer" button; open questions have no answer and no button.
// 2. Glossary terms on a touch screen, which has no hover: the first tap
//    on a term shows its definition in place, under the line; a second tap
//    follows the link to the glossary. Escape or a tap elsewhere closes it.

const content = document.getElementById("note-content");
const toggle = document.getElementById("hide-answers");

const questions = [];
if (content) {
  const answers = new Map();
  content.querySelectorAll(".answer[data-answer-for]").forEach((el) => {
    if (!answers.has(el.dataset.answerFor)) answers.set(el.dataset.answerFor, el);
  });
  const ids = (content.dataset.questions || "").split(" ").filter(Boolean);
  ids.forEach((id) => {
    const answer = answers.get(id);
    if (!answer) {
      // An open question: say so, in words, where the button would be.
      const asked = document.getElementById(id);
      if (asked && content.contains(asked)) {
        const note = document.createElement("p");
        note.className = "open-question";
        note.textContent = "No answer written yet.";
        if (asked.tagName === "LI") asked.append(note);
        else asked.after(note);
      }
      return;
    }
    answer.id = `answer-${questions.length + 1}`;
    const button = document.createElement("button");
    button.type = "button";
    button.className = "reveal";
    button.setAttribute("aria-controls", answer.id);
    answer.before(button);
    const q = { button, answer, set(open) {
      answer.hidden = !open;
      button.setAttribute("aria-expanded", String(open));
      button.textContent = open ? "Hide answer" : "Show answer";
    } };
    button.addEventListener("click", () => {
      const open = answer.hidden;
      q.set(open);
      if (open) answer.setAttribute("tabindex", "-1"), answer.focus({ preventScroll: true });
    });
    questions.push(q);
  });
}

function applyToggle() {
  const hide = toggle.checked;
  questions.forEach((q) => {
    q.button.hidden = !hide;
    q.set(!hide);
  });
}

if (toggle && questions.length) {
  toggle.addEventListener("change", applyToggle);
  applyToggle();
}
// The answers have their buttons now: the room CSS kept for each button
// until then is no longer needed.
if (content) content.classList.add("selftest-ready");

// Glossary terms shown in place on touch screens.
const noHover = window.matchMedia("(hover: none)");

function closeTerms(except) {
  document.querySelectorAll(".gloss-wrap.open").forEach((wrap) => {
    if (wrap === except) return;
    wrap.classList.remove("open");
    wrap.querySelector("a.gloss")?.setAttribute("aria-expanded", "false");
  });
}

if (content) {
  content.addEventListener("click", (event) => {
    const link = event.target.closest("a.gloss");
    if (!link || !noHover.matches) return;
    const wrap = link.parentElement;
    if (wrap.classList.contains("open")) return; // the second tap follows the link
    event.preventDefault();
    closeTerms(wrap);
    wrap.classList.add("open");
    link.setAttribute("aria-expanded", "true");
  });
  document.addEventListener("click", (event) => {
    if (!event.target.closest(".gloss-wrap")) closeTerms(null);
  });
  document.addEventListener("keydown", (event) => {
    if (event.key === "Escape") closeTerms(null);
  });
}
