// Small behaviours htmx does not cover. Everything here is progressive:
// the pages work without it. murmur's pages allow no inline script and no
// eval (README, "Security"), so behaviour that would sit in an onclick or
// an hx-on attribute lives here, keyed on data- attributes.
(function () {
  "use strict";

  // htmx compiles code from attributes only for hx-on handlers, js: values
  // and trigger filters ("keyup[key=='Enter']"): what 'unsafe-eval' would
  // have to allow. murmur uses none of them, and this extension makes that
  // htmx's rule too, also where a page is served without its policy: no
  // hx-on handler is installed, and the constructors htmx compiles with
  // refuse, naming the element, instead of leaving a bare policy report.
  if (window.htmx) {
    var noEval = "murmur: htmx runs no code from attributes here; move it into a script file";
    htmx.registerExtension("murmur-no-eval", {
      init: function (api) {
        var refuse = function () { throw new Error(noEval); };
        api.initSecurity(null, refuse, refuse);
      },
      // htmx asks for every element it processes, with hx-on or not.
      htmx_before_on_init: function (elt) {
        var names = elt.getAttributeNames ? elt.getAttributeNames() : [];
        if (!names.some(function (n) { return n.indexOf("hx-on") === 0 || n.indexOf("data-hx-on") === 0; })) return;
        console.error(noEval + " (hx-on)", elt);
        return false;
      }
    });
  }

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
  // document, so an event that lands on document is moved to body; it is
  // stopped on its way to document (caught first, on window), so widgets
  // listening "from:outside", on document, hear it once, not twice.
  ["tweet-created", "tweet-deleted", "like-changed", "boost-changed", "follow-changed", "profile-changed", "session-changed", "reply-created"]
    .forEach(function (name) {
      window.addEventListener(name, function (e) {
        if (e.target === document && document.body) {
          e.stopPropagation();
          document.body.dispatchEvent(new CustomEvent(name, {bubbles: true, detail: e.detail}));
        }
      }, true);
    });

  // A reply was posted, here (HX-Trigger) or elsewhere (the live socket
  // of a tweet's page): every card of the replied-to tweet shows its new
  // count, found by data-reply-count-for as the live like counts are.
  document.addEventListener("reply-created", function (e) {
    var d = e.detail || {};
    if (!d.in_reply_to_id || typeof d.reply_count !== "number") return;
    document.querySelectorAll("[data-reply-count-for]").forEach(function (el) {
      if (el.dataset.replyCountFor === String(d.in_reply_to_id)) el.textContent = String(d.reply_count);
    });
  });

  // A reply box opened under a card takes the caret, after the "@author "
  // it is prefilled with (htmx's autofocus would put it before).
  document.addEventListener("htmx:after:swap", function () {
    document.querySelectorAll("textarea[data-focus-end]").forEach(function (area) {
      area.removeAttribute("data-focus-end");
      area.focus();
      area.setSelectionRange(area.value.length, area.value.length);
      updateCounter(area);
    });
  });

  // Buttons that close or remove what holds them: data-close="details"
  // closes the nearest <details> around the button (a tweet's "Cancel"),
  // data-remove="li" takes the nearest <li> off the page (an attachment).
  document.addEventListener("click", function (e) {
    var b = e.target.closest && e.target.closest("[data-close], [data-remove]");
    if (!b) return;
    var el = b.dataset.close && b.closest(b.dataset.close);
    if (el) el.open = false;
    el = b.dataset.remove && b.closest(b.dataset.remove);
    if (el) el.remove();
  });

  // A file field forgets the files it sent, so choosing the same file again
  // is a change, and uploads it again.
  document.addEventListener("htmx:finally:request", function (e) {
    var el = e.target;
    if (el && el.matches && el.matches("input[type=file]")) el.value = "";
  });

  // Enter in a field fires "enter-key" on it, for an hx-trigger to name
  // (the people search): htmx's keyup[key=='Enter'] would need eval.
  document.addEventListener("keyup", function (e) {
    if (e.key === "Enter" && e.target.matches && e.target.matches("input")) {
      e.target.dispatchEvent(new CustomEvent("enter-key", {bubbles: true}));
    }
  });

  // Close the people-search dropdown on Escape or a click elsewhere.
  document.addEventListener("keydown", function (e) {
    if (e.key === "Escape") document.querySelectorAll(".search-results").forEach(function (r) { r.innerHTML = ""; });
  });
  document.addEventListener("click", function (e) {
    if (!e.target.closest || e.target.closest(".nav-search")) return;
    document.querySelectorAll(".search-results").forEach(function (r) { r.innerHTML = ""; });
  });

  // A profile picture that cannot load (its service down, or a page opened
  // on a service that does not serve profile's URLs) gives way to the
  // initial it stands for. Load errors do not bubble: caught on the way down.
  document.addEventListener("error", function (e) {
    var img = e.target;
    if (img && img.tagName === "IMG" && img.hasAttribute("data-initial")) {
      img.replaceWith(document.createTextNode(img.getAttribute("data-initial")));
    }
  }, true);
})();
