// Live progress of the jobs on a page: each queued or running job asks /api/jobs/<id> every
// second and moves its bar; when one ends the page is loaded again to show its file or its
// error. Progressive enhancement only: without this file the page shows the state at load time.
(function () {
  "use strict";

  var ENDED = { done: true, failed: true };

  function show(box, job) {
    var percent = Math.round(job.progress * 100);
    box.querySelector("[data-role=bar]").value = percent;
    box.querySelector("[data-role=bar]").textContent = percent + "%";
    box.querySelector("[data-role=percent]").textContent = percent + "%";
    box.querySelector("[data-role=message]").textContent = job.message || "";
    if (job.state !== box.getAttribute("data-state")) {
      box.setAttribute("data-state", job.state);
      var words = JSON.parse(box.getAttribute("data-words") || "{}");
      box.querySelector("[data-role=state]").textContent = words[job.state] || job.state;
    }
  }

  function poll(box) {
    var id = box.getAttribute("data-job");
    // the page's language, so a running step's words match the page
    var lang = (document.documentElement.lang || "").indexOf("zh") === 0 ? "zh" : "en";
    fetch("/api/jobs/" + id + "?lang=" + lang, { headers: { Accept: "application/json" }, credentials: "same-origin" })
      .then(function (r) { return r.ok ? r.json() : null; })
      .then(function (job) {
        if (!job) return;
        show(box, job);
        if (ENDED[job.state]) {
          window.location.reload();
        } else {
          window.setTimeout(function () { poll(box); }, 1000);
        }
      })
      .catch(function () { window.setTimeout(function () { poll(box); }, 3000); });
  }

  document.querySelectorAll(".job-progress[data-job]").forEach(function (box) {
    if (!ENDED[box.getAttribute("data-state")]) poll(box);
  });
})();
