// Behaviour shared by every page: the theme toggle.
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
  button.hidden = false;
  show();
  button.addEventListener("click", () => {
    const next = isDark() ? "light" : "dark";
    root.dataset.theme = next;
    try { localStorage.setItem("netstudy.theme", next); } catch { /* not saved: still applied */ }
    show();
  });
  window.matchMedia("(prefers-color-scheme: dark)").addEventListener("change", show);
}
