// The chart of reviews due over the next 30 days: an SVG bar chart whose
// bars carry their number as text, described in words for screen readers,
// and the same figures as a table (the table alternative of the chart).
const SVG = "http://www.w3.org/2000/svg";
const WIDTH = 600;
const HEIGHT = 160;
const TOP = 22; // room for the numbers above the bars
const BOTTOM = 24; // room for the day labels

function el(name, attrs, text) {
  const e = document.createElementNS(SVG, name);
  for (const [k, v] of Object.entries(attrs)) e.setAttribute(k, String(v));
  if (text !== undefined) e.textContent = text;
  return e;
}

/** The name of day i from today (0 is today). */
export function dayName(i, now) {
  if (i === 0) return "Today";
  if (i === 1) return "Tomorrow";
  const d = new Date(now);
  d.setDate(d.getDate() + i);
  return d.toLocaleDateString(undefined, { weekday: "short", day: "numeric", month: "short" });
}

/** A sentence that says what the chart shows. */
export function describe(counts) {
  const total = counts.reduce((a, b) => a + b, 0);
  if (total === 0) return "No reviews are due in the next 30 days.";
  const peak = Math.max(...counts);
  const peakDay = counts.indexOf(peak);
  const week = counts.slice(0, 7).reduce((a, b) => a + b, 0);
  return `${total} reviews due in the next 30 days: ${counts[0]} today, ${week} within 7 days; ` +
    `the busiest day is ${peakDay === 0 ? "today" : peakDay === 1 ? "tomorrow" : `day ${peakDay + 1}`} with ${peak}.`;
}

/** Draws counts (30 numbers, day 0 first) into box, and rows into tbody. */
export function drawForecast(box, tbody, counts, now) {
  const max = Math.max(1, ...counts);
  const slot = WIDTH / counts.length;
  const plot = HEIGHT - TOP - BOTTOM;
  const svg = el("svg", { viewBox: `0 0 ${WIDTH} ${HEIGHT}`, role: "img", "aria-labelledby": "forecast-title forecast-desc", class: "forecast-svg" });
  svg.append(el("title", { id: "forecast-title" }, "Reviews due per day, next 30 days"));
  svg.append(el("desc", { id: "forecast-desc" }, describe(counts)));
  svg.append(el("line", { x1: 0, x2: WIDTH, y1: HEIGHT - BOTTOM, y2: HEIGHT - BOTTOM, class: "axis" }));
  counts.forEach((n, i) => {
    const h = Math.round((n / max) * plot);
    const x = i * slot + slot * 0.15;
    const y = HEIGHT - BOTTOM - h;
    if (n > 0) {
      svg.append(el("rect", { x: x.toFixed(1), y, width: (slot * 0.7).toFixed(1), height: h, class: "bar" }));
      svg.append(el("text", { x: (x + slot * 0.35).toFixed(1), y: y - 3, class: "bar-value", "text-anchor": "middle" }, n));
    }
    if (i % 7 === 0) {
      svg.append(el("text", { x: (i * slot + 2).toFixed(1), y: HEIGHT - 5, class: "day-label" }, i === 0 ? "today" : `+${i}d`));
    }
  });
  box.replaceChildren(svg);
  tbody.replaceChildren(...counts.map((n, i) => {
    const tr = document.createElement("tr");
    const th = document.createElement("th");
    th.scope = "row";
    th.textContent = dayName(i, now);
    const td = document.createElement("td");
    td.textContent = n;
    tr.append(th, td);
    return tr;
  }));
}
