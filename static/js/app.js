// Progressive enhancement only: every page works without JavaScript.
// Actions that matter (submit, publish, remove) go through a confirmation page, never a dialog.

// 'Fix the text': select the leak guard's hit in the field that holds it.
document.addEventListener("DOMContentLoaded", function () {
  const banner = document.querySelector("[data-leak-match]");
  if (!banner) return;
  const match = banner.dataset.leakMatch;
  for (const field of document.querySelectorAll("textarea, input[type=text]")) {
    const at = field.value.indexOf(match);
    if (at >= 0) {
      field.classList.add("border-warning", "border-3");
      field.focus();
      field.setSelectionRange(at, at + match.length);
      break;
    }
  }
});
