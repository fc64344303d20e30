// A filter-as-you-type over a list: items whose search text contains every
// word typed stay visible; a live region says how many match.

/** Folds case and accents so "reseau" finds "réseau". */
export function fold(s) {
  return s.normalize("NFD").replace(/[\u0300-\u036f]/g, "").toLowerCase();
}

/**
 * @param {HTMLInputElement} input
 * @param {Element[]} items
 * @param {(el: Element) => string} textOf
 * @param {{status?: Element, empty?: Element, noun: string, onChange?: () => void}} opts
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
