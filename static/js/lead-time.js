// The meeting form's lead-time warning, shown as the date is chosen (before anything is saved).
// Progressive enhancement: without JavaScript the server shows the same warning as a confirmation
// step when the form is submitted.
document.addEventListener("DOMContentLoaded", function () {
  const form = document.querySelector("[data-lead-time-form]");
  if (!form) return;
  const input = form.querySelector("input[name=starts_at]");
  const warning = document.getElementById("lead-time-live");
  if (!input || !warning) return;
  const leadDays = parseInt(warning.dataset.leadDays, 10);
  const original = input.value;

  function update() {
    const value = input.value;
    if (!value || value === original) {
      if (value === original) warning.hidden = true;
      return;
    }
    // datetime-local gives "YYYY-MM-DDTHH:MM" in the browser's wall-clock time (UK users: UK time).
    const chosen = new Date(value);
    if (isNaN(chosen.getTime())) return;
    const now = new Date();
    const days = (chosen.getTime() - now.getTime()) / 86400000;
    warning.hidden = !(days > 0 && days < leadDays);
  }

  input.addEventListener("input", update);
  input.addEventListener("change", update);
  update();
});
