// "Have we been here before?": as the recommendation's text is typed, ask the server for similar past
// recommendations and show them in the panel (the page works without this: the panel shows them for
// the text last saved or submitted, and a link opens the check on its own page).
(function () {
  "use strict";
  var box = document.getElementById("similar-results");
  if (!box) return;
  var form = box.closest("main") || document;
  var field = form.querySelector("textarea[name='text']");
  if (!field) return;
  var timer = null;
  var last = field.value;
  function ask() {
    if (field.value === last) return;
    last = field.value;
    var url = box.getAttribute("data-similar-url") + "&text=" + encodeURIComponent(field.value.slice(0, 2000));
    fetch(url, { headers: { "HX-Request": "true" }, credentials: "same-origin" })
      .then(function (r) { return r.ok ? r.text() : null; })
      .then(function (html) { if (html !== null) box.innerHTML = html; })
      .catch(function () {});
  }
  field.addEventListener("input", function () {
    clearTimeout(timer);
    timer = setTimeout(ask, 700);
  });
})();
