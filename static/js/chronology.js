// The chronology editor, enhanced: rows are added, moved and removed in the page (without
// JavaScript the same buttons post the form and the server does it), and a long chronology is
// shown a page of rows at a time. Every row stays in the form, so Save posts them all.
(function () {
  "use strict";
  const table = document.querySelector("[data-chron-table]");
  if (!table) return;
  const body = table.querySelector("[data-chron-body]");
  const form = table.closest("form");
  const total = form.querySelector("[data-chron-total]");
  const template = document.getElementById("chron-row-template");
  const addButton = form.querySelector("[data-chron-add]");
  const count = form.querySelector("[data-chron-count]");
  const pageSize = parseInt(table.dataset.pageSize, 10) || 50;
  const maxRows = parseInt(table.dataset.maxRows, 10) || 2000;
  let page = 0;
  let showAll = false;

  const rows = () => Array.from(body.querySelectorAll("tr[data-chron-row]"));

  // Names and labels carry the row's place: entries-3-date, "Date, row 4".
  function renumber() {
    rows().forEach(function (tr, i) {
      const n = i + 1;
      tr.id = "row-" + n;
      tr.querySelector("[data-chron-number]").textContent = String(n);
      tr.querySelectorAll("[name], [id], [for], [aria-label], [aria-describedby]").forEach(function (el) {
        ["name", "id", "for", "aria-describedby"].forEach(function (attr) {
          const value = el.getAttribute(attr);
          if (value) el.setAttribute(attr, value.replace(/entries-(\d+|__prefix__)-/, "entries-" + i + "-"));
        });
        const label = el.getAttribute("aria-label");
        if (label) el.setAttribute("aria-label", label.replace(/row \d*$/, "row " + n));
      });
      tr.querySelectorAll("button[data-chron-action]").forEach(function (button) {
        button.value = button.dataset.chronAction + ":" + i;
        const hidden = button.querySelector(".govuk-visually-hidden");
        if (hidden) hidden.textContent = hidden.textContent.replace(/row \d*$/, "row " + n);
      });
    });
    const length = rows().length;
    total.value = String(length);
    if (count) count.textContent = String(length);
    if (addButton) addButton.disabled = length >= maxRows;
    const empty = form.querySelector("[data-chron-empty]");
    if (empty) empty.hidden = length > 0;
  }

  // --- Paging -------------------------------------------------------------------------------
  const nav = document.createElement("nav");
  nav.setAttribute("aria-label", "Chronology pages");
  nav.className = "chron-pager govuk-button-group";
  table.parentElement.before(nav);

  function pages() {
    return Math.max(1, Math.ceil(rows().length / pageSize));
  }

  function pageButton(label, onClick, current) {
    const button = document.createElement("button");
    button.type = "button";
    button.className = "govuk-button app-button--small" + (current ? "" : " govuk-button--secondary");
    button.textContent = label;
    if (current) button.setAttribute("aria-current", "page");
    button.addEventListener("click", onClick);
    return button;
  }

  function show() {
    const all = rows();
    const n = pages();
    if (page >= n) page = n - 1;
    all.forEach(function (tr, i) {
      tr.hidden = !showAll && Math.floor(i / pageSize) !== page;
    });
    nav.replaceChildren();
    if (all.length <= pageSize) return;
    for (let p = 0; p < n; p += 1) {
      const first = p * pageSize + 1;
      const last = Math.min(all.length, (p + 1) * pageSize);
      nav.appendChild(
        pageButton("Rows " + first + "–" + last, function () { showAll = false; page = p; show(); }, !showAll && p === page)
      );
    }
    nav.appendChild(pageButton(showAll ? "Show a page at a time" : "Show all rows", function () { showAll = !showAll; show(); }, false));
  }

  function reveal(el) {
    const tr = el.closest("tr[data-chron-row]");
    if (!tr) return;
    const index = rows().indexOf(tr);
    if (index >= 0 && !showAll) {
      page = Math.floor(index / pageSize);
      show();
    }
  }

  // --- Row actions ---------------------------------------------------------------------------
  body.addEventListener("click", function (event) {
    const button = event.target.closest("button[data-chron-action]");
    if (!button) return;
    event.preventDefault();
    const tr = button.closest("tr");
    const action = button.dataset.chronAction;
    let focusTarget = null;
    if (action === "up" && tr.previousElementSibling) {
      tr.previousElementSibling.before(tr);
      focusTarget = tr.querySelector('[data-chron-action="up"]');
    } else if (action === "down" && tr.nextElementSibling) {
      tr.nextElementSibling.after(tr);
      focusTarget = tr.querySelector('[data-chron-action="down"]');
    } else if (action === "remove") {
      const next = tr.nextElementSibling || tr.previousElementSibling;
      tr.remove();
      focusTarget = next ? next.querySelector('[data-chron-action="remove"]') : addButton;
    }
    renumber();
    if (focusTarget) {
      reveal(focusTarget);
      focusTarget.focus();
    } else {
      show();
    }
  });

  if (addButton) {
    addButton.addEventListener("click", function (event) {
      event.preventDefault();
      if (rows().length >= maxRows) return;
      const fragment = template.content.cloneNode(true);
      const tr = fragment.querySelector("tr");
      body.appendChild(fragment);
      renumber();
      showAll = false;
      page = pages() - 1;
      show();
      tr.querySelector("input[type=text]").focus();
    });
  }

  // Links in the error summary (and a #entries-… address) open the page holding the field. (The
  // summary's own script handles a link only to a field with a <label>; the cells have none.)
  document.addEventListener("click", function (event) {
    const link = event.target.closest(".govuk-error-summary a[href^='#']");
    if (!link) return;
    const target = document.getElementById(link.getAttribute("href").slice(1));
    if (target && body.contains(target)) {
      event.preventDefault();
      reveal(target);
      target.focus();
      target.scrollIntoView({ block: "center" });
    }
  });

  renumber();
  show();
  const hashTarget = window.location.hash && document.getElementById(window.location.hash.slice(1));
  if (hashTarget && body.contains(hashTarget)) {
    reveal(hashTarget);
  } else {
    const firstInvalid = body.querySelector("tr.chron-invalid");
    if (firstInvalid) reveal(firstInvalid);
  }
})();
