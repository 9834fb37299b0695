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

  // A slot whose service was down when the shell composed the page shows
  // its fallback (.slot-retry), followed by a <template> that names the
  // fragment. Ask for it again, waiting longer each time (2 s, then half as
  // long again up to a minute, spread a little so that open pages do not
  // all ask at the same moment when the service comes back), and put it in
  // the fallback's place once the service answers: the page recovers
  // without a reload.
  function retrySlot(slot, fragment, wait) {
    setTimeout(function () {
      if (!slot.isConnected) return;
      fetch(fragment, {credentials: "same-origin"})
        .then(function (r) {
          if (r.status !== 200 || r.headers.get("X-Murmur-Unreachable")) throw new Error("not back yet");
          return r.text();
        })
        .then(function (html) { return htmx.swap({target: slot, text: html, swap: "outerHTML"}); })
        .catch(function () { retrySlot(slot, fragment, Math.min(wait * 1.5, 60000)); });
    }, wait * (0.75 + Math.random() * 0.5));
  }
  document.querySelectorAll(".slot-retry").forEach(function (slot) {
    var marker = slot.nextElementSibling;
    if (marker && marker.matches("template[data-murmur-fragment]")) retrySlot(slot, marker.dataset.murmurFragment, 2000);
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
