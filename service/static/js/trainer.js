// Live refresh of the trainer's cohort page and projector view, without reloading the page.
// While a phase is open it asks live.json (same origin; the trainer's HttpOnly cookie authenticates
// it) at most every 10 seconds, only while the tab is visible, and swaps in the parts the server
// rendered (so plural forms and number formats stay server-side). The swapped parts keep their
// shape, so nothing on the page jumps. Without JavaScript the page has a "Refresh now" link.
(function () {
  "use strict";
  var status = document.getElementById("live-status");
  if (!status || !window.fetch) return;
  var url = status.getAttribute("data-live-url");
  var interval = Math.max(10000, Number(status.getAttribute("data-interval")) || 0);
  var timer = null;
  var busy = false;
  var last = Date.now();

  function swap(html) {
    Object.keys(html).forEach(function (name) {
      var part = document.querySelector('[data-live="' + name + '"]');
      if (part && part.innerHTML !== html[name]) part.innerHTML = html[name];
    });
  }

  function schedule() {
    clearTimeout(timer);
    var wait = Math.max(0, interval - (Date.now() - last));
    timer = document.hidden ? null : setTimeout(poll, wait);
  }

  function poll() {
    if (busy || document.hidden) return;
    busy = true;
    last = Date.now();
    fetch(url, { credentials: "same-origin", headers: { Accept: "application/json" }, cache: "no-store" })
      .then(function (response) {
        if (!response.ok) throw new Error(String(response.status));
        return response.json();
      })
      .then(function (data) {
        swap(data.html || {});
        busy = false;
        if (data.open && data.open.length) schedule();
      })
      .catch(function () {
        busy = false;
        schedule();
      });
  }

  document.addEventListener("visibilitychange", function () {
    if (document.hidden) {
      clearTimeout(timer);
      timer = null;
    } else {
      schedule();
    }
  });
  schedule();
})();
