// The live part of a tweet's page. Its socket (/timeline/ws/conversation)
// watches the tweets the page shows: this script names them each time the
// socket (re)opens, and turns what the socket says into the events the
// page's widgets already listen for: reply-created (the replies read
// themselves afresh; murmur.js puts the new count on the replied-to
// tweet's cards) and tweet-deleted.
(function () {
  "use strict";
  if (window.murmurConversation) return;
  window.murmurConversation = true;

  function live() { return document.querySelector("[data-conversation-live]"); }
  function fire(name, detail) {
    document.body.dispatchEvent(new CustomEvent(name, {bubbles: true, detail: detail}));
  }

  document.addEventListener("htmx:ws:before:connection", function (e) {
    var conn = e.detail && e.detail.connection, el = live();
    if (!conn || !conn.url || !el || e.target !== el) return;
    var root = el.dataset.conversationLive, ids = [root];
    var replies = document.getElementById("replies-of-" + root);
    if (replies) {
      replies.querySelectorAll("article[data-tweet-id]").forEach(function (a) { ids.push(a.dataset.tweetId); });
    }
    var u = new URL(conn.url);
    u.searchParams.set("watch", ids.slice(0, 500).join(","));
    conn.url = u.toString();
  });

  // A reconnect may have missed replies: read them afresh.
  var opened = 0;
  document.addEventListener("htmx:ws:after:connection", function (e) {
    if (e.target !== live()) return;
    if (opened++ > 0) fire("reply-created", {});
  });

  document.addEventListener("htmx:ws:after:message:incoming", function () {
    var box = document.getElementById("conversation-incoming");
    if (!box) return;
    box.querySelectorAll(".conversation-change").forEach(function (c) {
      var d = c.dataset;
      if (d.deletedId) {
        fire("tweet-deleted", {id: d.deletedId});
      } else if (d.replyId) {
        var detail = {id: d.replyId, in_reply_to_id: d.inReplyTo};
        var n = parseInt(d.replyCount, 10);
        if (n >= 0) detail.reply_count = n;
        fire("reply-created", detail);
      } else {
        fire("reply-created", {});
      }
    });
    box.replaceChildren();
  });
})();
