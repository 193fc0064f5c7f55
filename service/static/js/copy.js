// The participant code's "Copy" button. Without JavaScript the button stays hidden and the code is
// plain text that selects as a whole with one tap (CSS user-select: all).
(function () {
  "use strict";
  var button = document.getElementById("copy-code");
  var code = document.getElementById("participant-code");
  var status = document.getElementById("copied");
  var copiedText = document.getElementById("copied-text");
  if (!button || !code) return;

  function selectCode() {
    var range = document.createRange();
    range.selectNodeContents(code);
    var selection = window.getSelection();
    selection.removeAllRanges();
    selection.addRange(range);
  }

  function done() {
    status.textContent = copiedText.textContent;
  }

  button.hidden = false;
  button.addEventListener("click", function () {
    var text = code.textContent.trim();
    if (navigator.clipboard && window.isSecureContext) {
      navigator.clipboard.writeText(text).then(done, function () {
        selectCode();
      });
      return;
    }
    selectCode();
    try {
      if (document.execCommand("copy")) done();
    } catch (error) {
      // The code stays selected: the phone's own "Copy" works on it.
    }
  });
})();
