// The test form on a bad network. The form works without this script; with it:
// - every answer is kept in this phone's localStorage as it is given, and comes back after a reload;
// - the form is sent with fetch, and when that fails for lack of network the answers stay, a note
//   says so, and the same request (the same submission_id, so it is stored once) goes again when the
//   connection is back, or when the button is pressed again.
// What the server answers (the result page, or the form with a message) replaces the page, which
// then opens at what matters (the element the server marked autofocus: the list of unanswered
// questions, the error, the result's heading), not where the old page was scrolled to.
// While answering, a bar that stays in view says how many questions are answered, and which not.
// Texts come translated in the script tag's data-* attributes. Saved answers are forgotten once the
// server has answered 2xx, and after 12 hours.
(function () {
  "use strict";
  var form = document.getElementById("test");
  var script = document.currentScript;
  if (!form || !script || !window.fetch || !window.URLSearchParams || !window.FormData) return;

  var texts = script.dataset;
  var key = "assess:" + location.pathname + ":" + form.elements.phase.value;
  var keepFor = 12 * 3600 * 1000;
  var timeoutMs = 30000;
  var retryEveryMs = 15000;
  var retriesLeft = 40;
  var pending = null; // the body of a send that failed for lack of network
  var retryTimer = null;
  var sending = false;

  function load() {
    try {
      var saved = JSON.parse(window.localStorage.getItem(key));
      if (saved && saved.values && Date.now() - saved.saved < keepFor) return saved;
    } catch (error) {
      // no storage (private mode, full, blocked): the form still works as a plain form
    }
    return null;
  }

  function store(state) {
    try {
      window.localStorage.setItem(key, JSON.stringify(state));
    } catch (error) {
      // as above
    }
  }

  function forget() {
    try {
      window.localStorage.removeItem(key);
    } catch (error) {
      // as above
    }
  }

  function kept(element) {
    return element.name && (/^[adrs]\./.test(element.name) || element.name === "participant_code");
  }

  function values() {
    var given = {};
    Array.prototype.forEach.call(form.elements, function (element) {
      if (!kept(element)) return;
      if ((element.type === "radio" || element.type === "checkbox") && !element.checked) return;
      (given[element.name] = given[element.name] || []).push(element.value);
    });
    return given;
  }

  function save() {
    store({ saved: Date.now(), submission_id: form.elements.submission_id.value, values: values() });
  }

  function differs(saved) {
    // Whether the saved answers are other than what the page shows (a language switch or a
    // prefilled code is no restoring worth a notice).
    var now = values();
    var names = Object.keys(saved.values).filter(function (name) {
      return /^a\./.test(name);
    });
    return names.some(function (name) {
      return (now[name] || []).slice().sort().join() !== saved.values[name].slice().sort().join();
    });
  }

  function restore(saved) {
    form.elements.submission_id.value = saved.submission_id;
    Array.prototype.forEach.call(form.elements, function (element) {
      if (!kept(element)) return;
      var values = saved.values[element.name] || [];
      if (element.type === "radio" || element.type === "checkbox") {
        element.checked = values.indexOf(element.value) >= 0;
      } else if (values.length) {
        element.value = values[0];
      }
    });
  }

  // A note at the button that was pressed (sending, no connection) or at the top of the form (restored).
  function say(text, id) {
    var note = document.getElementById(id || "connection-note");
    if (!note) {
      note = document.createElement("p");
      note.id = id || "connection-note";
      note.className = "notice";
      note.setAttribute("role", "status");
      form.insertBefore(note, id ? form.firstChild : form.querySelector(".submit"));
    }
    note.textContent = text;
  }

  function show(html) {
    window.removeEventListener("online", retry);
    window.clearTimeout(retryTimer);
    document.open();
    document.write(html);
    document.close();
    var target = document.querySelector("[autofocus]");
    window.scrollTo(0, 0);
    if (target) {
      target.focus();
      target.scrollIntoView({ block: "start" });
    }
  }

  // "Answered 5 of 21 · not yet: 3, 7" in a bar that stays at the top while scrolling.
  var questions = Array.prototype.slice.call(form.querySelectorAll("fieldset[id^=q-]"));
  var bar = null;
  if (questions.length && texts.progress) {
    bar = document.createElement("p");
    bar.id = "progress";
    bar.className = "progress";
    bar.setAttribute("aria-live", "polite");
    form.insertBefore(bar, questions[0]);
  }

  function progress() {
    if (!bar) return;
    var missing = [];
    questions.forEach(function (fieldset, index) {
      if (!fieldset.querySelector("input:checked")) missing.push(index + 1);
    });
    var text = texts.progress
      .replace("{answered}", String(questions.length - missing.length))
      .replace("{total}", String(questions.length));
    if (missing.length && missing.length <= 8) text += " · " + texts.missing + " " + missing.join(", ");
    bar.textContent = text;
  }

  function send(body) {
    if (sending) return;
    sending = true;
    pending = body;
    window.clearTimeout(retryTimer);
    say(texts.sending);
    var controller = window.AbortController ? new AbortController() : null;
    var timer = window.setTimeout(function () {
      if (controller) controller.abort();
    }, timeoutMs);
    fetch(location.href, {
      method: "POST",
      body: body,
      credentials: "same-origin",
      headers: { "Content-Type": "application/x-www-form-urlencoded" },
      signal: controller ? controller.signal : undefined,
    })
      .then(function (response) {
        return response.text().then(function (html) {
          window.clearTimeout(timer);
          sending = false;
          pending = null;
          if (response.ok) forget();
          show(html);
        });
      })
      .catch(function () {
        // No answer at all: no network, or it timed out. The server may or may not have stored it;
        // sending the same submission_id again is safe either way.
        window.clearTimeout(timer);
        sending = false;
        say(texts.offline);
        if (retriesLeft-- > 0) retryTimer = window.setTimeout(retry, retryEveryMs);
      });
  }

  function retry() {
    if (pending && !sending) send(pending);
  }

  var answered = document.getElementById("form-error") || document.getElementById("unanswered");
  var saved = load();
  if (answered) {
    save(); // the server sent back what it received: that is the latest
  } else if (saved && differs(saved)) {
    restore(saved);
    say(texts.restored, "restored-note");
  } else {
    save();
  }
  progress();

  form.addEventListener("change", save);
  form.addEventListener("change", progress);
  form.addEventListener("input", save);
  window.addEventListener("online", retry);
  form.addEventListener("submit", function (event) {
    var submitter = event.submitter;
    if (submitter && submitter.name === "switch_lang") return; // a language switch: a plain page load
    event.preventDefault();
    save();
    var body = new URLSearchParams(new FormData(form));
    if (submitter && submitter.name) body.append(submitter.name, submitter.value);
    send(body);
  });
})();
