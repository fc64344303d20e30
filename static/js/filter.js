// A filter-as-you-type over a list: items whose search text contains every
// word typed stay visible; a live region says how many match; and, where
// asked, the words are marked in the visible items.

/** Folds case and accents so "reseau" finds "réseau". */
export function fold(s) {
  return s.normalize("NFD").replace(/[\u0300-\u036f]/g, "").toLowerCase();
}

/**
 * Folds s one character at a time, remembering where each folded
 * character came from, so that a match found in the folded text can be
 * marked in the original.
 * @returns {{text: string, from: number[]}}
 */
function foldWithMap(s) {
  let text = "";
  const from = [];
  for (let i = 0; i < s.length; ) {
    const cp = s.codePointAt(i);
    const ch = String.fromCodePoint(cp);
    const f = fold(ch);
    for (let k = 0; k < f.length; k++) from.push(i);
    text += f;
    i += ch.length;
  }
  from.push(s.length);
  return { text, from };
}

/** Removes the marks a previous call of markWords added under root. */
function unmark(root) {
  for (const m of root.querySelectorAll("mark.filter-match")) {
    m.replaceWith(document.createTextNode(m.textContent));
  }
  root.normalize();
}

/**
 * Wraps every place where one of the folded words occurs in root's text in
 * <mark class="filter-match">. Text inside tooltips is left alone.
 */
export function markWords(root, words) {
  unmark(root);
  if (!words.length) return;
  const walker = document.createTreeWalker(root, NodeFilter.SHOW_TEXT, {
    acceptNode: (n) => (n.parentElement.closest('[role="tooltip"]') ? NodeFilter.FILTER_REJECT : NodeFilter.FILTER_ACCEPT),
  });
  const nodes = [];
  while (walker.nextNode()) nodes.push(walker.currentNode);
  for (const node of nodes) {
    const { text, from } = foldWithMap(node.data);
    // Every match of every word, then the overlapping ones merged.
    const spans = [];
    for (const w of words) {
      for (let at = text.indexOf(w); at >= 0; at = text.indexOf(w, at + 1)) {
        spans.push([from[at], from[at + w.length]]);
      }
    }
    if (!spans.length) continue;
    spans.sort((a, b) => a[0] - b[0]);
    const merged = [];
    for (const s of spans) {
      const last = merged[merged.length - 1];
      if (last && s[0] <= last[1]) last[1] = Math.max(last[1], s[1]);
      else merged.push([...s]);
    }
    const frag = document.createDocumentFragment();
    let at = 0;
    for (const [a, b] of merged) {
      frag.append(node.data.slice(at, a));
      const m = document.createElement("mark");
      m.className = "filter-match";
      m.textContent = node.data.slice(a, b);
      frag.append(m);
      at = b;
    }
    frag.append(node.data.slice(at));
    node.replaceWith(frag);
  }
}

/**
 * @param {HTMLInputElement} input
 * @param {Element[]} items
 * @param {(el: Element) => string} textOf
 * @param {{status?: Element, empty?: Element, noun: string, onChange?: () => void,
 *          marked?: (el: Element) => Element[]}} opts
 *   marked, if given, lists the parts of an item where matches are marked.
 */
export function attachFilter(input, items, textOf, opts) {
  const texts = items.map((el) => fold(textOf(el)));
  const apply = () => {
    const words = fold(input.value).split(/\s+/).filter(Boolean);
    let shown = 0;
    items.forEach((el, i) => {
      const ok = words.every((w) => texts[i].includes(w));
      el.hidden = !ok;
      if (ok) shown++;
      if (opts.marked) opts.marked(el).forEach((part) => markWords(part, ok ? words : []));
    });
    if (opts.empty) opts.empty.hidden = shown !== 0;
    if (opts.status) {
      opts.status.textContent = words.length
        ? `${shown} of ${items.length} ${opts.noun} match`
        : `${items.length} ${opts.noun}`;
    }
    if (opts.onChange) opts.onChange();
  };
  input.addEventListener("input", apply);
  if (input.value) apply();
}
