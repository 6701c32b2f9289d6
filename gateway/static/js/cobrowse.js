// Sportello live help: the shared view of one request, kept current by Server-Sent Events.
// Each event makes the page fetch its panel again from the server (which renders it in the
// reader's language); accept, reject and end are sent without leaving the page. After an
// answer, focus moves to the next proposal (or, when none is left, to the message that says
// so) and the live region says what happened: never to <body>. Without this script every
// button is a plain form whose answer lands on the page at that same place (its fragment).
(function () {
  "use strict";

  var root = document.querySelector("[data-cobrowse]");
  if (!root || !window.EventSource || !window.fetch) { return; }
  var status = document.getElementById("cobrowse-status");
  var errorBox = document.getElementById("cobrowse-error");
  var source = null;
  var refreshing = null;
  var again = false;
  // The answer on its way: which proposal, the order they were shown in, what to announce.
  var answering = null;
  // The button to give focus back to when a refreshed panel still has it (an error).
  var restoreKey = null;

  function announce(text) {
    if (!status || !text) { return; }
    status.textContent = "";
    window.setTimeout(function () { status.textContent = text; }, 50);
  }

  function showError(text) {
    if (!errorBox) { return; }
    errorBox.textContent = text || "";
    errorBox.classList.toggle("d-none", !text);
  }

  function refresh() {
    // One refresh at a time; events that arrive meanwhile ask for one more. Whatever had
    // focus (each focusable part of the panel has a data-focus-key) has it again after.
    if (refreshing) { again = true; return refreshing; }
    var focused = (document.activeElement && document.activeElement.getAttribute("data-focus-key")) || restoreKey;
    refreshing = fetch(root.getAttribute("data-panel-url"), {
      credentials: "same-origin",
      headers: { "X-Requested-With": "XMLHttpRequest", "Accept": "text/html" }
    }).then(function (response) {
      if (!response.ok) { throw new Error(String(response.status)); }
      return response.text();
    }).then(function (html) {
      // A box the person ticked (the privacy notice's) stays ticked in the new panel.
      var ticked = Array.prototype.map.call(root.querySelectorAll("input[type=checkbox]:checked[id]"),
        function (box) { return box.id; });
      var focusedBox = document.activeElement && root.contains(document.activeElement)
        && document.activeElement.type === "checkbox" ? document.activeElement.id : null;
      root.innerHTML = html;
      ticked.forEach(function (id) {
        var box = document.getElementById(id);
        if (box && box.type === "checkbox") { box.checked = true; }
      });
      if (focusedBox && document.getElementById(focusedBox)) { document.getElementById(focusedBox).focus(); }
      root.setAttribute("data-revision", String(Number(root.getAttribute("data-revision") || 0) + 1));
      if (answering && answering.sent && !proposalCard(answering.id)) {
        focusAfterAnswer(answering);
        answering = null;
      } else if (focused) {
        var target = root.querySelector('[data-focus-key="' + focused + '"]');
        if (!target && restoreKey) {
          // The button pressed is gone (refused, or the session ended): the error, else the
          // message that takes its place.
          target = errorBox && !errorBox.classList.contains("d-none") ? errorBox
            : root.querySelector("[data-focus-fallback]");
        }
        if (target) { target.focus(); restoreKey = null; }
      }
      var panel = root.querySelector("[data-session-state]");
      if (panel && panel.getAttribute("data-session-state") === "ended") { stop(); }
    }).catch(function () { /* the next event or keep-alive brings the page back */ })
      .then(function () {
        refreshing = null;
        if (again) { again = false; refresh(); }
      });
    return refreshing;
  }

  function proposalCard(id) {
    return root.querySelector('[data-proposal="' + id + '"]');
  }

  function focusAfterAnswer(done) {
    // The proposal that followed the answered one, else the first left, else the message.
    var target = null;
    var after = done.order.slice(done.order.indexOf(done.id) + 1).concat(done.order);
    for (var i = 0; i < after.length && !target; i++) { target = proposalCard(after[i]); }
    target = target || root.querySelector("[data-proposal]") || root.querySelector("[data-focus-fallback]");
    if (!target) { announce(done.outcome); return; }
    target.focus();
    var text = target.querySelector("[data-proposal-text]") || target;
    announce(done.outcome + " " + text.textContent.replace(/\s+/g, " ").trim());
  }

  function stop() {
    if (source) { source.close(); source = null; }
  }

  function connect() {
    source = new EventSource(root.getAttribute("data-stream-url"));
    source.addEventListener("open", function () { root.setAttribute("data-connected", "true"); });
    source.addEventListener("proposed", function () {
      announce(root.getAttribute("data-on-proposed"));
      refresh();
    });
    ["joined", "answered", "submitted"].forEach(function (kind) {
      source.addEventListener(kind, function () { refresh(); });
    });
    source.addEventListener("answered", function () { announce(root.getAttribute("data-on-answered")); });
    source.addEventListener("ended", function () {
      announce(root.getAttribute("data-ended"));
      stop();
      refresh();
    });
  }

  // Accept, reject, end: sent with fetch; the live event (or this answer) refreshes the panel.
  root.addEventListener("submit", function (event) {
    var form = event.target;
    if (!form.hasAttribute || !form.hasAttribute("data-live-action")) { return; }
    event.preventDefault();
    var card = form.closest("[data-proposal]");
    var key = form.querySelector("[data-focus-key]");
    restoreKey = key ? key.getAttribute("data-focus-key") : null;
    answering = card ? {
      id: card.getAttribute("data-proposal"),
      order: Array.prototype.map.call(root.querySelectorAll("[data-proposal]"), function (c) {
        return c.getAttribute("data-proposal");
      }),
      outcome: form.getAttribute("data-outcome") || "",
      sent: false
    } : null;
    var buttons = form.querySelectorAll("button");
    buttons.forEach(function (b) { b.disabled = true; });
    fetch(form.action, {
      method: "POST",
      body: new FormData(form),
      credentials: "same-origin",
      headers: { "X-Requested-With": "XMLHttpRequest", "Accept": "application/json" }
    }).then(function (response) {
      if (response.ok) {
        showError("");
        if (answering) { answering.sent = true; restoreKey = null; }
        return null;
      }
      answering = null;
      return response.json().then(function (problem) {
        showError(problem.detail || problem.title);
      }, function () { showError(String(response.status)); });
    }).catch(function () {
      answering = null;
      showError("");
    }).then(function () { refresh(); });
  });

  connect();
})();
