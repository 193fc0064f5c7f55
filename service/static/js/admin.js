// Coordinator console: a "Copy" button next to a read-only field (the page works without it).
document.querySelectorAll("button[data-copy]").forEach(function (button) {
  var field = document.getElementById(button.getAttribute("data-copy"));
  var status = document.getElementById(field.id + "-copied");
  button.hidden = false;
  button.addEventListener("click", function () {
    field.select();
    var copied = navigator.clipboard ? navigator.clipboard.writeText(field.value) : Promise.reject();
    copied.catch(function () { document.execCommand("copy"); }).then(function () {
      if (status) { status.hidden = false; }
    });
  });
});
