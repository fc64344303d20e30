// Spaced repetition with FSRS, the Free Spaced Repetition Scheduler that
// Anki uses by default, through the ts-fsrs library (vendored, see
// static/vendor/ts-fsrs/README.md) with its published default parameters.
// This module adds what a study app needs around it, the same way Anki
// does: a day's limits of new cards and reviews per deck, the queue of
// cards to show next, statistics, undo, and progress kept in this browser
// (localStorage) that can be exported to a file and imported elsewhere.
//
// Fuzz (a random spread of intervals) is off: the same grades give the
// same schedule on every device, and the tests can check exact values.
import {
  Rating, State, createEmptyCard, default_w, fsrs, generatorParameters,
} from "../vendor/ts-fsrs/index.mjs";

export const DAY_MS = 24 * 60 * 60 * 1000;
export const MINUTE_MS = 60 * 1000;
export { Rating, State };

/** The four buttons a student grades a card with. */
export const GRADES = Object.freeze({ again: Rating.Again, hard: Rating.Hard, good: Rating.Good, easy: Rating.Easy });

export const DEFAULT_RETENTION = 0.9;
export const DEFAULT_LIMITS = Object.freeze({ newPerDay: 20, reviewsPerDay: 200 });
/** A card whose interval reaches this many days is "mature", as in Anki. */
export const MATURE_DAYS = 21;
/** When nothing else is left, learning cards due this soon are shown early. */
export const LEARN_AHEAD_MS = 20 * MINUTE_MS;
/** The review log is trimmed to this many entries, oldest first. */
export const MAX_LOG = 20000;

export const FORMAT = "netstudy-progress";
const V1_KEY = "netstudy.srs.v1";
const V2_KEY = "netstudy.srs.v2";

/** The FSRS scheduler for a desired retention (0.7 to 0.99). */
export function scheduler(retention = DEFAULT_RETENTION) {
  return fsrs(generatorParameters({ request_retention: retention, enable_fuzz: false, enable_short_term: true }));
}

// Stored cards are plain JSON: dates as milliseconds since the epoch.
function toFSRS(s) {
  return { ...s, due: new Date(s.due), last_review: s.last_review == null ? undefined : new Date(s.last_review) };
}

function fromFSRS(c) {
  return {
    due: c.due.getTime(), stability: c.stability, difficulty: c.difficulty,
    elapsed_days: c.elapsed_days, scheduled_days: c.scheduled_days, learning_steps: c.learning_steps,
    reps: c.reps, lapses: c.lapses, state: c.state, last_review: c.last_review ? c.last_review.getTime() : null,
  };
}

/** A card never studied, as stored. */
export function newCard(now) {
  return fromFSRS(createEmptyCard(new Date(now)));
}

/**
 * Applies one grade to a stored card (undefined for a new one) and returns
 * the new stored card; the old one is left untouched.
 */
export function review(card, rating, now, retention = DEFAULT_RETENTION) {
  if (![Rating.Again, Rating.Hard, Rating.Good, Rating.Easy].includes(rating)) {
    throw new RangeError(`rating must be 1..4, got ${rating}`);
  }
  const f = scheduler(retention);
  return fromFSRS(f.next(toFSRS(card || newCard(now)), new Date(now), rating).card);
}

/** What each grade would do to a card: {again, hard, good, easy} → due time in ms. */
export function preview(card, now, retention = DEFAULT_RETENTION) {
  const p = scheduler(retention).repeat(toFSRS(card || newCard(now)), new Date(now));
  const out = {};
  for (const [name, r] of Object.entries(GRADES)) out[name] = p[r].card.due.getTime();
  return out;
}

/** The chance of recalling a reviewed card now, 0..1. */
export function retrievability(card, now, retention = DEFAULT_RETENTION) {
  if (!card || card.state === State.New) return 0;
  return scheduler(retention).get_retrievability(toFSRS(card), new Date(now), false);
}

/**
 * Turns a card reviewed under the SM-2 scheduler this app used before
 * ({n, ef, interval, due, reviews, lapses}) into an FSRS review card that
 * keeps its due date, reviews and lapses. Its memory state is estimated
 * the way Anki does when it switches a collection to FSRS: SM-2 aimed at
 * about 90% recall at the due date, which is what FSRS's stability means,
 * so stability is the interval; difficulty follows from the ease through
 * FSRS's stability-growth formula. A card never reviewed gives null (it
 * stays new).
 */
