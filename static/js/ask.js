// The Ask page: draw the answer's chart and copy the generated SQL.
(function () {
  "use strict";
  var CONFIG = { displaylogo: false, responsive: true };
  window.addEventListener("load", function () {
    document.querySelectorAll("[data-plot]").forEach(function (div) {
      var script = div.nextElementSibling;
      if (!script || script.type !== "application/json" || !window.Plotly) return;
      var figure = JSON.parse(script.textContent);
      window.Plotly.newPlot(div, figure.data, figure.layout, CONFIG);
    });
  });
  document.addEventListener("click", function (event) {
    var button = event.target.closest("[data-copy]");
    if (!button) return;
    var text = document.getElementById(button.getAttribute("data-copy")).textContent;
    if (navigator.clipboard) navigator.clipboard.writeText(text).then(function () { button.textContent = "Copied"; });
  });
})();
