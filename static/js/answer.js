// Checks a typed answer the way the quizzes do (app/quiz, text answers):
// surrounding space is ignored, runs of space count as one, and letter
// case does not matter (Unicode simple case folding, as Go's
// strings.EqualFold). Beyond the quizzes' rule, an answer a small typo
// away from the right one is "almost": one slip (a letter missing, extra,
// wrong, or two swapped) in a word of 4 to 7 letters, two from 8 letters.
// app/study/testdata/answer_match.json holds the table of cases that both
// this module and the quizzes' Go code are tested against.

/** Trims s and turns every run of white space into one space. */
export function collapseSpace(s) {
  return s.trim().split(/\s+/u).filter(Boolean).join(" ");
}

// fold maps a character to one representative of its simple case-folding
// orbit: the lower case of its upper case, where each is one character
// (so ς and σ meet, as ſ and s do, but ß stays apart from ss).
function fold(ch) {
  let u = ch.toUpperCase();
  if ([...u].length !== 1) u = ch;
  const l = u.toLowerCase();
  return [...l].length === 1 ? l : u;
}

/** The form two answers are compared in. */
export function normalize(s) {
  return [...collapseSpace(s)].map(fold).join("");
}

// distance is the optimal string alignment distance (Levenshtein with
// adjacent swaps), by code point, stopping early once it exceeds max.
function distance(a, b, max) {
  const x = [...a];
  const y = [...b];
  if (Math.abs(x.length - y.length) > max) return max + 1;
  let prev2 = null;
  let prev = Array.from({ length: y.length + 1 }, (_, j) => j);
  for (let i = 1; i <= x.length; i++) {
    const row = [i];
    let best = i;
    for (let j = 1; j <= y.length; j++) {
      const cost = x[i - 1] === y[j - 1] ? 0 : 1;
      let d = Math.min(prev[j] + 1, row[j - 1] + 1, prev[j - 1] + cost);
      if (prev2 && i > 1 && j > 1 && x[i - 1] === y[j - 2] && x[i - 2] === y[j - 1]) d = Math.min(d, prev2[j - 2] + 1);
      row.push(d);
      best = Math.min(best, d);
    }
    if (best > max) return max + 1;
    prev2 = prev;
    prev = row;
  }
  return prev[y.length];
}

/** How many slips an answer of this length may hold and be "almost". */
export function allowedTypos(accepted) {
  const n = [...normalize(accepted)].length;
  return n >= 8 ? 2 : n >= 4 ? 1 : 0;
}

/**
 * Grades a typed answer against the accepted one: "right" exactly as a
 * quiz would accept it, "almost" within a small typo, else "wrong".
 */
export function checkAnswer(typed, accepted) {
  const a = normalize(typed);
  const b = normalize(accepted);
  if (a === "") return "wrong";
  if (a === b) return "right";
  const max = allowedTypos(accepted);
  return max > 0 && distance(a, b, max) <= max ? "almost" : "wrong";
}