export function fromSM2(old) {
  if (!old || typeof old !== "object" || !(old.reviews > 0) || !Number.isFinite(old.due)) return null;
  const w = default_w;
  const interval = Math.max(Number(old.interval) || 0, 1);
  const ease = Number.isFinite(old.ef) ? old.ef : 2.5;
  const stability = interval;
  const growth = Math.exp(w[8]) * stability ** -w[9] * Math.expm1((1 - DEFAULT_RETENTION) * w[10]);
  const difficulty = Math.min(10, Math.max(1, 11 - (ease - 1) / growth));
  // SM-2 set due = review time + interval after a pass, and due = review
  // time after a lapse (n back to 0).
  const lastReview = old.n > 0 ? old.due - interval * DAY_MS : old.due;
  return {
    due: old.due, stability, difficulty, elapsed_days: 0, scheduled_days: old.n > 0 ? interval : 0,
    learning_steps: 0, reps: old.reviews, lapses: Number(old.lapses) || 0, state: State.Review, last_review: lastReview,
  };
}

/** Empty progress: no card studied, default settings. */
export function emptyProgress() {
  return { retention: DEFAULT_RETENTION, limits: {}, cards: {}, log: [] };
}

/** Migrates the SM-2 states of version 1 into progress. */
export function migrateV1(v1) {
  const p = emptyProgress();
  for (const [id, old] of Object.entries(v1 || {})) {
    const c = fromSM2(old);
    if (c) p.cards[id] = c;
  }
  return p;
}

/** Reads the progress from localStorage, migrating SM-2 states once. */
export function load(storage = globalThis.localStorage) {
  try {
    const raw = storage.getItem(V2_KEY);
    if (raw) return validate(JSON.parse(raw));
    const v1 = storage.getItem(V1_KEY);
    if (v1) {
      const p = migrateV1(JSON.parse(v1));
      save(p, storage); // the v1 key stays, untouched, as a backup
      return p;
    }
  } catch { /* unreadable: start afresh rather than break the page */ }
  return emptyProgress();
}

/** Saves the progress. */
export function save(progress, storage = globalThis.localStorage) {
  if (progress.log.length > MAX_LOG) progress.log.splice(0, progress.log.length - MAX_LOG);
  try {
    storage.setItem(V2_KEY, JSON.stringify({ version: 2, ...progress }));
  } catch { /* private mode or full: the session still works, unsaved */ }
}

/** The deck (note slug) a card ID belongs to: IDs are kind:slug:hash. */
export function deckOf(id) {
  const parts = id.split(":");
  return parts.length >= 3 ? parts.slice(1, -1).join(":") : "";
}

/** The limits of a deck ("" is every note at once). */
export function limitsOf(progress, deck) {
  return { ...DEFAULT_LIMITS, ...(progress.limits[deck] || {}) };
}

/** Local midnight at or before now: the day's counts start there. */
export function startOfDay(now) {
  const d = new Date(now);
  d.setHours(0, 0, 0, 0);
  return d.getTime();
}

const inDeck = (deck) => (id) => deck === "" || deckOf(id) === deck;

/** How many new cards and reviews the deck has used of today's limits. */
export function doneToday(progress, deck, now) {
  const since = startOfDay(now);
  const mine = inDeck(deck);
  let news = 0;
  let reviews = 0;
  for (const e of progress.log) {
    if (e.at < since || !mine(e.id)) continue;
    if (e.state === State.New) news++;
    else if (e.state === State.Review) reviews++;
  }
  return { news, reviews };
}

const isLearning = (c) => c.state === State.Learning || c.state === State.Relearning;

/**
 * What is left to study today in a deck, Anki's three numbers: new cards
 * (within the day's limit), learning cards due soon, and reviews due
 * (within the day's limit). ids lists the deck's cards in order.
 */
export function counts(ids, progress, deck, now) {
  const lim = limitsOf(progress, deck);
  const done = doneToday(progress, deck, now);
  let unseen = 0;
  let learning = 0;
  let due = 0;
  for (const id of ids) {
    const c = progress.cards[id];
    if (!c || c.state === State.New) unseen++;
    else if (isLearning(c)) learning += c.due <= now + LEARN_AHEAD_MS ? 1 : 0;
    else if (c.due <= now) due++;
  }
  return {
    new: Math.max(0, Math.min(unseen, lim.newPerDay - done.news)),
    learning,
    review: Math.max(0, Math.min(due, lim.reviewsPerDay - done.reviews)),
  };
}

/**
 * The same three numbers without the card list, for the home page: the
 * number of cards in each deck (note slug → count) stands in for the IDs.
 */
