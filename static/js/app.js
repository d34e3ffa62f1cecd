// Behaviour every page may use, kept out of the markup so that the Content-Security-Policy
// can forbid inline scripts. Listeners sit on the document, so fragments that htmx swaps
// in later behave the same.
"use strict";

// <input type="checkbox" data-choose-all="registration_id">: ticks or clears every box of
// that name in its form, of the rows a filter left in view.
document.addEventListener("change", (event) => {
  const chooser = event.target.closest("[data-choose-all]");
  if (!chooser) return;
  chooser.form.querySelectorAll(`[name="${chooser.dataset.chooseAll}"]`)
    .forEach((box) => { if (!box.closest("tr[hidden]")) box.checked = chooser.checked; });
});

// <input data-filter-rows="#table">: shows only the table's rows holding the typed text
// (ticked rows stay in view, so nothing chosen is hidden when the form is sent).
function filterRows(filter) {
  const wanted = filter.value.trim().toLowerCase();
  document.querySelectorAll(`${filter.dataset.filterRows} tbody tr`).forEach((row) => {
    const ticked = row.querySelector("input[type=checkbox]:checked");
    row.hidden = Boolean(wanted) && !ticked && !row.textContent.toLowerCase().includes(wanted);
  });
}
document.addEventListener("input", (event) => {
  const filter = event.target.closest("[data-filter-rows]");
  if (filter) filterRows(filter);
});

// <button data-drop-form>: closes the form it is in (a form fetched into the page).
document.addEventListener("click", (event) => {
  const button = event.target.closest("[data-drop-form]");
  if (button) button.closest("form").remove();
});

// <button data-drop-closest="[data-new-institution]">: closes the part of the page it is in
// (a small form fetched into a bigger one).
document.addEventListener("click", (event) => {
  const button = event.target.closest("[data-drop-closest]");
  if (button) button.closest(button.dataset.dropClosest).remove();
});

// <div data-added-institution="12" data-label="Kesbangpol Kukar" data-choose="#host_institution_id">,
// swapped in once an institution was added in place: it joins every <select
// data-institution-list> of the page, in alphabetical order, and is chosen in data-choose.
function addInstitution(added) {
  const { addedInstitution: id, label, choose } = added.dataset;
  document.querySelectorAll("select[data-institution-list]").forEach((select) => {
    let option = [...select.options].find((each) => each.value === id);
    if (!option) {
      option = new Option(label, id);
      const after = [...select.options].find((each) => each.value && each.value !== "None"
        && each.text.localeCompare(label, "id", { sensitivity: "base" }) > 0);
      select.add(option, after || null);
    }
    if (select.matches(choose)) {
      select.value = id;
      select.dispatchEvent(new Event("change", { bubbles: true }));
    }
  });
}
document.addEventListener("htmx:load", (event) => {
  const root = event.detail.elt;
  if (root.matches("[data-added-institution]")) addInstitution(root);
  root.querySelectorAll("[data-added-institution]").forEach(addInstitution);
});

// <div class="progress-bar" data-percent="40">: drawn 40 % wide. Through the CSSOM, which
// the Content-Security-Policy allows, unlike a style attribute.
function drawProgress(bar) {
  bar.style.width = `${bar.dataset.percent}%`;
}
document.addEventListener("htmx:load", (event) => {
  const root = event.detail.elt;
  if (root.matches("[data-percent]")) drawProgress(root);
  root.querySelectorAll("[data-percent]").forEach(drawProgress);
});

// <form data-confirm="…">: asks before sending.
document.addEventListener("submit", (event) => {
  const message = event.target.dataset.confirm;
  if (message && !window.confirm(message)) event.preventDefault();
});

// <div data-keep-checked="#chosen">: a box ticked among search results moves to #chosen,
// so that the next search, which replaces the results, keeps what was chosen.
document.addEventListener("change", (event) => {
  const results = event.target.closest("[data-keep-checked]");
  if (!results || !event.target.checked) return;
  const chosen = document.querySelector(results.dataset.keepChecked);
  const box = event.target.closest(".form-check");
  const already = chosen.querySelector(`input[value="${CSS.escape(event.target.value)}"]`);
  if (already) { already.checked = true; box.remove(); } else { chosen.append(box); }
});

// <input data-no-submit>: Enter in a search box searches instead of sending its form.
document.addEventListener("keydown", (event) => {
  if (event.key === "Enter" && event.target.matches("[data-no-submit]")) event.preventDefault();
});

// <input data-filter-options="#select">: typing hides the options of that list that do
// not hold the text (case aside); the chosen one stays.
function filterOptions(filter) {
  const select = document.querySelector(filter.dataset.filterOptions);
  if (!select) return;
  const wanted = filter.value.trim().toLocaleLowerCase();
  for (const option of select.options) {
    option.hidden = Boolean(wanted) && !option.selected && option.value !== ""
      && !option.text.toLocaleLowerCase().includes(wanted);
  }
}
document.addEventListener("input", (event) => {
  if (event.target.matches("[data-filter-options]")) filterOptions(event.target);
});

// Text typed on a slow connection before this script arrived, or restored by the browser on
// going back, filters as if it had just been typed.
document.querySelectorAll("[data-filter-rows]").forEach(filterRows);
document.querySelectorAll("[data-filter-options]").forEach(filterOptions);
