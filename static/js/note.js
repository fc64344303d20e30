// Turns each question of a note into a self-test: its answer stays hidden
// behind a "Show answer" button until the student has thought about it.
// Without JavaScript the note simply shows everything.

const content = document.getElementById("note-content");
const toggle = document.getElementById("hide-answers");

function headingLevel(el) {
  const m = /^H([1-6])$/.exec(el.tagName);
  return m ? Number(m[1]) : 0;
}

const questions = [];
if (content) {
  const ids = (content.dataset.questions || "").split(" ").filter(Boolean);
  ids.forEach((id, i) => {
    const heading = document.getElementById(id);
    if (!heading || !content.contains(heading)) return;
    const level = headingLevel(heading);
    const answer = document.createElement("div");
    answer.className = "answer";
    answer.id = `answer-${i + 1}`;
    let next = heading.nextElementSibling;
    while (next && !(headingLevel(next) && headingLevel(next) <= level)) {
      const move = next;
      next = next.nextElementSibling;
      answer.appendChild(move);
    }
    const button = document.createElement("button");
    button.type = "button";
    button.className = "reveal";
    button.setAttribute("aria-controls", answer.id);
    heading.after(button, answer);
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
