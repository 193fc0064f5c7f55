// Live refresh of the trainer's cohort page and projector view, without reloading the page.
// While a phase is open it asks live.json (same origin; the trainer's HttpOnly cookie authenticates
// it) every 10 seconds, only while the tab is visible, and swaps in the parts the server rendered
// (so plural forms and number formats stay server-side). It sends the last answer's ETag: an
// unchanged view comes back as an empty 304, and each unchanged answer in a row stretches the wait
// by half, up to a minute; a change brings it back to 10 seconds (the cost model in
// bench/cost_model.py counts these polls). The swapped parts keep their shape, so nothing on the
// page jumps. Without JavaScript the page has a "Refresh now" link.
(function () {
  "use strict";
  var status = document.getElementById("live-status");
  if (!status || !window.fetch) return;
  var url = status.getAttribute("data-live-url");
  var shortest = Math.max(10000, Number(status.getAttribute("data-interval")) || 0);
  var longest = 60000;
  var interval = shortest;
  var etag = null;
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
    var headers = { Accept: "application/json" };
    if (etag) headers["If-None-Match"] = etag;
    fetch(url, { credentials: "same-origin", headers: headers, cache: "no-store" })
      .then(function (response) {
        if (response.status === 304) return null;
        if (!response.ok) throw new Error(String(response.status));
        etag = response.headers.get("ETag");
        return response.json();
      })
      .then(function (data) {
        busy = false;
        if (data === null) {
          interval = Math.min(longest, Math.round(interval * 1.5));
          schedule();
          return;
        }
        interval = shortest;
        swap(data.html || {});
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
      interval = shortest; // back to a trainer who is looking: fresh figures soon
      schedule();
    }
  });
  schedule();
})();
