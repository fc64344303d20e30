// Answer histograms as SVG, shared by the instructor's dashboard, the
// projector view, the student page and the results page. No library, no
// inline style (the CSP forbids it): colours come from classes styled in
// css/live.css, sizes from SVG attributes.
//
// Accessibility: every bar has its label and its count written as text
// beside it; a right answer is marked with "✓" (and the word "correct"
// where there is room) and drawn with a striped pattern, so colour is
// never the only signal; the whole chart is an image whose <title> and
// <desc> read as a sentence per bar for screen readers.
//
//   import { renderHistogram } from "./charts.js";
//   renderHistogram(element, {
//     title: "Answers",
//     bars: [{ label: "A. SYN", count: 3, correct: true }, { label: "B. FIN", count: 1 }],
//     total: 4,   // what percentages are of; default: the sum of the counts
//   });

const SVG_NS = "http://www.w3.org/2000/svg";

// Geometry, in viewBox units. A chart is drawn with as many units across
// as make its text come out at the size of the text around it (see
// renderHistogram), so it reads the same on a phone, a laptop and a
// projector; WIDTH is for a chart whose box cannot be measured (hidden).
const WIDTH = 640;
const LABEL_PX = 17; // the labels' font size in units (css/live.css)
const PAD = 4;
const LABEL_H = 24; // the label line above each bar
const BAR_H = 26;
const GAP = 12;
const COUNT_W = 116; // room kept right of the bars for "12 · 40%"
const CHAR_W = 10; // a generous average width of a label character

let chartSeq = 0;

function el(name, attrs = {}, text) {
  const node = document.createElementNS(SVG_NS, name);
  for (const [k, v] of Object.entries(attrs)) node.setAttribute(k, String(v));
  if (text !== undefined) node.textContent = text;
  return node;
}

function shorten(s, n) {
  const chars = Array.from(s);
  return chars.length > n ? chars.slice(0, n - 1).join("") + "…" : s;
}

function percent(count, total) {
  return total > 0 ? Math.round((count / total) * 100) : 0;
}

/** A sentence describing one bar, for screen readers and tooltips. */
export function describeBar(bar, total) {
  const n = bar.count === 1 ? "1 answer" : `${bar.count} answers`;
  return `${bar.label}: ${n}, ${percent(bar.count, total)}%${bar.correct ? ", correct" : ""}.`;
}

/**
 * Draws a horizontal bar chart into target: an <svg> element (its content
 * is replaced) or any other element (its content is replaced by a new
 * <svg>). Returns the <svg>.
 *
 * @param {Element} target
 * @param {{bars: {label: string, count: number, correct?: boolean}[],
 *          total?: number, title?: string, width?: number}} opts
 *   width is the chart's width in units when its box cannot be measured
 *   (default 640); a box that can be is fitted (see above).
 */
export function renderHistogram(target, { bars = [], total, title = "Answers", width = WIDTH } = {}) {
  // Fitted to the box: a 640-unit chart in a phone's 300 px box would
  // draw its text at 8 px, and in a projector's half screen at 17 px
  // beside choices at 27 px.
  const boxEl = target instanceof SVGSVGElement ? target.parentElement : target;
  const boxPx = boxEl ? boxEl.clientWidth : 0;
  const fontPx = boxEl ? parseFloat(getComputedStyle(boxEl).fontSize) : 0;
  const W = Math.max(240, boxPx > 0 && fontPx > 0 ? Math.round((boxPx * LABEL_PX) / fontPx) : width);
  const sum = bars.reduce((s, b) => s + (b.count || 0), 0);
  const of = total === undefined || total === null ? sum : total;
  let svg = target;
  if (!(target instanceof SVGSVGElement)) {
    svg = el("svg");
    target.replaceChildren(svg);
  } else {
    svg.replaceChildren();
  }
  const id = `hist-${++chartSeq}`;
  const rowH = LABEL_H + BAR_H + GAP;
  const height = Math.max(1, bars.length) * rowH + PAD * 2;
  svg.setAttribute("viewBox", `0 0 ${W} ${height}`);
  svg.setAttribute("class", "histogram");
  svg.setAttribute("role", "img");
  svg.setAttribute("aria-labelledby", `${id}-title ${id}-desc`);
  svg.setAttribute("preserveAspectRatio", "xMinYMin meet");

  const heading = `${title}: ${of === 1 ? "1 answer" : `${of} answers`}`;
  svg.append(el("title", { id: `${id}-title` }, heading));
  svg.append(el("desc", { id: `${id}-desc` },
    bars.length ? bars.map((b) => describeBar(b, of)).join(" ") : "No answers yet."));

  // The stripes that mark a right answer's bar, besides its ✓ and text.
  const defs = el("defs");
  const pattern = el("pattern", {
    id: `${id}-ok`, width: 10, height: 10, patternUnits: "userSpaceOnUse", patternTransform: "rotate(45)",
  });
  pattern.append(el("rect", { width: 10, height: 10, class: "hist-ok-bg" }));
  pattern.append(el("rect", { width: 4, height: 10, class: "hist-ok-stripe" }));
  defs.append(pattern);
  svg.append(defs);

  if (!bars.length) {
    svg.append(el("text", { x: PAD, y: PAD + LABEL_H - 6, class: "hist-label hist-empty" }, "No answers yet"));
    return svg;
  }

  const barMax = W - PAD * 2 - COUNT_W;
  bars.forEach((bar, i) => {
    const y = PAD + i * rowH;
    const g = el("g", { class: bar.correct ? "hist-row correct" : "hist-row", "data-count": bar.count || 0 });
    g.append(el("title", {}, describeBar(bar, of)));
    // A label longer than the chart is shortened; the whole of it is in
    // the row's <title> and the chart's <desc>. Where room is short, a
    // right bar keeps its "✓" and stripes but gives up the word
    // "(correct)" rather than its own words.
    const room = Math.floor((W - PAD * 2) / CHAR_W);
    const text = String(bar.label);
    let label = shorten(text, room);
    if (bar.correct) {
      label = Array.from(text).length + 12 <= room ? `✓ ${text} (correct)` : `✓ ${shorten(text, room - 2)}`;
    }
    g.append(el("text", { x: PAD, y: y + LABEL_H - 6, class: "hist-label" }, label));
    // The track shows where 100% would be; the bar is the share of answers.
    g.append(el("rect", { x: PAD, y: y + LABEL_H, width: barMax, height: BAR_H, rx: 4, class: "hist-track" }));
    const w = of > 0 ? Math.max(bar.count > 0 ? 3 : 0, (bar.count / of) * barMax) : 0;
    const rect = el("rect", {
      x: PAD, y: y + LABEL_H, width: Math.min(w, barMax), height: BAR_H, rx: 4,
      class: bar.correct ? "hist-bar correct" : "hist-bar",
    });
    if (bar.correct) rect.setAttribute("fill", `url(#${id}-ok)`);
    g.append(rect);
    g.append(el("text", {
      x: W - PAD, y: y + LABEL_H + BAR_H - 7, "text-anchor": "end", class: "hist-count",
    }, `${bar.count || 0} · ${percent(bar.count || 0, of)}%`));
    svg.append(g);
  });
  return svg;
}

