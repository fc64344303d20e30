// Behaviour shared by every page: the theme toggle, and keyboard access
// to boxes that scroll sideways.
const root = document.documentElement;
const button = document.getElementById("theme-toggle");

function systemDark() {
  return window.matchMedia("(prefers-color-scheme: dark)").matches;
}

function isDark() {
  const t = root.dataset.theme;
  return t ? t === "dark" : systemDark();
}

function show() {
  const dark = isDark();
  button.setAttribute("aria-pressed", String(dark));
  button.querySelector(".theme-label").textContent = "Dark theme";
}

if (button) {
  button.classList.add("ready");
  show();
  button.addEventListener("click", () => {
    const next = isDark() ? "light" : "dark";
    root.dataset.theme = next;
    try { localStorage.setItem("netstudy.theme", next); } catch { /* not saved: still applied */ }
    show();
  });
  window.matchMedia("(prefers-color-scheme: dark)").addEventListener("change", show);
}

// A code block or table wider than its column scrolls sideways in its own
// box; one that does is made focusable, so that it can be scrolled from
// the keyboard too (WCAG 2.1.1). Watched, because a hidden answer shown
// later, or a phone turned, changes which ones do; and the live pages
// draw questions with code blocks long after the page has loaded.
const SCROLLERS = ".prose pre, .prose table, .q-prompt pre, .p-prompt pre, .round-prompt pre";
if ("ResizeObserver" in window) {
  const mark = (el) => {
    if (el.scrollWidth > el.clientWidth + 1) el.tabIndex = 0;
    else el.removeAttribute("tabindex");
  };
  const watch = new ResizeObserver((entries) => entries.forEach((e) => mark(e.target)));
  const watchWithin = (root) => root.querySelectorAll(SCROLLERS).forEach((el) => watch.observe(el));
  watchWithin(document);
  new MutationObserver((records) => {
    for (const r of records) {
      for (const n of r.addedNodes) {
        if (n.nodeType !== Node.ELEMENT_NODE) continue;
        if (n.matches(SCROLLERS)) watch.observe(n);
        watchWithin(n);
      }
    }
  }).observe(document.body, { childList: true, subtree: true });
}
