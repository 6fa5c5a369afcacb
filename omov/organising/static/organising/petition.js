/* A petition's counter: draws the running total of confirmed signatures with Chart.js (from json_script), and
   asks the server for the count every half minute so the number and bar stay live while the page is open. */
(function () {
  "use strict";
  function start() {
    var series = document.getElementById("petition-series");
    var canvas = document.getElementById("petition-chart");
    if (series && canvas && typeof window.Chart !== "undefined") {
      var s = JSON.parse(series.textContent);
      window.petitionChart = new window.Chart(canvas, {
        type: "line",
        data: { labels: s.labels, datasets: [{ label: "signatures", data: s.values, borderColor: "#0b5cad",
                                              backgroundColor: "#0b5cad", tension: 0, pointRadius: 2 }] },
        options: { responsive: true, maintainAspectRatio: false, animation: false,
                   plugins: { legend: { display: false } },
                   scales: { y: { beginAtZero: true, ticks: { precision: 0 } } } }
      });
    }
    var count = document.getElementById("sig-count");
    var bar = document.getElementById("sig-progress");
    if (!count || !window.fetch) return;
    function refresh() {
      fetch(count.getAttribute("data-count-url"), { headers: { Accept: "application/json" } })
        .then(function (r) { return r.ok ? r.json() : null; })
        .then(function (d) {
          if (!d) return;
          count.textContent = String(d.count);
          if (bar) bar.value = d.count;
        })
        .catch(function () { /* offline: the number stays as it was */ });
    }
    window.setInterval(refresh, 30000);
  }
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
  else start();
})();