/**
 * Calls redraw after the window changes size, at most once a frame: a
 * chart is fitted to its box when it is drawn, and a projector switched
 * to full screen, or a phone turned, gives it another box.
 */
export function redrawOnResize(redraw) {
  let queued = false;
  window.addEventListener("resize", () => {
    if (queued) return;
    queued = true;
    requestAnimationFrame(() => {
      queued = false;
      redraw();
    });
  });
}

/** "A", "B", … for choice i. */
export function letter(i) {
  return i < 26 ? String.fromCharCode(65 + i) : String(i + 1);
}

function norm(s) {
  return String(s).toLowerCase().split(/\s+/).filter(Boolean).join(" ");
}

/**
 * Turns a live histogram ({counts: {key: n}, other}) of a question (its
 * public form: {kind, choices: [{id, text}]}) into bars. Choice questions
 * get one bar per choice, in order; typed answers one per distinct answer,
 * most frequent first, then "Other answers". key, when given (only after the
 * reveal!), marks the right bars: {correct: [choice ids], accepted: [texts]}.
 */
export function barsFromHistogram(question, histogram, key) {
  const counts = (histogram && histogram.counts) || {};
  const correct = new Set((key && key.correct) || []);
  const poll = question && question.kind === "poll";
  if (question && question.kind !== "text" && Array.isArray(question.choices)) {
    return question.choices.map((c, i) => ({
      label: question.kind === "truefalse" ? c.text : `${letter(i)}. ${c.text}`,
      count: counts[c.id] || 0,
      correct: !poll && correct.has(c.id),
    }));
  }
  const accepted = new Set(((key && key.accepted) || []).map(norm));
  const numeric = question && question.match === "number";
  const isAccepted = (text) => accepted.has(norm(text)) ||
    (numeric && [...accepted].some((a) => a !== "" && Number(a) === Number(text) && Number.isFinite(Number(text))));
  const bars = Object.entries(counts)
    .sort(([a, x], [b, y]) => y - x || (a < b ? -1 : a > b ? 1 : 0))
    .map(([text, n]) => ({ label: text, count: n, correct: isAccepted(text) }));
  if (histogram && histogram.other > 0) bars.push({ label: "Other answers", count: histogram.other, correct: false });
  return bars;
}

/**
 * Draws several rounds of one question side by side (peer instruction:
 * vote, discuss, vote again) into container. rounds are the protocol's
 * [{round, answered, histogram}], oldest first. opts.width is passed to
 * renderHistogram, for a container not shown yet.
 */
export function renderRounds(container, question, rounds, key, opts = {}) {
  const figs = rounds.map((r) => {
    const fig = document.createElement("figure");
    fig.className = "hist-round";
    const cap = document.createElement("figcaption");
    cap.textContent = rounds.length > 1
      ? `Round ${r.round}: ${r.answered === 1 ? "1 answer" : `${r.answered} answers`}`
      : (r.answered === 1 ? "1 answer" : `${r.answered} answers`);
    const box = document.createElement("div");
    fig.append(cap, box);
    return { fig, box, r };
  });
  container.replaceChildren(...figs.map((f) => f.fig));
  container.classList.toggle("hist-rounds", rounds.length > 1);
  // Drawn once in place, so that each chart fits its own box.
  for (const { box, r } of figs) {
    renderHistogram(box, {
      bars: barsFromHistogram(question, r.histogram, key),
      total: r.answered,
      title: rounds.length > 1 ? `Round ${r.round}` : "Answers",
      width: opts.width || (rounds.length > 1 ? 440 : WIDTH),
    });
  }
}
