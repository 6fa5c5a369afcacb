/* omov result page: draws the stage totals and transfers from the count sheet's figures with Chart.js (served
   from our own static files). The count sheet table below the charts carries the same figures for everyone. */
(function () {
  "use strict";
  var PALETTE = ["#0b5cad", "#c0392b", "#1e8449", "#b9770e", "#7d3c98", "#148f77", "#a04000", "#2e4053",
                 "#d4ac0d", "#5d6d7e", "#cb4335", "#1f618d"];

  function start() {
    var node = document.getElementById("chart-data");
    if (!node || typeof window.Chart === "undefined") return;
    var data = JSON.parse(node.textContent);
    var elected = {};
    data.elected.forEach(function (n) { elected[n] = true; });
    var labels = data.stages.map(function (s) { return "Stage " + s; });
    var short = data.stages.map(function (s) { return "Stage " + s.split(":")[0]; });
    window.omovCharts = {};

    var totals = data.candidates.map(function (c, i) {
      return { label: c.name + (elected[c.name] ? " (elected)" : ""), data: c.totals, borderColor: PALETTE[i % PALETTE.length],
               backgroundColor: PALETTE[i % PALETTE.length], borderWidth: elected[c.name] ? 3 : 2, tension: 0,
               pointRadius: 3 };
    });
    if (data.quota) {
      totals.push({ label: "Quota", data: data.quota, borderColor: "#555", borderDash: [6, 4], pointRadius: 0,
                    borderWidth: 1.5, backgroundColor: "#555" });
    }
    var single = !data.transfers;  // nothing moved between stages: one bar per candidate
    window.omovCharts.totals = new window.Chart(document.getElementById("totals-chart"), {
      type: single ? "bar" : "line",
      data: single ? { labels: data.candidates.map(function (c) { return c.name; }),
                       datasets: [{ label: "Votes", data: data.candidates.map(function (c) { return c.totals[c.totals.length - 1]; }),
                                    backgroundColor: data.candidates.map(function (c, i) { return PALETTE[i % PALETTE.length]; }) }] }
                   : { labels: short, datasets: totals },
      options: { responsive: true, maintainAspectRatio: false, animation: false,
                 interaction: { mode: "index", intersect: false },
                 plugins: { legend: { position: "bottom", display: !single },
                            tooltip: { callbacks: { title: function (items) { return single ? items[0].label : labels[items[0].dataIndex]; } } } },
                 scales: { y: { beginAtZero: true, title: { display: true, text: "votes" } } } }
    });

    var canvas = document.getElementById("transfers-chart");
    if (canvas && data.transfers) {
      var changes = data.candidates.map(function (c, i) {
        return { label: c.name, data: c.changes.slice(1), backgroundColor: PALETTE[i % PALETTE.length], stack: "t" };
      });
      changes.push({ label: "Non-transferable", backgroundColor: "#999", stack: "t",
                     data: data.non_transferable.slice(1).map(function (v, k) { return v - data.non_transferable[k]; }) });
      window.omovCharts.transfers = new window.Chart(canvas, {
        type: "bar",
        data: { labels: short.slice(1), datasets: changes },
        options: { responsive: true, maintainAspectRatio: false, animation: false,
                   interaction: { mode: "index", intersect: false },
                   plugins: { legend: { position: "bottom" },
                              tooltip: { callbacks: { title: function (items) { return labels[items[0].dataIndex + 1]; } } } },
                   scales: { x: { stacked: true }, y: { stacked: true, title: { display: true, text: "votes gained (+) or lost (-)" } } } }
      });
    }
  }
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
  else start();
})();
