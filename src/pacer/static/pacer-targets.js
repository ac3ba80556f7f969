// The targets grid without a mouse, and a reason asked for before a revision is sent. Progressive
// enhancement only: the grid is a plain form that works without this file.
(function () {
  "use strict";

  function row(el) { return el.closest("tr"); }

  // A changed cell that already had a value is a revision: its reason becomes required.
  function markRevision(form, input) {
    var tr = row(input);
    var reason = tr.querySelector("input.reason");
    if (!reason) return;
    var revised = Array.prototype.some.call(tr.querySelectorAll("input.amount"), function (a) {
      var was = a.getAttribute("data-initial");
      return was !== "" && a.value.trim() !== "" && Number(a.value.replace(/,/g, "")) !== Number(was);
    });
    reason.required = revised;
    reason.classList.toggle("needs-reason", revised);
    var hint = tr.querySelector(".reason-hint");
    if (revised && !hint) {
      hint = document.createElement("span");
      hint.className = "cell-problem reason-hint";
      hint.id = "hint-" + reason.name.replace(/\|/g, "-");
      hint.textContent = form.getAttribute("data-reason-needed");
      reason.insertAdjacentElement("afterend", hint);
      reason.setAttribute("aria-describedby", hint.id);
    } else if (!revised && hint) {
      hint.remove();
      reason.removeAttribute("aria-describedby");
    }
    tr.classList.toggle("changed", Array.prototype.some.call(tr.querySelectorAll("input.amount"), function (a) {
      return a.value.trim() !== a.getAttribute("data-initial");
    }));
  }

  // Enter moves down the column, as in a spreadsheet (Shift+Enter up); Tab stays as it is.
  function moveDown(form, input, back) {
    var name = input.name.split("|").pop();
    var all = Array.prototype.filter.call(form.querySelectorAll("input.amount"), function (a) {
      return a.name.split("|").pop() === name;
    });
    var next = all[all.indexOf(input) + (back ? -1 : 1)];
    if (next) { next.focus(); next.select(); }
  }

  function enhance(form) {
    form.addEventListener("input", function (e) {
      if (e.target.matches("input.amount")) markRevision(form, e.target);
    });
    form.addEventListener("keydown", function (e) {
      if (e.key === "Enter" && e.target.matches("input.amount")) {
        e.preventDefault();
        moveDown(form, e.target, e.shiftKey);
      }
    });
    form.addEventListener("change", function (e) {
      if (e.target.matches("select[name$='|phasing']") && e.target.value === "typed") {
        var details = row(e.target).querySelector("details.months");
        if (details) {
          details.open = true;
          var typed = details.querySelector("input");
          if (typed) typed.focus();
        }
      }
    });
    var first = form.querySelector("[aria-invalid=true]");
    if (first) first.focus();
  }

  document.addEventListener("DOMContentLoaded", function () {
    var form = document.getElementById("targets-form");
    if (form) enhance(form);
  });
})();
