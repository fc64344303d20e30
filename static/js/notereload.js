// For authors running netstudy with --content: when the file of the note
// on screen changes, the page reloads itself and comes back to where the
// reader was. The server sends one "changed" event on the stream named by
// #note-live, which is on the page only when the content can change, and
// only for this note's own edits.
//
// The stream is open only while the tab is visible: a browser allows six
// connections to a server, and an author with many notes open in
// background tabs would otherwise use them all. A tab shown again asks
// with the revision it shows, so an edit made meanwhile reloads it at once.

const marker = document.getElementById("note-live");
const scrollKey = `netstudy.reload-scroll:${location.pathname}`;
let changes = null;

restoreScroll();

if (marker && "EventSource" in window) {
  follow();
  document.addEventListener("visibilitychange", follow);
}

function follow() {
  if (document.visibilityState === "hidden") {
    changes?.close();
    changes = null;
    return;
  }
  if (changes) return;
  changes = new EventSource(marker.dataset.changes);
  changes.addEventListener("changed", () => {
    changes.close();
    document.removeEventListener("visibilitychange", follow);
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
