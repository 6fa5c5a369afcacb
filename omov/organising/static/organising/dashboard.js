/* The canvassing dashboard's charts (Chart.js, vendored): contact rate and voting intention per area and per
   session, from the figures the page carries (json_script). The tables below carry the same figures. */
(function () {
  "use strict";
  var PALETTE = ["#1e8449", "#7dcea0", "#b3b6b7", "#f0b27a", "#c0392b", "#7d3c98", "#2e4053", "#d4ac0d"];
  function start() {
    var node = document.getElementById("dashboard-data");
    if (!node || typeof window.Chart === "undefined") return;
    var data = JSON.parse(node.textContent);
    window.dashboardCharts = {};
    ["areas", "sessions"].forEach(function (key) {
      var d = data[key];
      var contact = document.getElementById(key + "-contact");
      if (contact && d.names.length) {
        window.dashboardCharts[key + "-contact"] = new window.Chart(contact, {
          type: "bar",
          data: { labels: d.names, datasets: [
            { label: "knocked (% of doors)", data: d.knocked, backgroundColor: "#85c1e9" },
            { label: "spoke to (% of doors)", data: d.contact, backgroundColor: "#0b5cad" }] },
          options: { responsive: true, maintainAspectRatio: false, animation: false,
                     plugins: { legend: { position: "bottom" } },
                     scales: { y: { beginAtZero: true, max: 100, title: { display: true, text: "% of doors" } } } }
        });
      }
      var intention = document.getElementById(key + "-intention");
      if (intention && d.names.length) {
        window.dashboardCharts[key + "-intention"] = new window.Chart(intention, {
          type: "bar",
          data: { labels: d.names, datasets: d.intentions.map(function (s, i) {
            return { label: s.label, data: s.values, backgroundColor: PALETTE[i % PALETTE.length], stack: "i" }; }) },
          options: { responsive: true, maintainAspectRatio: false, animation: false,
                     plugins: { legend: { position: "bottom" } },
                     scales: { x: { stacked: true }, y: { stacked: true, beginAtZero: true, ticks: { precision: 0 },
                                                          title: { display: true, text: "voters (latest answer)" } } } }
        });
      }
    });
  }
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
  else start();
})();
