// Behaviour every page may use, kept out of the markup so that the Content-Security-Policy
// can forbid inline scripts. Listeners sit on the document, so fragments that htmx swaps
// in later behave the same.
"use strict";

// <input type="checkbox" data-choose-all="registration_id">: ticks or clears every box of
// that name in its form.
document.addEventListener("change", (event) => {
  const chooser = event.target.closest("[data-choose-all]");
  if (!chooser) return;
  chooser.form.querySelectorAll(`[name="${chooser.dataset.chooseAll}"]`)
    .forEach((box) => { box.checked = chooser.checked; });
});

// <button data-drop-form>: closes the form it is in (a form fetched into the page).
document.addEventListener("click", (event) => {
  const button = event.target.closest("[data-drop-form]");
  if (button) button.closest("form").remove();
});

// <form data-confirm="…">: asks before sending.
document.addEventListener("submit", (event) => {
  const message = event.target.dataset.confirm;
  if (message && !window.confirm(message)) event.preventDefault();
});
