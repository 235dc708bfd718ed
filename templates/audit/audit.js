// Sorting and filtering of the audit table: each report is one <tbody> (its summary row and
// its problem details), so sorting moves them together.  No library, no network.
(function () {
  "use strict";
  var table = document.getElementById("report-table");
  if (!table) { return; }
  var bodies = Array.prototype.slice.call(table.tBodies);
  var text = document.getElementById("filter-text");
  var status = document.getElementById("filter-status");
  var rule = document.getElementById("filter-rule");
  var year = document.getElementById("filter-year");
  var shown = document.getElementById("shown");

  function apply() {
    var q = text.value.trim().toLowerCase();
    var n = 0;
    bodies.forEach(function (b) {
      var ok = (!q || b.dataset.search.toLowerCase().indexOf(q) >= 0) &&
        (!status.value || b.dataset.status === status.value) &&
        (!rule.value || b.dataset.rules.indexOf(" " + rule.value + " ") >= 0) &&
        (!year.value || b.dataset.year === year.value);
      b.hidden = !ok;
      if (ok) { n += 1; }
    });
    shown.textContent = "显示 " + n + " / " + bodies.length + " 份报告";
  }
  [text, status, rule, year].forEach(function (el) {
    el.addEventListener("input", apply);
    el.addEventListener("change", apply);
  });
  document.getElementById("filter-reset").addEventListener("click", function () {
    text.value = ""; status.value = ""; rule.value = ""; year.value = ""; apply();
  });
  document.querySelectorAll(".rule-filter").forEach(function (btn) {
    btn.addEventListener("click", function () {
      rule.value = btn.dataset.rule; apply();
      document.getElementById("reports").scrollIntoView();
    });
  });

  function key(body, column, type) {
    var cell = body.rows[0].cells[column];
    var raw = cell.hasAttribute("data-sort") ? cell.getAttribute("data-sort") : cell.textContent;
    return type === "number" ? parseFloat(raw) || 0 : raw;
  }
  table.querySelectorAll("button.sort").forEach(function (btn) {
    btn.addEventListener("click", function () {
      var th = btn.parentNode;
      var column = parseInt(btn.dataset.column, 10);
      var type = btn.dataset.type;
      var dir = th.getAttribute("aria-sort") === "ascending" ? "descending" : "ascending";
      table.querySelectorAll("thead th").forEach(function (h) {
        if (h.hasAttribute("aria-sort")) { h.setAttribute("aria-sort", "none"); }
      });
      th.setAttribute("aria-sort", dir);
      var sign = dir === "ascending" ? 1 : -1;
      bodies.sort(function (a, b) {
        var x = key(a, column, type), y = key(b, column, type);
        var c = type === "number" ? x - y : String(x).localeCompare(String(y), "zh-CN");
        return sign * c;
      });
      bodies.forEach(function (b) { table.appendChild(b); });
    });
  });
  table.querySelectorAll("button.toggle").forEach(function (btn) {
    btn.addEventListener("click", function () {
      var row = document.getElementById(btn.getAttribute("aria-controls"));
      var open = btn.getAttribute("aria-expanded") === "true";
      btn.setAttribute("aria-expanded", open ? "false" : "true");
      row.hidden = open;
    });
  });
}());
