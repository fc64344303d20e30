// Applies a saved theme before the page paints, so a dark-theme reader never
// sees a white flash. Kept tiny and classic (not a module) so it runs first.
(function () {
  try {
    var t = localStorage.getItem("netstudy.theme");
    if (t === "dark" || t === "light") document.documentElement.dataset.theme = t;
  } catch (e) { /* storage may be disabled: follow the system theme */ }
})();
