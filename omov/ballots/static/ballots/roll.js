/* omov voter roll: draws turnout by unit as horizontal bars with Chart.js (our own static copy, as the result page
   does). The table under the chart carries the same figures, for everyone and without JavaScript. */
(function () {
  "use strict";
  function start() {
    var node = document.getElementById("turnout-data");
    var canvas = document.getElementById("turnout-chart");
    if (!node || !canvas || typeof window.Chart === "undefined") return;
    var data = JSON.parse(node.textContent);
    // One bar a unit, each about 2rem high: the box grows with the number of units (CSSOM, allowed by the CSP).
    canvas.parentNode.style.height = Math.max(8, 3 + 2 * data.units.length) + "rem";
    window.omovCharts = window.omovCharts || {};
    window.omovCharts.turnout = new window.Chart(canvas, {
      type: "bar",
      data: { labels: data.units,
              datasets: [{ label: "Turnout (%)", data: data.percent, backgroundColor: "#0b5cad" }] },
      options: { indexAxis: "y", responsive: true, maintainAspectRatio: false, animation: false,
                 plugins: { legend: { display: false },
                            tooltip: { callbacks: { label: function (item) {
                              var i = item.dataIndex;
                              return item.formattedValue + "% (" + data.voted[i] + " of " + data.roll[i] + ")";
                            } } } },
                 scales: { x: { beginAtZero: true, max: 100, title: { display: true, text: "turnout (%)" } } } }
    });
  }
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
  else start();
})();
