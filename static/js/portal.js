// Loads each chart as its own request, so the page shell shows at once and charts arrive in parallel.
(function () {
  "use strict";

  var PLOT_CONFIG = { responsive: true, displaylogo: false, modeBarButtonsToRemove: ["lasso2d", "select2d"] };

  function drawPlots(container) {
    container.querySelectorAll("[data-plot]").forEach(function (div) {
      var script = div.nextElementSibling;
      if (!script || script.type !== "application/json") return;
      var figure = JSON.parse(script.textContent);
      var draw = function () { window.Plotly.newPlot(div, figure.data, figure.layout, PLOT_CONFIG); };
      if (window.Plotly) draw(); else window.addEventListener("load", draw, { once: true });
    });
  }

  function showError(container, message) {
    container.innerHTML = "";
    var box = document.createElement("div");
    box.className = "chart-error";
    box.setAttribute("role", "alert");
    var p = document.createElement("p");
    p.textContent = message;
    var button = document.createElement("button");
    button.type = "button";
    button.className = "button button-small";
    button.setAttribute("data-retry", "");
    button.textContent = "Retry";
    box.appendChild(p);
    box.appendChild(button);
    container.appendChild(box);
  }

  function load(container) {
    var src = container.getAttribute("data-chart-src");
    container.setAttribute("aria-busy", "true");
    container.classList.remove("is-error");
    return fetch(src, { credentials: "same-origin", headers: { "X-Requested-With": "fetch" } })
      .then(function (response) {
        return response.text().then(function (html) {
          var fragment = response.headers.get("Content-Type") || "";
          if (fragment.indexOf("text/html") === 0 && html.indexOf("<html") === -1) {
            container.innerHTML = html;
            drawPlots(container);
          } else {
            showError(container, "This chart could not be loaded (HTTP " + response.status + ").");
          }
          if (!response.ok) container.classList.add("is-error");
        });
      })
      .catch(function () {
        showError(container, "This chart could not be loaded: the portal did not answer.");
        container.classList.add("is-error");
      })
      .finally(function () {
        container.setAttribute("aria-busy", "false");
        container.setAttribute("data-loaded", "true");
      });
  }

  document.addEventListener("click", function (event) {
    var retry = event.target.closest("[data-retry]");
    if (!retry) return;
    var container = retry.closest("[data-chart-src]");
    if (container) load(container).then(function () {
      var focusable = container.querySelector("[data-retry]") || container;
      if (focusable.focus) focusable.focus();
    });
  });

  // Dates count only for a custom range: editing one switches the preset to custom,
  // and a preset other than custom leaves them out of the URL.
  function wireFilterForm(form) {
    var preset = form.querySelector("[data-preset]");
    var dates = form.querySelectorAll("[data-date]");
    dates.forEach(function (input) {
      input.addEventListener("change", function () { preset.value = "custom"; });
    });
    form.addEventListener("submit", function () {
      var custom = preset.value === "custom";
      dates.forEach(function (input) { input.disabled = !custom; });
      if (custom) preset.disabled = true;
      form.querySelectorAll("select, input").forEach(function (el) {
        if (el.name && el.value === "" ) el.disabled = true;
      });
    });
  }

  document.addEventListener("DOMContentLoaded", function () {
    document.querySelectorAll("[data-filter-form]").forEach(wireFilterForm);
    document.querySelectorAll("[data-chart-src]").forEach(load);
  });
})();
