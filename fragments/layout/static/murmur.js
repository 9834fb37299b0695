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

  // A notice at the bottom of the page, for what has no place of its own.
  function notice(text) {
    var el = document.getElementById("murmur-notice");
    if (!el) {
      el = document.createElement("div");
      el.id = "murmur-notice";
      el.className = "notice";
      el.setAttribute("role", "status");
      document.body.appendChild(el);
    }
    el.textContent = text;
    el.classList.add("shown");
    clearTimeout(el._hide);
    el._hide = setTimeout(function () { el.classList.remove("shown"); }, 6000);
  }
  var unreachable = "This part of murmur can’t be reached right now. Try again in a moment.";

  // When a service cannot be reached, nginx answers its fragments with a
  // marked 503: show a notice and keep the page as it is (a compose box
  // keeps its text) instead of swapping the message in.
  document.addEventListener("htmx:before:response", function (e) {
    var ctx = e.detail && e.detail.ctx;
    if (ctx && ctx.response && ctx.response.headers.get("X-Murmur-Unreachable")) {
      e.preventDefault();
      notice(unreachable);
    }
  });
  // A request that got no answer at all (network down, timeout).
  document.addEventListener("htmx:error", function (e) {
    var ctx = e.detail && e.detail.ctx;
    if (ctx && !ctx.response) notice(unreachable);
  });

  // htmx fires a response's HX-Trigger events on the element that asked,
  // or on document when the swap removed that element (a follow button in a
  // search dropdown that closed). Widgets listen "from:body", below
  // document, so events that land on document are passed on to body.
  ["tweet-created", "tweet-deleted", "like-changed", "follow-changed", "profile-changed", "session-changed"]
    .forEach(function (name) {
      document.addEventListener(name, function (e) {
        if (e.target === document && document.body) {
          document.body.dispatchEvent(new CustomEvent(name, {bubbles: true, detail: e.detail}));
        }
      });
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