export function countsFromTotals(totals, progress, now) {
  const lim = limitsOf(progress, "");
  const done = doneToday(progress, "", now);
  let seen = 0;
  let learning = 0;
  let due = 0;
  for (const [id, c] of Object.entries(progress.cards)) {
    if (!Object.hasOwn(totals, deckOf(id)) || c.state === State.New) continue;
    seen++;
    if (isLearning(c)) learning += c.due <= now + LEARN_AHEAD_MS ? 1 : 0;
    else if (c.due <= now) due++;
  }
  const total = Object.values(totals).reduce((a, b) => a + b, 0);
  return {
    new: Math.max(0, Math.min(total - seen, lim.newPerDay - done.news)),
    learning,
    review: Math.max(0, Math.min(due, lim.reviewsPerDay - done.reviews)),
  };
}

/**
 * The card to show next, as Anki orders them: learning cards that are
 * due, then reviews, then new cards (each within today's limits), and at
 * last learning cards due within LEARN_AHEAD_MS. Returns {id, queue} or,
 * when nothing is left, {id: null, nextLearning} with the due time of the
 * next learning card (or null).
 */
export function nextCard(ids, progress, deck, now) {
  const lim = limitsOf(progress, deck);
  const done = doneToday(progress, deck, now);
  let learnNow = null;
  let learnSoon = null;
  let reviewDue = null;
  let fresh = null;
  for (const id of ids) {
    const c = progress.cards[id];
    if (!c || c.state === State.New) {
      fresh ??= id;
    } else if (isLearning(c)) {
      if (c.due <= now && (!learnNow || c.due < progress.cards[learnNow].due)) learnNow = id;
      if (!learnSoon || c.due < progress.cards[learnSoon].due) learnSoon = id;
    } else if (c.due <= now && (!reviewDue || c.due < progress.cards[reviewDue].due)) {
      reviewDue = id;
    }
  }
  if (learnNow) return { id: learnNow, queue: "learning" };
  if (reviewDue && done.reviews < lim.reviewsPerDay) return { id: reviewDue, queue: "review" };
  if (fresh && done.news < lim.newPerDay) return { id: fresh, queue: "new" };
  if (learnSoon && progress.cards[learnSoon].due <= now + LEARN_AHEAD_MS) return { id: learnSoon, queue: "learning" };
  return { id: null, nextLearning: learnSoon ? progress.cards[learnSoon].due : null };
}

/**
 * Grades a card: updates progress in place, and returns what undo needs.
 */
export function grade(progress, id, rating, now) {
  const before = progress.cards[id];
  const state = before ? before.state : State.New;
  progress.cards[id] = review(before, rating, now, progress.retention);
  const entry = { id, at: now, rating, state };
  progress.log.push(entry);
  return { id, before, entry };
}

/** Undoes a grade returned by grade(). */
export function undo(progress, step) {
  if (step.before) progress.cards[step.id] = step.before;
  else delete progress.cards[step.id];
  const i = progress.log.lastIndexOf(step.entry);
  if (i >= 0) progress.log.splice(i, 1);
}

/**
 * Statistics of a deck: cards due today, new, learning, young and mature;
 * true retention (share of reviews of cards in review state that were
 * not forgotten, over the last 30 days, as Anki computes it); and the
 * number of reviews due on each of the next 30 days (day 0 holds the
 * overdue ones).
 */
export function stats(ids, progress, now) {
  const idSet = new Set(ids);
  const dayStart = startOfDay(now);
  const s = { dueToday: 0, new: 0, learning: 0, young: 0, mature: 0, retention: null, passed: 0, reviewed: 0, forecast: new Array(30).fill(0) };
  for (const id of ids) {
    const c = progress.cards[id];
    if (!c || c.state === State.New) { s.new++; continue; }
    if (isLearning(c)) s.learning++;
    else if (c.scheduled_days >= MATURE_DAYS) s.mature++;
    else s.young++;
    const day = Math.max(0, Math.floor((startOfDay(c.due) - dayStart) / DAY_MS + 0.5));
    if (day === 0) s.dueToday++;
    if (day < 30) s.forecast[day]++;
  }
  const since = now - 30 * DAY_MS;
  for (const e of progress.log) {
    if (e.at < since || e.state !== State.Review || !idSet.has(e.id)) continue;
    s.reviewed++;
    if (e.rating !== Rating.Again) s.passed++;
  }
  if (s.reviewed) s.retention = s.passed / s.reviewed;
  return s;
}

