/*
 * Advocate console: keeps the conversation's transcript live (re-read every second) and the queue
 * fresh (every 5 seconds). Pages work without this script; it only adds liveness.
 *
 * Everything people typed is written with textContent (never parsed as markup), so it shows as text. The
 * JSON comes from the same API as everyone's (GET /api/handoffs...), sent with the session cookie.
 */
(function () {
  "use strict";

  var TRANSCRIPT_POLL_MS = 1000;
  var QUEUE_POLL_MS = 5000;
  var SPEAKERS = { person: "Person", bot: "Bot", advocate: "Advocate" };
  var body = document.body;
  // Once a form is being submitted the page is leaving: polling must not reload it, or the reload
  // would cancel the submission (closing changes the status the poll watches).
  var leaving = false;
  document.addEventListener("submit", function () { leaving = true; });

  function toLogin() {
    window.location.assign("/advocate/login?next=" + encodeURIComponent(window.location.pathname));
  }

  function getJSON(url) {
    return fetch(url, { credentials: "same-origin", cache: "no-store", headers: { Accept: "application/json" } })
      .then(function (response) {
        if (response.status === 401) {
          toLogin();
          throw new Error("signed out");
        }
        if (!response.ok) {
          throw new Error("HTTP " + response.status);
        }
        return response.json();
      });
  }

  /* Poll `task` every `ms`, one request at a time, reporting failures to `onError`. */
  function every(ms, task, onError) {
    function run() {
      if (leaving) { return; }
      task().catch(onError || function () {}).then(function () {
        window.setTimeout(run, ms);
      });
    }
    window.setTimeout(run, ms);
  }

  function waited(iso) {
    var start = Date.parse(iso);
    if (isNaN(start)) { return ""; }
    var minutes = Math.max(0, Math.floor((Date.now() - start) / 60000));
    if (minutes < 1) { return "under a minute"; }
    if (minutes < 60) { return minutes + " min"; }
    var hours = Math.floor(minutes / 60);
    if (hours < 24) { return hours + " h " + (minutes % 60) + " min"; }
    var days = Math.floor(hours / 24);
    return days + " day" + (days !== 1 ? "s" : "") + " " + (hours % 24) + " h";
  }

  function refreshWaited() {
    var cells = document.querySelectorAll("[data-created] .waited, .waited[data-created]");
    Array.prototype.forEach.call(cells, function (cell) {
      var holder = cell.hasAttribute("data-created") ? cell : cell.closest("[data-created]");
      cell.textContent = waited(holder.getAttribute("data-created"));
    });
  }

  /* "Nov 25, 13:28" in the advocates' time zone (ADVOCATE_TIMEZONE), like the server-rendered times. */
  function shortTime(iso) {
    var date = new Date(iso);
    if (isNaN(date.getTime())) { return ""; }
    var options = { month: "short", day: "2-digit", hour: "2-digit", minute: "2-digit", hourCycle: "h23" };
    try {
      options.timeZone = body.getAttribute("data-timezone") || undefined;
      return date.toLocaleString("en-US", options);
    } catch (error) {  // an unknown zone name: the browser's own zone
      delete options.timeZone;
      return date.toLocaleString("en-US", options);
    }
  }

  function span(className, text) {
    var element = document.createElement("span");
    element.className = className;
    element.textContent = text;
    return element;
  }

  function entryItem(entry) {
    var item = document.createElement("li");
    var speaker = Object.prototype.hasOwnProperty.call(SPEAKERS, entry.from) ? entry.from : "other";
    item.className = "from-" + speaker;
    var who = speaker === "advocate" ? (entry.author || "Advocate") + " (advocate)" : (SPEAKERS[speaker] || "Unknown");
    item.appendChild(span("who", who));
    var time = document.createElement("time");
    time.setAttribute("datetime", entry.at);
    time.textContent = shortTime(entry.at);
    item.appendChild(time);
    item.appendChild(span("text", entry.text));
    return item;
  }

  function liveTranscript() {
    var list = document.getElementById("transcript");
    var state = document.getElementById("live-state");
    var handoffId = body.getAttribute("data-handoff-id");
    var shown = null;

    function render(entries) {
      var key = JSON.stringify(entries);
      if (key === shown) { return; }
      shown = key;
      var atBottom = list.scrollHeight - list.scrollTop - list.clientHeight < 40;
      while (list.firstChild) { list.removeChild(list.firstChild); }
      if (!entries.length) {
        var empty = span("muted", "No messages yet.");
        var item = document.createElement("li");
        item.className = "empty";
        item.appendChild(empty);
        list.appendChild(item);
      }
      entries.forEach(function (entry) { list.appendChild(entryItem(entry)); });
      if (atBottom) { list.scrollTop = list.scrollHeight; }
    }

    list.scrollTop = list.scrollHeight;
    every(TRANSCRIPT_POLL_MS, function () {
      return getJSON("/api/handoffs/" + encodeURIComponent(handoffId)).then(function (handoff) {
        render(handoff.transcript || []);
        if (state) { state.textContent = "Live · updated " + new Date().toLocaleTimeString(); }
        refreshWaited();
        if (!leaving && handoff.status !== body.getAttribute("data-status")) {
          window.location.reload();  // closed elsewhere: show the closed page
        }
      });
    }, function () {
      if (state) { state.textContent = "Connection problem: retrying…"; }
    });
  }

  function liveQueue() {
    function shownIds() {
      return Array.prototype.map.call(document.querySelectorAll("#queue-body tr[data-handoff-id]"), function (row) {
        return row.getAttribute("data-handoff-id");
      }).join(",");
    }
    every(QUEUE_POLL_MS, function () {
      return getJSON("/api/handoffs?status=open").then(function (handoffs) {
        var ids = handoffs.map(function (h) { return String(h.id); }).join(",");
        if (ids !== shownIds() && !leaving) {
          window.location.reload();
          return;
        }
        refreshWaited();
      });
    });
  }

  function sendOnCtrlEnter() {
    var text = document.getElementById("reply-text");
    if (!text) { return; }
    text.addEventListener("keydown", function (event) {
      if (event.key === "Enter" && (event.ctrlKey || event.metaKey)) {
        event.preventDefault();
        document.getElementById("reply-form").requestSubmit();
      }
    });
  }

  var page = body.getAttribute("data-page");
  if (page === "conversation") {
    liveTranscript();
    sendOnCtrlEnter();
  } else if (page === "queue") {
    liveQueue();
  }
})();
