// Progressive enhancement only: every page works without this file.
(function () {
  "use strict";

  // Sortable tables: <table data-sortable>, cells may carry data-sort="number".
  function makeSortable(table) {
    var heads = table.tHead ? table.tHead.rows[0].cells : [];
    Array.prototype.forEach.call(heads, function (th, col) {
      if (th.hasAttribute("data-nosort")) return;
      var label = th.innerHTML;
      th.innerHTML = "";
      var button = document.createElement("button");
      button.type = "button";
      button.className = "sort";
      button.innerHTML = label;
      th.appendChild(button);
      button.addEventListener("click", function () {
        var asc = th.getAttribute("aria-sort") !== "ascending";
        Array.prototype.forEach.call(heads, function (h) { h.removeAttribute("aria-sort"); });
        th.setAttribute("aria-sort", asc ? "ascending" : "descending");
        var body = table.tBodies[0];
        var rows = Array.prototype.slice.call(body.rows);
        rows.sort(function (a, b) {
          var x = key(a.cells[col]), y = key(b.cells[col]);
          if (x === y) return 0;
          if (x === null) return 1;
          if (y === null) return -1;
          return (x < y ? -1 : 1) * (asc ? 1 : -1);
        });
        rows.forEach(function (r) { body.appendChild(r); });
      });
    });
  }

  function key(cell) {
    if (!cell) return null;
    var raw = cell.getAttribute("data-sort");
    if (raw === null) return cell.textContent.trim();
    if (raw === "") return null;
    var n = Number(raw);
    return isNaN(n) ? raw : n;
  }

  // Period selector: change submits, no button needed (the button stays for no-JS use).
  function autoSubmit(form) {
    form.addEventListener("change", function () { form.submit(); });
  }

  // Charts: <div class="chart" data-spec="/api/...">, with an <img> fallback inside.
  var vegaLoading = null;
  function loadVega() {
    if (window.vegaEmbed) return Promise.resolve();
    if (!vegaLoading) {
      vegaLoading = new Promise(function (resolve, reject) {
        var s = document.createElement("script");
        s.src = "/vendor/vega-bundle.js";
        s.onload = resolve;
        s.onerror = reject;
        document.head.appendChild(s);
      });
    }
    return vegaLoading;
  }

  function fallback(div) {
    var img = document.createElement("img");
    img.src = div.getAttribute("data-img");
    img.alt = div.getAttribute("aria-label") || "";
    div.innerHTML = "";
    div.appendChild(img);
  }

  function embed(div) {
    fetch(div.getAttribute("data-spec"), { credentials: "same-origin", headers: { Accept: "application/json" } })
      .then(function (r) { if (!r.ok) throw new Error(r.status); return r.json(); })
      .then(function (spec) {
        return loadVega().then(function () {
          div.innerHTML = "";
          // ast: vega's interpreter evaluates expressions, so the page's policy needs no eval
          return window.vegaEmbed(div, spec, { actions: false, renderer: "svg", ast: true })
            .then(function () { div.setAttribute("data-rendered", "1"); });
        });
      })
      .catch(function () { fallback(div); });
  }

  document.addEventListener("DOMContentLoaded", function () {
    document.querySelectorAll("table[data-sortable]").forEach(makeSortable);
    document.querySelectorAll("form[data-autosubmit]").forEach(autoSubmit);
    document.querySelectorAll(".chart[data-spec]").forEach(embed);
  });
})();
