// Loads the terms of a deck for the Write and Match modes: the term
// flashcards of the chosen note (or of all notes), as {id, term,
// definitionHTML}, and keeps the deck picker and the URL in step.
const $ = (id) => document.getElementById(id);

/** The plain text of server-rendered HTML (the term is escaped text). */
function textOf(html) {
  const t = document.createElement("template");
  t.innerHTML = html;
  return t.content.textContent.trim();
}

/** Fetches the deck's terms; throws an Error with a message to show. */
export async function loadTerms(note) {
  const url = note ? `/api/flashcards?note=${encodeURIComponent(note)}` : "/api/flashcards";
  let res;
  try {
    res = await fetch(url, { headers: { Accept: "application/json" } });
  } catch {
    throw new Error("The server could not be reached. Check the connection and reload the page.");
  }
  if (!res.ok) throw new Error("The terms could not be loaded. Reload the page to try again.");
  const cards = await res.json();
  return cards.filter((c) => c.kind === "term").map((c) => ({ id: c.id, term: textOf(c.front_html), definitionHTML: c.back_html }));
}

/** Shuffles a copy of list (Fisher–Yates). */
export function shuffled(list) {
  const a = [...list];
  for (let i = a.length - 1; i > 0; i--) {
    const j = Math.floor(Math.random() * (i + 1));
    [a[i], a[j]] = [a[j], a[i]];
  }
  return a;
}

/** Calls onChange(note) when the deck picker changes, after updating the URL. */
export function watchDeck(onChange) {
  const select = $("deck");
  select.addEventListener("change", () => {
    const url = new URL(location.href);
    if (select.value) url.searchParams.set("note", select.value);
    else url.searchParams.delete("note");
    history.replaceState(null, "", url);
    for (const a of document.querySelectorAll(".study-modes a")) {
      const link = new URL(a.href);
      if (select.value) link.searchParams.set("note", select.value);
      else link.searchParams.delete("note");
      a.href = link.pathname + link.search;
    }
    onChange(select.value);
  });
  return select.value;
}
