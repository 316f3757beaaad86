/* Sort a table with class "sortable" by clicking a column heading (data-sort="text" or
   "number"). Numbers come from the cell's data-value; empty values ("no data") go last. */
(function () {
  "use strict";
  function key(cell, kind) {
    if (kind === "number") {
      var raw = cell.getAttribute("data-value");
      return raw === null || raw === "" ? null : parseFloat(raw);
    }
    return cell.textContent.trim();
  }
  function sortBy(table, index, kind, descending) {
    var body = table.tBodies[0];
    var rows = Array.prototype.slice.call(body.rows);
    var collator = new Intl.Collator(document.documentElement.lang || undefined, {numeric: true});
    rows.sort(function (a, b) {
      var x = key(a.cells[index], kind), y = key(b.cells[index], kind);
      if (x === null) { return y === null ? 0 : 1; }
      if (y === null) { return -1; }
      var order = kind === "number" ? x - y : collator.compare(x, y);
      return descending ? -order : order;
    });
    rows.forEach(function (row) { body.appendChild(row); });
  }
  document.querySelectorAll("table.sortable").forEach(function (table) {
    var headings = table.tHead.rows[0].cells;
    Array.prototype.forEach.call(headings, function (th, index) {
      var kind = th.getAttribute("data-sort");
      if (!kind) { return; }
      var button = document.createElement("button");
      button.type = "button";
      button.className = "sort";
      while (th.firstChild) { button.appendChild(th.firstChild); }
      th.appendChild(button);
      button.addEventListener("click", function () {
        // A first click sorts names A to Z and figures largest first; a second reverses.
        var current = th.getAttribute("aria-sort");
        var descending = current ? current === "ascending" : kind === "number";
        Array.prototype.forEach.call(headings, function (h) { h.removeAttribute("aria-sort"); });
        th.setAttribute("aria-sort", descending ? "descending" : "ascending");
        sortBy(table, index, kind, descending);
      });
    });
  });
})();