/** A short, human reading of an interval from now to due. */
export function describeInterval(ms) {
  const minutes = Math.round(ms / MINUTE_MS);
  if (minutes < 1) return "now";
  if (minutes < 60) return `${minutes} min`;
  const hours = Math.round(ms / (60 * MINUTE_MS));
  if (hours < 24) return `${hours} h`;
  const days = Math.round(ms / DAY_MS);
  if (days === 1) return "1 day";
  if (days < 31) return `${days} days`;
  const months = Math.round(days / 30);
  if (months < 12) return months === 1 ? "1 month" : `${months} months`;
  const years = Math.round(days / 36.5) / 10;
  return years === 1 ? "1 year" : `${years} years`;
}

// ---- Export and import ----

/** The progress as the text of an export file. */
export function exportText(progress, now) {
  return JSON.stringify({ format: FORMAT, version: 2, exported_at: new Date(now).toISOString(), ...progress }, null, 1);
}

const num = (v) => typeof v === "number" && Number.isFinite(v);

function validCard(c) {
  return c && typeof c === "object" && num(c.due) && num(c.stability) && c.stability >= 0 &&
    num(c.difficulty) && num(c.reps) && num(c.lapses) && num(c.scheduled_days) && num(c.learning_steps) &&
    [State.New, State.Learning, State.Review, State.Relearning].includes(c.state) &&
    (c.last_review == null || num(c.last_review));
}

/** Checks stored or imported progress; throws an Error that says what is wrong. */
export function validate(data) {
  if (!data || typeof data !== "object" || Array.isArray(data)) throw new Error("the file does not hold a JSON object");
  if (data.version !== 2) throw new Error(`its version is ${JSON.stringify(data.version)}; this app reads version 2`);
  if (!data.cards || typeof data.cards !== "object" || Array.isArray(data.cards)) throw new Error("it has no \"cards\" object");
  const p = emptyProgress();
  if (data.retention !== undefined) {
    if (!num(data.retention) || data.retention < 0.7 || data.retention > 0.99) throw new Error("its desired retention is not between 0.7 and 0.99");
    p.retention = data.retention;
  }
  for (const [deck, l] of Object.entries(data.limits || {})) {
    if (!l || !Number.isInteger(l.newPerDay) || !Number.isInteger(l.reviewsPerDay) || l.newPerDay < 0 || l.reviewsPerDay < 0) {
      throw new Error(`the limits of deck "${deck}" are not two whole numbers`);
    }
    p.limits[deck] = { newPerDay: l.newPerDay, reviewsPerDay: l.reviewsPerDay };
  }
  for (const [id, c] of Object.entries(data.cards)) {
    if (!validCard(c)) throw new Error(`card "${id}" is not a valid card state`);
    p.cards[id] = { ...fromFSRS(toFSRS(c)), elapsed_days: num(c.elapsed_days) ? c.elapsed_days : 0 };
  }
  if (data.log !== undefined && !Array.isArray(data.log)) throw new Error("its \"log\" is not a list");
  for (const e of data.log || []) {
    if (!e || typeof e.id !== "string" || !num(e.at) || !Object.values(GRADES).includes(e.rating) || !num(e.state)) {
      throw new Error("an entry of its review log is malformed");
    }
    p.log.push({ id: e.id, at: e.at, rating: e.rating, state: e.state });
  }
  return p;
}

/** Reads an export file's text; throws an Error with a clear message. */
export function parseExport(text) {
  let data;
  try {
    data = JSON.parse(text);
  } catch {
    throw new Error("This file is not a netstudy progress file: it is not JSON.");
  }
  if (!data || data.format !== FORMAT) throw new Error("This file is not a netstudy progress file (no \"format\": \"netstudy-progress\").");
  try {
    return validate(data);
  } catch (e) {
    throw new Error(`This progress file cannot be read: ${e.message}.`);
  }
}

/**
 * Merges imported progress into the current one. Each card keeps the copy
 * reviewed last; review logs are joined without duplicates; the imported
 * settings win. Returns how many cards the import changed.
 */
export function merge(current, imported) {
  let changed = 0;
  for (const [id, c] of Object.entries(imported.cards)) {
    const mine = current.cards[id];
    if (!mine || (c.last_review ?? -1) > (mine.last_review ?? -1)) {
      current.cards[id] = c;
      changed++;
    }
  }
  const seen = new Set(current.log.map((e) => `${e.id}@${e.at}`));
  for (const e of imported.log) {
    if (!seen.has(`${e.id}@${e.at}`)) current.log.push(e);
  }
  current.log.sort((a, b) => a.at - b.at);
  current.retention = imported.retention;
  current.limits = { ...current.limits, ...imported.limits };
  return changed;
}
