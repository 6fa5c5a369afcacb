/* omov officer panel: while a background job runs, poll its progress and update the bars; reload the page
   when the ballot's state changes or the jobs finish (so the next button appears). Without JS: reload by hand. */
(function () {
  "use strict";
  var list = document.getElementById("jobs");
  if (!list || list.getAttribute("data-running") !== "1") return;
  var url = list.getAttribute("data-url");
  var state = list.getAttribute("data-state");
  function poll() {
    fetch(url, { credentials: "same-origin", headers: { "Accept": "application/json" } })
      .then(function (r) { return r.json(); })
      .then(function (data) {
        var running = false;
        (data.jobs || []).forEach(function (j) {
          var li = list.querySelector('[data-job="' + j.id + '"]');
          if (!li) return;
          li.querySelector(".job-state").textContent = j.state;
          li.querySelector(".job-message").textContent = j.message || "";
          var bar = li.querySelector("progress");
          bar.value = j.percent;
          bar.textContent = j.percent + "%";
          if (!j.finished) running = true;
        });
        if (data.state !== state || !running) window.location.reload();
        else window.setTimeout(poll, 1000);
      })
      .catch(function () { window.setTimeout(poll, 3000); });
  }
  window.setTimeout(poll, 1000);
})();
