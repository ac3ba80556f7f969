// The entry grid of a unit's month without a mouse: Enter and the arrows move within the value
// column, a column pasted from Excel fills the cells from here down, computed indicators follow
// the figures as they are typed, and saving goes through the JSON API with the version read (a
// conflict is reported, nothing is overwritten). The grid is a plain form that saves without it.
(function () {
  "use strict";

  var NUMBER = /^-?(?:[0-9]{1,3}(?:,[0-9]{3})+|[0-9]+)(?:\.[0-9]+)?$/;
  var MULTIPLIERS = /[万亿千百]$/;

  // Text as the server reads a typed figure: full-width becomes half-width, "(1,234)" is
  // negative, "12万" is refused. Returns "" when empty, null when it is not a number, else the
  // number's digits without separators ("-1234.5").
  function readNumber(raw) {
    var text = raw.normalize("NFKC").replace(/\u2212/g, "-").trim();
    if (!text) return "";
    if (MULTIPLIERS.test(text)) return null;
    if (text.charAt(0) === "(" && text.charAt(text.length - 1) === ")") {
      var inner = text.slice(1, -1).trim();
      if (inner && inner.charAt(0) !== "-") text = "-" + inner;
    }
    return NUMBER.test(text) ? text.replace(/,/g, "") : null;
  }

  // "12.5" shifted by 4 decimal places to the left of the point: "125000" (exact, on the digits).
  function shiftPoint(digits, shift) {
    var negative = digits.charAt(0) === "-";
    var body = negative ? digits.slice(1) : digits;
    var parts = body.split(".");
    var whole = parts[0], frac = parts[1] || "";
    while (frac.length < shift) frac += "0";
    whole = (whole + frac.slice(0, shift)).replace(/^0+(?=\d)/, "");
    frac = frac.slice(shift);
    var out = frac ? whole + "." + frac : whole;
    return negative && /[1-9]/.test(out) ? "-" + out : out;
  }

  function evaluate(tree, value, opening) {
    var op = tree[0];
    if (op === "num") return tree[1];
    if (op === "ref") return value(tree[1]);
    if (op === "opening") return opening(tree[1]);
    if (op === "avg") {
      var a = opening(tree[1]), b = value(tree[1]);
      return a === null || b === null ? null : (a + b) / 2;
    }
    if (op === "neg") {
      var x = evaluate(tree[1], value, opening);
      return x === null ? null : -x;
    }
    var l = evaluate(tree[1], value, opening), r = evaluate(tree[2], value, opening);
    if (l === null || r === null) return null;
    if (op === "+") return l + r;
    if (op === "-") return l - r;
    if (op === "*") return l * r;
    return r === 0 ? null : l / r;  // a ratio over nothing has no value, as on the server
  }

  function references(tree, into) {
    if (tree[0] === "ref" || tree[0] === "avg" || tree[0] === "opening") into.push(tree[1]);
    else if (tree[0] !== "num") for (var i = 1; i < tree.length; i++) references(tree[i], into);
    return into;
  }

  function Grid(form) {
    this.form = form;
    this.lines = {};
    this.dependents = {};  // code -> the computed lines that use it
    this.version = Number(form.querySelector("input[name=version]").value);
    this.dirty = false;
    var self = this;
    Array.prototype.forEach.call(form.querySelectorAll("tr[data-line]"), function (tr) {
      var line = JSON.parse(tr.getAttribute("data-line"));
      line.code = tr.getAttribute("data-code");
      line.row = tr;
      line.input = tr.querySelector("input.amount");
      line.shown = tr.querySelector(".derived-value");
      line.ytdNow = tr.querySelector(".ytd-now");
      line.readOnly = tr.querySelector("[data-testid^=value-]:not(input)");
      self.lines[line.code] = line;
      if (line.formula) {
        references(line.formula, []).forEach(function (ref) {
          (self.dependents[ref] = self.dependents[ref] || []).push(line);
        });
      }
    });
    this.formatters = {};
  }

  Grid.prototype.format = function (number, decimals) {
    var f = this.formatters[decimals];
    if (!f) {
      f = this.formatters[decimals] = new Intl.NumberFormat("en-US", {
        minimumFractionDigits: decimals, maximumFractionDigits: decimals
      });
    }
    var text = f.format(number);
    return /^-0(\.0*)?$/.test(text) ? text.slice(1) : text;
  };

  // A line's figure in its stored unit: typed text shifted; null when empty or not a number.
  Grid.prototype.stored = function (line) {
    var raw = line.input ? line.input.value : (line.readOnly ? line.readOnly.textContent : "");
    var digits = readNumber(raw === "—" ? "" : raw);
    return digits ? Number(shiftPoint(digits, line.shift)) : null;
  };

  // What the rules evaluate formulas on: a flow's year to date, a stock's balance.
  Grid.prototype.ruleValue = function (code) {
    var line = this.lines[code];
    if (!line || line.kind === "derived") return null;
    var v = this.stored(line);
    if (v === null) return null;
    var before = line.ytd_before / Math.pow(10, line.scale);
    return line.kind === "flow" && line.basis !== "ytd" ? v + before : v;
  };

  Grid.prototype.show = function (line, value) {
    var decimals = line.shift ? 2 : line.scale;
    if (value === null || !isFinite(value)) return "—";
    var rounded = Math.round(Math.abs(value) * Math.pow(10, line.scale)) / Math.pow(10, line.scale);
    return this.format((value < 0 ? -rounded : rounded) / Math.pow(10, line.shift), decimals);
  };

  Grid.prototype.recompute = function (line) {
    var self = this;
    if (line.ytdNow) line.ytdNow.textContent = this.show(line, this.ruleValue(line.code));
    (this.dependents[line.code] || []).forEach(function (derived) {
      var value = evaluate(derived.formula, function (c) { return self.ruleValue(c); }, function (c) {
        var ref = self.lines[c];
        return ref && ref.opening !== null ? ref.opening / Math.pow(10, ref.scale) : null;
      });
      derived.shown.textContent = self.show(derived, value);
    });
  };

  Grid.prototype.inputs = function () {
    return Array.prototype.slice.call(this.form.querySelectorAll("input.amount"));
  };

  Grid.prototype.move = function (input, step) {
    var all = this.inputs();
    var next = all[all.indexOf(input) + step];
    if (next) { next.focus(); next.select(); }
  };

  // A column copied from a spreadsheet: one figure a line, the first column of each.
  Grid.prototype.paste = function (input, text) {
    var rows = text.replace(/\r/g, "").split("\n");
    if (rows.length && rows[rows.length - 1] === "") rows.pop();
    if (rows.length < 2 && text.indexOf("\t") < 0) return false;
    var all = this.inputs(), start = all.indexOf(input), self = this;
    rows.forEach(function (row, i) {
      var target = all[start + i];
      if (!target) return;
      target.value = row.split("\t")[0].normalize("NFKC").trim();
      self.changed(target);
    });
    var last = all[Math.min(start + rows.length - 1, all.length - 1)];
    last.focus();
    return true;
  };

  Grid.prototype.lineOf = function (input) {
    return this.lines[input.closest("tr").getAttribute("data-code")];
  };

  Grid.prototype.changed = function (input) {
    this.dirty = true;
    var line = this.lineOf(input);
    var bad = readNumber(input.value) === null;
    input.setAttribute("aria-invalid", bad ? "true" : "false");
    line.row.classList.toggle("has-problem", bad);
    this.recompute(line);
  };

  Grid.prototype.say = function (html, kind) {
    var status = document.getElementById("entry-status");
    status.innerHTML = "";
    var p = document.createElement(kind === "error" ? "div" : "p");
    p.className = kind === "error" ? "error" : "notice";
    if (kind === "error") p.setAttribute("role", "alert");
    p.setAttribute("data-testid", kind === "error" ? "save-problem" : "save-done");
    p.textContent = html;
    status.appendChild(p);
    return p;
  };

  // The explanations typed beside the warnings, by rule:indicator.
  Grid.prototype.typedExplanations = function () {
    var out = {};
    Array.prototype.forEach.call(this.form.querySelectorAll("input[data-key]"), function (input) {
      out[input.getAttribute("data-key")] = input.value;
    });
    return out;
  };

  // Each line's findings: a message, and beside a warning the field for its explanation.
  Grid.prototype.mark = function (byCode) {
    var self = this, lang = this.form.getAttribute("data-lang"), typed = this.typedExplanations();
    Object.keys(this.lines).forEach(function (code) {
      var line = self.lines[code], box = document.getElementById("f-" + code);
      if (!box) return;
      box.innerHTML = "";
      (byCode[code] || []).forEach(function (f) {
        var span = document.createElement("span");
        span.className = "cell-problem " + f.severity;
        span.id = "m-" + (f.rule || "problem") + "-" + code;
        span.textContent = f.message_zh ? (lang === "zh" ? f.message_zh : f.message_en) : f.message;
        box.appendChild(span);
        if (f.severity !== "warning" || !f.key) return;
        var label = document.createElement("label"), input = document.createElement("input");
        label.className = "explain";
        label.textContent = self.form.getAttribute("data-msg-explain");
        input.name = "x." + f.key;
        input.maxLength = 4000;
        input.autocomplete = "off";
        input.setAttribute("data-key", f.key);
        input.setAttribute("data-testid", "explain-" + f.key);
        input.setAttribute("aria-describedby", span.id);
        input.value = f.key in typed ? typed[f.key] : (f.explanation || "");
        label.appendChild(input);
        box.appendChild(label);
      });
      var error = (byCode[code] || []).some(function (f) { return f.severity === "error"; });
      line.row.classList.toggle("has-problem", error);
      if (line.input) line.input.setAttribute("aria-invalid", error ? "true" : "false");
    });
  };

  Grid.prototype.body = function () {
    var self = this, figures = [], sent = [], refused = {};
    Object.keys(this.lines).forEach(function (code) {
      var line = self.lines[code];
      if (!line.input) return;
      var digits = readNumber(line.input.value);
      if (digits === null) {
        var msg = self.form.getAttribute("data-msg-bad").replace("{text}", line.input.value.trim());
        refused[code] = [{severity: "error", message: msg}];
      } else if (digits) {
        figures.push({indicator_code: code, value: shiftPoint(digits, line.shift)});
        sent.push(code);
      }
    });
    var narrative = {};
    ["situation", "problems", "deviations", "measures"].forEach(function (f) {
      var area = self.form.querySelector("textarea[name=" + f + "]");
      if (area) narrative[f] = area.value;
    });
    return {payload: {figures: figures.length ? figures : null, narrative: narrative}, sent: sent, refused: refused};
  };

  Grid.prototype.put = function (path, payload) {
    var csrf = this.form.querySelector("input[name=csrf_token]").value;
    var lang = encodeURIComponent(this.form.getAttribute("data-lang") || "");  // refusals in the page's language
    return fetch(this.form.getAttribute("data-api") + path + "?lang=" + lang, {
      method: "PUT",
      credentials: "same-origin",
      headers: {"Content-Type": "application/json", "If-Match": '"' + this.version + '"', "X-CSRF-Token": csrf},
      body: JSON.stringify(payload)
    }).then(function (response) {
      return response.json().then(function (data) { return [response.status, data]; });
    });
  };

  // The explanations typed for the warnings the saved figures raise, where they changed.
  Grid.prototype.changedExplanations = function (checks, typed) {
    var out = {}, any = false;
    (checks || []).forEach(function (c) {
      if (c.severity === "warning" && c.key in typed && typed[c.key].trim() !== (c.explanation || "")) {
        out[c.key] = typed[c.key];
        any = true;
      }
    });
    return any ? out : null;
  };

  Grid.prototype.save = function () {
    var self = this, form = this.form, built = this.body(), typed = this.typedExplanations();
    if (Object.keys(built.refused).length) {
      this.mark(built.refused);
      this.say(form.getAttribute("data-msg-refused"), "error");
      return Promise.resolve(false);
    }
    this.say(form.getAttribute("data-msg-saving"), "notice");
    return this.put("", built.payload).then(function (answer) {
      var notes = answer[0] === 200 ? self.changedExplanations(answer[1].checks, typed) : null;
      if (!notes) return answer;
      self.version = answer[1].version;
      return self.put("/explanations", {explanations: notes});
    }).then(function (answer) {
      return self.answered(answer[0], answer[1], built.sent);
    }).catch(function (error) {
      self.say(form.getAttribute("data-msg-failed").replace("{message}", String(error)), "error");
      return false;
    });
  };

  Grid.prototype.answered = function (status, data, sent) {
    var form = this.form;
    if (status === 200) {
      this.version = data.version;
      form.querySelector("input[name=version]").value = data.version;
      var version = document.querySelector("[data-testid=version]");
      if (version) version.textContent = version.textContent.replace(/\d+/, data.version);
      var byCode = {};
      (data.checks || []).forEach(function (f) { (byCode[f.indicator] = byCode[f.indicator] || []).push(f); });
      this.mark(byCode);
      this.dirty = false;
      this.say(form.getAttribute("data-msg-saved").replace("{n}", data.version), "notice");
      var shown = Array.prototype.map.call(document.querySelectorAll("[data-verb]"), function (b) {
        return b.getAttribute("data-verb");
      });
      if (shown.join() !== (data.verbs || []).join()) this.reload = true;  // the first save starts the workflow
      return true;
    }
    if (status === 409) {
      var p = this.say(form.getAttribute("data-msg-conflict") + " ", "error");
      var a = document.createElement("a");
      a.href = window.location.pathname;
      a.textContent = form.getAttribute("data-msg-reload");
      p.appendChild(a);
      return false;
    }
    var error = data.error || {}, byLine = {}, loose = [];
    (error.details || []).forEach(function (d) {
      var code = sent[(d.row || 0) - 1];
      if (code && d.row) (byLine[code] = byLine[code] || []).push({severity: "error", message: d.message});
      else loose.push(d.message);
    });
    this.mark(byLine);
    var head = error.details ? form.getAttribute("data-msg-refused") : "";
    var text = head + (loose.length ? " " + loose.join("; ") : error.details ? "" : error.message || "");
    this.say(head ? text : form.getAttribute("data-msg-failed").replace("{message}", text), "error");
    return false;
  };

  function enhance(form) {
    var grid = new Grid(form);
    Object.keys(grid.lines).forEach(function (code) { grid.recompute(grid.lines[code]); });
    form.addEventListener("input", function (e) {
      if (e.target.matches("input.amount")) grid.changed(e.target);
      else if (e.target.matches("textarea, input[data-key]")) grid.dirty = true;
    });
    form.addEventListener("keydown", function (e) {
      if (!e.target.matches("input.amount") || e.altKey || e.ctrlKey || e.metaKey) return;
      var step = {Enter: e.shiftKey ? -1 : 1, ArrowDown: 1, ArrowUp: -1}[e.key];
      if (step) { e.preventDefault(); grid.move(e.target, step); }
    });
    form.addEventListener("paste", function (e) {
      if (!e.target.matches("input.amount") || !e.clipboardData) return;
      if (grid.paste(e.target, e.clipboardData.getData("text/plain"))) e.preventDefault();
    });
    form.addEventListener("submit", function (e) {
      e.preventDefault();
      grid.save().then(function (ok) {
        if (!ok || !grid.reload) return;
        var query = new URLSearchParams(window.location.search);
        query.set("saved", "1");
        window.location.assign(window.location.pathname + "?" + query.toString());
      });
    });
    // a verb on figures not yet saved saves them first
    Array.prototype.forEach.call(document.querySelectorAll("[data-testid=verbs] form"), function (verb) {
      verb.addEventListener("submit", function (e) {
        if (!grid.dirty) return;
        e.preventDefault();
        grid.save().then(function (ok) { if (ok) verb.submit(); });
      });
    });
  }

  document.addEventListener("DOMContentLoaded", function () {
    var form = document.getElementById("entry-form");
    if (form && form.querySelector("input.amount")) enhance(form);
  });
})();
