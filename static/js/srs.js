// Spaced repetition with SM-2, the SuperMemo 2 algorithm (Wozniak, 1990):
// each card keeps a repetition count n, an easiness factor EF and an
// interval I in days. A grade q of 3 or more moves the card on (1 day, then
// 6 days, then the previous interval times EF); a lower grade starts it
// over (and the card is due again at once: it comes back in the same
// sitting). EF then changes by 0.1 - (5-q)(0.08 + (5-q)0.02), never below
// 1.3.
// It is small, predictable and explainable to a class, and needs no
// trained parameters, which is why netstudy uses it rather than FSRS.

export const DAY_MS = 24 * 60 * 60 * 1000;
export const START_EASE = 2.5;
export const MIN_EASE = 1.3;

/** The four buttons a student grades a card with, as SM-2 qualities. */
export const GRADES = Object.freeze({ again: 1, hard: 3, good: 4, easy: 5 });

/** A card that has never been reviewed. */
export function newCard() {
  return { n: 0, ef: START_EASE, interval: 0, due: 0, reviews: 0, lapses: 0 };
}

/**
 * Applies one review to a card's state and returns the new state; the old
 * one is left untouched.
 * @param {{n:number, ef:number, interval:number, due:number, reviews:number, lapses:number}} card
 * @param {number} q quality 0..5 (see GRADES)
 * @param {number} now time of the review, in ms since the epoch
 */
export function review(card, q, now) {
  if (!Number.isInteger(q) || q < 0 || q > 5) throw new RangeError(`grade must be 0..5, got ${q}`);
  let { n, ef, interval, lapses } = card;
  if (q >= 3) {
    if (n === 0) interval = 1;
    else if (n === 1) interval = 6;
    else interval = Math.round(interval * ef);
    n += 1;
  } else {
    n = 0;
    interval = 1;
    lapses += 1;
  }
  ef = ef + (0.1 - (5 - q) * (0.08 + (5 - q) * 0.02));
  // Rounding keeps stored values free of float noise (2.5 - 0.14 = 2.36).
  ef = Math.max(MIN_EASE, Math.round(ef * 1000) / 1000);
  // A forgotten card is studied again in this sitting, so it stays due
  // now; its next interval, once remembered, starts again at one day.
  const due = q >= 3 ? now + interval * DAY_MS : now;
  return { n, ef, interval, due, reviews: card.reviews + 1, lapses };
}

/** Whether a card needs study now: never seen, or its due time has come. */
export function isDue(card, now) {
  return !card || card.reviews === 0 || card.due <= now;
}

const STORAGE_KEY = "netstudy.srs.v1";

/** Reads every card's state from localStorage ({} when none or unreadable). */
export function load(storage = globalThis.localStorage) {
  try {
    const parsed = JSON.parse(storage.getItem(STORAGE_KEY) || "{}");
    return parsed && typeof parsed === "object" ? parsed : {};
  } catch {
    return {};
  }
}

/** Saves every card's state. */
export function save(states, storage = globalThis.localStorage) {
  try {
    storage.setItem(STORAGE_KEY, JSON.stringify(states));
  } catch { /* private mode or full: the session still works, unsaved */ }
}

/** Counts cards due now among the given IDs. */
export function countDue(ids, states, now) {
  return ids.reduce((sum, id) => sum + (isDue(states[id], now) ? 1 : 0), 0);
}
