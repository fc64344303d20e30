// The search box in every page's header: results as you type, drawn from
// GET /api/search, as a combobox with a list box of results (the ARIA 1.2
// pattern). Without this script the box is a plain form that opens the
// /search page.

const form = document.getElementById("site-search");
const input = document.getElementById("site-search-q");
const list = document.getElementById("site-search-results");
const status = document.getElementById("site-search-status");

// Typing pauses this long before a search goes out, so a fast typist sends
// one request per word, not one per key.
const DEBOUNCE_MS = 120;

/** Whether a key press is typing into something, where "/" is a character. */
function isTyping(target) {
  if (!(target instanceof Element)) return false;
  return target.isContentEditable || target.closest("input, textarea, select, [contenteditable]") !== null;
}

/**
 * Builds the snippet from the server's HTML keeping only text and <mark>:
 * the server escapes it already, and this keeps any other markup out even
 * if that ever failed.
 */
function snippetNodes(html) {
  const tpl = document.createElement("template");
  tpl.innerHTML = html;
  const out = document.createDocumentFragment();
  for (const n of tpl.content.childNodes) {
    if (n.nodeName === "MARK") {
      const m = document.createElement("mark");
      m.textContent = n.textContent;
      out.append(m);
    } else {
      out.append(document.createTextNode(n.textContent));
    }
  }
  return out;
}

if (form && input && list) {
  input.setAttribute("role", "combobox");
  input.setAttribute("aria-autocomplete", "list");
  input.setAttribute("aria-controls", list.id);
  input.setAttribute("aria-expanded", "false");
  document.getElementById("site-search-hint").textContent =
    "Results appear as you type: arrow keys move through them, Enter opens one, Escape closes them. Press slash to come back here from anywhere.";

  let results = [];
  let active = -1;
  let timer = 0;
  let inflight = null;
  let shownFor = null; // the query the list shows

  const options = () => [...list.querySelectorAll('[role="option"]')];

  const setActive = (i) => {
    const opts = options();
    active = i;
    opts.forEach((o, k) => o.setAttribute("aria-selected", String(k === i)));
    if (i >= 0 && opts[i]) {
      input.setAttribute("aria-activedescendant", opts[i].id);
      opts[i].scrollIntoView({ block: "nearest" });
    } else {
      input.removeAttribute("aria-activedescendant");
    }
  };

  const close = () => {
    list.hidden = true;
    input.setAttribute("aria-expanded", "false");
    setActive(-1);
  };

  const open = () => {
    if (!list.hidden || list.childElementCount === 0) return;
    list.hidden = false;
    input.setAttribute("aria-expanded", "true");
  };

  const go = (i) => {
    const r = results[i];
    if (r) window.location.assign(r.url);
  };

  const draw = (q, found) => {
    results = found;
    shownFor = q;
    list.replaceChildren();
    found.forEach((r, i) => {
      const opt = document.createElement("div");
      opt.id = `site-search-option-${i}`;
      opt.className = "site-search-option";
      opt.setAttribute("role", "option");
      opt.setAttribute("aria-selected", "false");
      const head = document.createElement("span");
      head.className = "site-search-heading";
      head.textContent = r.heading;
      opt.append(head);
      if (r.heading !== r.title) {
        const note = document.createElement("span");
        note.className = "site-search-note";
        note.textContent = r.title;
        opt.append(" ", note);
      }
      const snip = document.createElement("span");
      snip.className = "site-search-snippet";
      snip.append(snippetNodes(r.snippet_html));
      opt.append(snip);
      opt.addEventListener("click", () => go(i));
      list.append(opt);
    });
    if (found.length === 0 && q) {
      const none = document.createElement("p");
      none.className = "site-search-none";
      none.textContent = `Nothing in the notes matches “${q}”.`;
      list.append(none);
    }
    status.textContent = q ? (found.length === 1 ? "1 result" : `${found.length} results`) : "";
    setActive(-1);
    if (q) {
      list.hidden = true; // reopened at once, so the expanded state is set in one place
      open();
    } else {
      close();
    }
  };

  const run = async () => {
    const q = input.value.trim() ? input.value : "";
    if (q === shownFor) {
      open();
      return;
    }
    if (inflight) inflight.abort();
    if (!q) {
      draw("", []);
      return;
    }
    const ctl = new AbortController();
    inflight = ctl;
    try {
      const res = await fetch(`/api/search?q=${encodeURIComponent(q)}`, {
        signal: ctl.signal,
        headers: { Accept: "application/json" },
      });
      const body = await res.json();
      if (!res.ok) {
        draw(q, []);
        status.textContent = body.error || "The search failed.";
        return;
      }
      draw(q, body.results || []);
    } catch (err) {
      if (err.name !== "AbortError") status.textContent = "The search failed; press Enter to try the results page.";
    } finally {
      if (inflight === ctl) inflight = null;
    }
  };

  input.addEventListener("input", () => {
    clearTimeout(timer);
    timer = setTimeout(run, DEBOUNCE_MS);
  });
  input.addEventListener("focus", () => {
    if (input.value.trim() && shownFor === input.value) open();
  });

  input.addEventListener("keydown", (e) => {
    const n = options().length;
    switch (e.key) {
      case "ArrowDown":
        e.preventDefault();
        if (list.hidden) { open(); return; }
        if (n) setActive(active + 1 >= n ? 0 : active + 1);
        break;
      case "ArrowUp":
        e.preventDefault();
        if (list.hidden) { open(); return; }
        if (n) setActive(active <= 0 ? n - 1 : active - 1);
        break;
      case "Enter":
        if (!list.hidden && active >= 0) {
          e.preventDefault();
          go(active);
        } // else the form goes to the results page
        break;
      case "Escape":
        if (!list.hidden) {
          e.preventDefault();
          close();
        } else if (input.value) {
          e.preventDefault();
          input.value = "";
          draw("", []);
        }
        break;
    }
  });

  // A click on a result must not blur the box first, or the list would
  // close under the pointer.
  list.addEventListener("mousedown", (e) => e.preventDefault());
  form.addEventListener("focusout", (e) => {
    if (!form.contains(e.relatedTarget)) close();
  });
  document.addEventListener("click", (e) => {
    if (!form.contains(e.target)) close();
  });

  document.addEventListener("keydown", (e) => {
    if (e.key !== "/" || e.ctrlKey || e.metaKey || e.altKey || isTyping(e.target)) return;
    e.preventDefault();
    input.focus();
    input.select();
  });
}
