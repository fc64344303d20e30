import { attachFilter } from "./filter.js";

const input = document.getElementById("term-filter");
const glossary = document.getElementById("glossary");
if (input && glossary) {
  const groups = [...glossary.querySelectorAll(".letter-group")];
  attachFilter(input, [...glossary.querySelectorAll(".glossary-entry")], (el) => el.textContent, {
    status: document.getElementById("term-filter-status"),
    empty: document.getElementById("no-term"),
    noun: "terms",
    // A letter heading with no visible term would only be noise.
    onChange: () => groups.forEach((g) => {
      g.hidden = !g.querySelector(".glossary-entry:not([hidden])");
    }),
  });
}
