// Draws every figure of a server-rendered page: <div data-plot> followed by its JSON <script>.
(function () {
  "use strict";
  var PLOT_CONFIG = { responsive: true, displaylogo: false, modeBarButtonsToRemove: ["lasso2d", "select2d"] };
  function draw() {
    if (!window.Plotly) return;
    document.querySelectorAll("[data-plot]").forEach(function (div) {
      if (div.classList.contains("js-plotly-plot")) return;  // drawn already (customer.js)
      var script = div.nextElementSibling;
      if (!script || script.type !== "application/json") return;
      var figure = JSON.parse(script.textContent);
      window.Plotly.newPlot(div, figure.data, figure.layout, PLOT_CONFIG);
    });
  }
  if (document.readyState === "complete") draw(); else window.addEventListener("load", draw, { once: true });
})();
