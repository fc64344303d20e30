// Computes the FSRS schedules the flashcard tests expect, with the vendored
// ts-fsrs itself (its reference implementation) called directly: not
// through static/js/srs.js, which the tests check against these values.
//
//   node app/study/testdata/fsrs_golden.mjs > app/study/testdata/fsrs_golden.json
import { createEmptyCard, default_w, fsrs, generatorParameters } from "../../../static/vendor/ts-fsrs/index.mjs";

const T0 = Date.UTC(2026, 0, 5, 9, 0, 0);

// Each case grades a new card in turn, each grade at the moment the card
// is due (or, with "late", that many days after).
const cases = [
  { name: "good four times", retention: 0.9, ratings: [3, 3, 3, 3] },
  { name: "easy twice", retention: 0.9, ratings: [4, 4] },
  { name: "again then good", retention: 0.9, ratings: [1, 3, 3, 3] },
  { name: "hard three times", retention: 0.9, ratings: [2, 2, 2] },
  { name: "lapse after review", retention: 0.9, ratings: [3, 3, 3, 1, 3, 3] },
  { name: "good four times at 0.8 retention", retention: 0.8, ratings: [3, 3, 3, 3] },
  { name: "good, reviewed late", retention: 0.9, ratings: [3, 3, 3, 3], late: 4 },
];

const out = { version: "ts-fsrs 5.4.2", t0: T0, w: default_w, previews: {}, cases: [] };
{
  const f = fsrs(generatorParameters({ request_retention: 0.9, enable_fuzz: false, enable_short_term: true }));
  const p = f.repeat(createEmptyCard(new Date(T0)), new Date(T0));
  out.previews = { again: p[1].card.due.getTime() - T0, hard: p[2].card.due.getTime() - T0, good: p[3].card.due.getTime() - T0, easy: p[4].card.due.getTime() - T0 };
}
for (const c of cases) {
  const f = fsrs(generatorParameters({ request_retention: c.retention, enable_fuzz: false, enable_short_term: true }));
  let card = createEmptyCard(new Date(T0));
  let now = T0;
  const steps = [];
  for (const r of c.ratings) {
    card = f.next(card, new Date(now), r).card;
    steps.push({
      at: now - T0, due: card.due.getTime() - T0, state: card.state, stability: card.stability,
      difficulty: card.difficulty, scheduled_days: card.scheduled_days, reps: card.reps, lapses: card.lapses,
    });
    now = card.due.getTime() + (card.scheduled_days >= 1 && c.late ? c.late * 86400000 : 0);
  }
  out.cases.push({ name: c.name, retention: c.retention, ratings: c.ratings, late: c.late || 0, steps });
}
console.log(JSON.stringify(out, null, 1));
