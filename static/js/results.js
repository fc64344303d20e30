// The results page: draws each round's histogram from the bars the server
// put in data-chart. The table beside each chart holds the same numbers as
// text, so the drawing is hidden from screen readers.
import { renderHistogram, redrawOnResize } from "./charts.js";

function draw() {
  for (const box of document.querySelectorAll(".results .chart[data-chart]")) {
    let data;
    try {
      data = JSON.parse(box.dataset.chart);
    } catch {
      continue;
    }
    renderHistogram(box, { bars: data.bars || [], total: data.total, title: "Answers" });
  }
}

draw();
redrawOnResize(draw);
