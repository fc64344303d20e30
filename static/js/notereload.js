// For authors running netstudy with --content: when the file of the note
// on screen changes, the page reloads itself and comes back to where the
// reader was. The server sends one "changed" event on the stream named by
// #note-live, which is on the page only when the content can change, and
// only for this note's own edits.

const marker = document.getElementById("note-live");
const scrollKey = `netstudy.reload-scroll:${location.pathname}`;

restoreScroll();

if (marker && "EventSource" in window) {
  const changes = new EventSource(marker.dataset.changes);
  changes.addEventListener("changed", () => {
    changes.close();
    try {
      sessionStorage.setItem(scrollKey, JSON.stringify({ x: window.scrollX, y: window.scrollY }));
    } catch {
      // Storage disabled: the reload starts at the top, as the browser does.
    }
    location.reload();
  });
}

// restoreScroll puts the page back where it was before a reload this
// script asked for; a visit of the reader's own starts as usual.
function restoreScroll() {
  let saved = null;
  try {
    saved = JSON.parse(sessionStorage.getItem(scrollKey) || "null");
    sessionStorage.removeItem(scrollKey);
  } catch {
    return;
  }
  if (saved && Number.isFinite(saved.x) && Number.isFinite(saved.y)) {
    // Instant, not the page's smooth scrolling: the reader was already there.
    window.scrollTo({ left: saved.x, top: saved.y, behavior: "instant" });
  }
}
