// The live part of the home timeline. The server pushes tweet cards over the
// socket (hx-ws) into the hidden #timeline-incoming and removes deleted ones
// with out-of-band swaps; this script decides where a new card goes: at the
// top of the list while the reader is at the top, else behind the
// "N new tweets" pill, so the page never shifts under someone reading. It
// also tells the server, on every (re)connect, the newest tweet the page
// has, so a reconnect fills in what was missed.
(function () {
  "use strict";
  if (window.murmurTimeline) return;
  window.murmurTimeline = true;

  var newest = BigInt(0);
  function big(s) { try { return BigInt(s || "0"); } catch (e) { return BigInt(0); } }
  function note(id) { var n = big(id); if (n > newest) newest = n; }
  function $(id) { return document.getElementById(id); }
  function cards(el) { return el ? Array.from(el.querySelectorAll(":scope > article.tweet[data-tweet-id]")) : []; }
  function holds(el, id) { return cards(el).some(function (c) { return c.dataset.tweetId === id; }); }
  // A card's place in the home: its tweet's id, or, for a tweet there as a
  // boost, the boost's (data-boost-id), which is newer.
  function place(card) { return card.dataset.boostId || card.dataset.tweetId; }
  // ours tells the home's socket from the page's others (the bell keeps a
  // socket of its own): hx-ws fires its events on the element that holds
  // the connection, and they bubble to the document.
  function ours(e) { return !!(e.target && e.target.matches && e.target.matches(".timeline-live")); }

  // insert puts a card among others in newest-first order. A card older
  // than everything in a list that has more pages is left to those pages.
  function insert(list, card) {
    var id = big(place(card));
    var shown = cards(list);
    for (var i = 0; i < shown.length; i++) {
      if (big(place(shown[i])) < id) { list.insertBefore(card, shown[i]); return; }
    }
    if (list.querySelector(":scope > .more")) { card.remove(); return; }
    if (shown.length) shown[shown.length - 1].after(card); else list.prepend(card);
  }

  function atTop(items) { return items.getBoundingClientRect().top >= 0; }

  function flush() {
    var items = $("timeline-items"), pending = $("timeline-pending");
    if (!items || !pending) return;
    cards(pending).reverse().forEach(function (c) { insert(items, c); });
    var empty = items.querySelector(":scope > .timeline-empty");
    if (empty && cards(items).length) empty.remove();
  }

  function updatePill() {
    var pill = $("timeline-pill"), pending = $("timeline-pending");
    if (!pill || !pending) return;
    var n = cards(pending).length;
    pill.hidden = n === 0;
    pill.textContent = n === 1 ? "1 new tweet" : n + " new tweets";
  }

  function settle() {
    var feed = $("timeline-feed"), incoming = $("timeline-incoming");
    var items = $("timeline-items"), pending = $("timeline-pending");
    if (!feed || !incoming || !items || !pending) return;
    if (incoming.querySelector(".timeline-resync")) {
      // More was missed than a catch-up carries: read the feed afresh.
      incoming.replaceChildren();
      htmx.ajax("GET", "/timeline/frag/feed?sort=" + encodeURIComponent(feed.dataset.sort || "recent"),
        {target: "#timeline-feed", swap: "outerHTML"});
      return;
    }
    cards(incoming).forEach(function (card) {
      var id = card.dataset.tweetId;
      note(place(card));
      if (holds(items, id) || holds(pending, id)) { card.remove(); return; }
      insert(pending, card);
    });
    incoming.replaceChildren();
    if (feed.dataset.sort !== "popular" && atTop(items)) flush();
    updatePill();
  }

  document.addEventListener("htmx:ws:after:message:incoming", function (e) { if (ours(e)) settle(); });

  // Every attempt to (re)open the socket asks for what the page missed
  // since the newest tweet it has.
  document.addEventListener("htmx:ws:before:connection", function (e) {
    var conn = e.detail && e.detail.connection;
    if (!ours(e) || !conn || !conn.url) return;
    var feed = $("timeline-feed");
    if (feed) note(feed.dataset.since);
    cards($("timeline-items")).forEach(function (c) { note(place(c)); });
    var u = new URL(conn.url);
    u.searchParams.set("since", newest.toString());
    conn.url = u.toString();
  });

  // While the socket is down the page says so, quietly and for as long as
  // it lasts ("live updates paused"), and stops saying so once it is back.
  // A drop mended within a moment (a server restarting) never shows.
  var pausing = null;
  function livePaused(paused) {
    var marker = $("timeline-paused");
    if (!marker) return;
    if (!paused) {
      clearTimeout(pausing);
      pausing = null;
      marker.hidden = true;
    } else if (marker.hidden && !pausing) {
      pausing = setTimeout(function () { pausing = null; marker.hidden = false; }, 1500);
    }
  }
  document.addEventListener("htmx:ws:close", function (e) {
    // "removed": the page took the socket away itself.
    if (ours(e) && !(e.detail && e.detail.reason === "removed")) livePaused(true);
  });

  var opened = 0;
  document.addEventListener("htmx:ws:after:connection", function (e) {
    if (!ours(e)) return;
    livePaused(false);
    var feed = $("timeline-feed");
    // A reconnect: tweets deleted while the socket was down are still on
    // the page, so a reader at the top gets the feed afresh (a reader
    // scrolled down keeps their place; the catch-up still arrives). Only
    // once the socket is open again: asking at every attempt while the
    // timeline is down would only fail, again and again.
    if (opened++ > 0 && feed && atTop($("timeline-items") || feed)) {
      htmx.ajax("GET", "/timeline/frag/feed?sort=" + encodeURIComponent(feed.dataset.sort || "recent"),
        {target: "#timeline-feed", swap: "outerHTML"});
    }
  });

  document.addEventListener("htmx:after:swap", function () {
    var feed = $("timeline-feed");
    if (feed) note(feed.dataset.since);
    updatePill();
  });

  document.addEventListener("click", function (e) {
    var pill = e.target.closest && e.target.closest("#timeline-pill");
    if (!pill) return;
    var feed = $("timeline-feed");
    if (feed && feed.dataset.sort === "popular") {
      // New tweets have no likes yet: show them where they are first.
      htmx.ajax("GET", "/timeline/frag/feed?sort=recent", {target: "#timeline-feed", swap: "outerHTML"});
      return;
    }
    flush();
    updatePill();
    if (feed) window.scrollTo({top: Math.max(0, feed.getBoundingClientRect().top + window.scrollY - 80)});
  });
})();
