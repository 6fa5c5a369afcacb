/* Member voice charts: bar charts drawn with the Chart.js file vendored under omov/vendor/ from JSON the page
   carries (json_script). The tables beside the charts carry the same figures for everyone. */
(function () {
  "use strict";
  function start() {
    if (typeof window.Chart === "undefined") return;
    window.voiceCharts = {};
    var node = document.getElementById("voice-charts");
    if (node) {
      JSON.parse(node.textContent).forEach(function (c) {
        var canvas = document.getElementById(c.id);
        if (!canvas) return;
        window.voiceCharts[c.id] = new window.Chart(canvas, {
          type: "bar",
          data: { labels: c.labels, datasets: [{ label: c.title, data: c.values, backgroundColor: "#0b5cad" }] },
          options: { responsive: true, maintainAspectRatio: false, animation: false, indexAxis: "y",
                     plugins: { legend: { display: false } }, scales: { x: { beginAtZero: true, ticks: { precision: 0 } } } }
        });
      });
    }
    var abuse = document.getElementById("abuse-series");
    var canvas = document.getElementById("abuse-chart");
    if (abuse && canvas) {
      var s = JSON.parse(abuse.textContent);
      window.voiceCharts.abuse = new window.Chart(canvas, {
        type: "bar",
        data: { labels: s.labels, datasets: [
          { label: "held for abuse", data: s.held, backgroundColor: "#d4ac0d" },
          { label: "confirmed abusive", data: s.confirmed, backgroundColor: "#a4000f" } ] },
        options: { responsive: true, maintainAspectRatio: false, animation: false,
                   plugins: { legend: { position: "bottom" } }, scales: { y: { beginAtZero: true, ticks: { precision: 0 } } } }
      });
    }
  }
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
  else start();
})();
