// Sales Inbox console: small enhancements only; every page works without them.
(function () {
  "use strict";

  // dashboard bars: widths come from data attributes (no inline styles under the CSP)
  function drawBars() {
    document.querySelectorAll(".bar[data-width]").forEach(function (bar) {
      bar.style.width = Math.max(2, Number(bar.dataset.width) || 0) * 0.08 + "rem";
    });
  }

  // stock sync: poll the progress endpoint until a new run has finished, then open its report
  function followSync() {
    var box = document.getElementById("sync-progress");
    if (!box) { return; }
    var url = box.dataset.progressUrl, after = box.dataset.after;
    function poll() {
      fetch(url, { credentials: "same-origin", headers: { "Accept": "application/json" } })
        .then(function (answer) { return answer.json(); })
        .then(function (state) {
          if (state.run && state.run !== after) {
            if (state.status !== "running") { window.location.assign(state.url); return; }
            box.textContent = box.dataset.running + " " + state.results + " " + box.dataset.checked;
          }
          window.setTimeout(poll, 700);
        })
        .catch(function () { window.setTimeout(poll, 2000); });
    }
    poll();
  }

  document.addEventListener("DOMContentLoaded", function () {
    drawBars();
    followSync();
  });
})();
