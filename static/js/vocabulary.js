import { attachFilter } from "./filter.js";

// The glossary filter looks at a term and its definitions only: the names
// of the notes that define a term are links, not what the term means, and
// matching them made "sock" find every term of the WebSockets note.
const input = document.getElementById("term-filter");
const glossary = document.getElementById("glossary");
if (input && glossary) {
  const groups = [...glossary.querySelectorAll(".letter-group")];
  const letterLinks = new Map(
    [...document.querySelectorAll(".letters a")].map((a) => [decodeURIComponent(a.hash.slice(1)), a.parentElement]),
  );
  const parts = (el) => [el.querySelector("dt"), ...el.querySelectorAll(".definition")];
  attachFilter(input, [...glossary.querySelectorAll(".glossary-entry")], (el) => parts(el).map((p) => p.textContent).join(" "), {
    status: document.getElementById("term-filter-status"),
    empty: document.getElementById("no-term"),
    noun: "terms",
    marked: parts,
    // A letter with no visible term would only be noise, in the list and
    // in the A to Z bar.
    onChange: () => groups.forEach((g) => {
      g.hidden = !g.querySelector(".glossary-entry:not([hidden])");
      const li = letterLinks.get(g.querySelector(".letter").id);
      if (li) li.hidden = g.hidden;
    }),
  });
}
