// The feedback box without reloading the page: each of its forms (and its Back links) is sent
// with fetch, and the box of the page that comes back takes the place of this one. Any failure
// falls back to the plain form post or link, which does the same with a page load.
(function () {
  "use strict";
  var card = document.getElementById("feedback-card");
  if (!card || !window.fetch || !window.DOMParser || !window.FormData) {
    return;
  }

  function swap(reply) {
    if (!reply.ok) {
      throw new Error("HTTP " + reply.status);
    }
    return reply.text().then(function (html) {
      var next = new DOMParser().parseFromString(html, "text/html").getElementById("feedback-card");
      if (!next) {
        throw new Error("no feedback box in the answer");
      }
      card.innerHTML = next.innerHTML;
      var focus = card.querySelector("[data-feedback-focus]");
      if (focus) {
        focus.focus();
      }
    });
  }

  card.addEventListener("submit", function (event) {
    var form = event.target;
    if (form.dataset.sending) {
      event.preventDefault();
      return;
    }
    event.preventDefault();
    form.dataset.sending = "1";
    var data = new FormData(form);
    var request;
    if (form.method.toLowerCase() === "post") {
      request = fetch(form.action, { method: "POST", body: data, credentials: "same-origin" });
    } else {
      var url = form.action.split("#")[0].split("?")[0];
      request = fetch(url + "?" + new URLSearchParams(data).toString(), { credentials: "same-origin" });
    }
    request.then(swap).catch(function () {
      form.submit();
    });
  });

  card.addEventListener("click", function (event) {
    var link = event.target.closest("a[data-feedback-nav]");
    if (!link) {
      return;
    }
    event.preventDefault();
    fetch(link.href, { credentials: "same-origin" }).then(swap).catch(function () {
      window.location.href = link.href;
    });
  });
})();
