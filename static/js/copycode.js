// A "Copy" button on every code block of the page. Without JavaScript the
// blocks are as they were; the stylesheet reserves the strip the button
// sits in while this script is on its way, so nothing moves when it comes.
//
// The clipboard API exists only in secure contexts: a class reaching the
// server at http://192.168.x.y has none. There the button selects the
// code instead and says to press Ctrl+C, which works everywhere.

const blocks = document.querySelectorAll(".prose pre, .format-help pre");

if (blocks.length) {
  // One polite live region for the page: screen readers hear "Copied"
  // without the focus leaving the button.
  const status = document.createElement("p");
  status.id = "copy-status";
  status.className = "visually-hidden";
  status.setAttribute("role", "status");
  document.body.append(status);

  blocks.forEach((pre, i) => {
    const wrap = document.createElement("div");
    wrap.className = "code-block";
    pre.before(wrap);
    wrap.append(pre);

    const button = document.createElement("button");
    button.type = "button";
    button.className = "copy-code";
    button.textContent = "Copy";
    // Several blocks on a page: each button's name says which one.
    button.setAttribute("aria-label", blocks.length > 1 ? `Copy code block ${i + 1}` : "Copy code");
    wrap.append(button);
    button.addEventListener("click", () => copy(pre, button, status));
  });
}

let resetTimer = 0;

async function copy(pre, button, status) {
  const text = (pre.querySelector("code") || pre).textContent.replace(/\n$/, "");
  if (navigator.clipboard && window.isSecureContext) {
    try {
      await navigator.clipboard.writeText(text);
      say(button, status, "Copied", "Copied to the clipboard.");
      return;
    } catch {
      // Permission refused: fall through to selecting the text.
    }
  }
  selectCode(pre);
  say(button, status, "Selected", "Code selected: press Ctrl+C (⌘C on a Mac) to copy it.");
}

function selectCode(pre) {
  const range = document.createRange();
  range.selectNodeContents(pre.querySelector("code") || pre);
  const selection = window.getSelection();
  selection.removeAllRanges();
  selection.addRange(range);
}

// say shows the outcome on the button for a moment and announces it. The
// message is cleared first so that a second copy is announced again.
function say(button, status, label, message) {
  document.querySelectorAll(".copy-code[data-state]").forEach((b) => {
    b.textContent = "Copy";
    delete b.dataset.state;
  });
  button.textContent = label;
  button.dataset.state = label.toLowerCase();
  status.textContent = "";
  requestAnimationFrame(() => { status.textContent = message; });
  clearTimeout(resetTimer);
  resetTimer = setTimeout(() => {
    button.textContent = "Copy";
    delete button.dataset.state;
  }, 2500);
}
