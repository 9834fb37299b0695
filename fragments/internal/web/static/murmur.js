// Small behaviours htmx does not cover. Everything here is progressive:
// the pages work without it.
(function () {
  "use strict";

  // Live character counter for any textarea with data-limit: counts what a
  // person sees (grapheme clusters, so one emoji is one) and turns red past
  // the limit.
  function count(text) {
    if (window.Intl && Intl.Segmenter) {
      var n = 0;
      for (var _ of new Intl.Segmenter().segment(text)) n++;
      return n;
    }
    return Array.from(text).length;
  }
  function updateCounter(area) {
    var limit = parseInt(area.dataset.limit, 10);
    var out = area.form && area.form.querySelector("[data-counter]");
    if (!out) return;
    var left = limit - count(area.value.trim());
    out.textContent = String(left);
    out.classList.toggle("over", left < 0);
  }
  document.addEventListener("input", function (e) {
    if (e.target.matches && e.target.matches("textarea[data-limit]")) updateCounter(e.target);
  });

  // Close the people-search dropdown on Escape or a click elsewhere.
  document.addEventListener("keydown", function (e) {
    if (e.key === "Escape") document.querySelectorAll(".search-results").forEach(function (r) { r.innerHTML = ""; });
  });
  document.addEventListener("click", function (e) {
    if (!e.target.closest || e.target.closest(".nav-search")) return;
    document.querySelectorAll(".search-results").forEach(function (r) { r.innerHTML = ""; });
  });
})();
