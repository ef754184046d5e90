// Loads each chart as its own request, so the page shell shows at once and charts arrive in parallel.
(function () {
  "use strict";

  var PLOT_CONFIG = { responsive: true, displaylogo: false, modeBarButtonsToRemove: ["lasso2d", "select2d"] };

  // Points that carry a customer id (layout.meta.link) open that customer's page when clicked.
  function linkPoints(div, figure) {
    var meta = figure.layout && figure.layout.meta;
    if (!meta || meta.link !== "customer" || !div.on) return;
    div.on("plotly_click", function (event) {
      var point = event.points && event.points[0];
      if (point && point.customdata) {
        window.location.href = "/customers/" + encodeURIComponent(point.customdata[0]) + "/";
      }
    });
  }

  function drawPlots(container) {
    container.querySelectorAll("[data-plot]").forEach(function (div) {
      var script = div.nextElementSibling;
      if (!script || script.type !== "application/json") return;
      var figure = JSON.parse(script.textContent);
      var draw = function () {
        window.Plotly.newPlot(div, figure.data, figure.layout, PLOT_CONFIG).then(function () {
          linkPoints(div, figure);
          div.dispatchEvent(new CustomEvent("portal:plotted", { bubbles: true, detail: figure }));
        });
      };
      if (window.Plotly) draw(); else window.addEventListener("load", draw, { once: true });
    });
  }

  // Tables: click a header to sort (numbers by value), and page long tables in the browser.
  function cellValue(row, index) {
    var cell = row.children[index];
    var raw = cell.getAttribute("data-value");
    return raw !== null ? parseFloat(raw) : cell.textContent.trim().toLowerCase();
  }

  function paginate(table) {
    var size = parseInt(table.getAttribute("data-page-size"), 10);
    var rows = Array.prototype.slice.call(table.tBodies[0].rows);
    var pager = table.parentNode.nextElementSibling;
    if (!size || rows.length <= size) {
      rows.forEach(function (r) { r.hidden = false; });
      if (pager && pager.classList.contains("pager")) pager.remove();
      return;
    }
    var page = parseInt(table.getAttribute("data-page") || "0", 10);
    var pages = Math.ceil(rows.length / size);
    page = Math.max(0, Math.min(page, pages - 1));
    table.setAttribute("data-page", page);
    rows.forEach(function (r, i) { r.hidden = Math.floor(i / size) !== page; });
    if (!pager || !pager.classList.contains("pager")) {
      pager = document.createElement("div");
      pager.className = "pager";
      pager.innerHTML = '<button type="button" class="button button-small button-quiet" data-page-step="-1">Previous</button>' +
        '<span aria-live="polite"></span>' +
        '<button type="button" class="button button-small button-quiet" data-page-step="1">Next</button>';
      table.parentNode.after(pager);
      pager.addEventListener("click", function (event) {
        var step = event.target.getAttribute("data-page-step");
        if (!step) return;
        table.setAttribute("data-page", page + parseInt(step, 10));
        paginate(table);
      });
    }
    pager.querySelector("span").textContent = "Page " + (page + 1) + " of " + pages + " (" + rows.length + " rows)";
    pager.querySelector('[data-page-step="-1"]').disabled = page === 0;
    pager.querySelector('[data-page-step="1"]').disabled = page === pages - 1;
  }

  function sortable(table) {
    var headers = table.tHead.rows[0].cells;
    Array.prototype.forEach.call(headers, function (th, index) {
      var button = document.createElement("button");
      button.type = "button";
      button.textContent = th.textContent;
      th.textContent = "";
      th.appendChild(button);
      button.addEventListener("click", function () {
        var ascending = th.getAttribute("aria-sort") !== "ascending";
        Array.prototype.forEach.call(headers, function (h) { h.removeAttribute("aria-sort"); });
        th.setAttribute("aria-sort", ascending ? "ascending" : "descending");
        var body = table.tBodies[0];
        var rows = Array.prototype.slice.call(body.rows);
        rows.sort(function (a, b) {
          var x = cellValue(a, index), y = cellValue(b, index);
          return (x < y ? -1 : x > y ? 1 : 0) * (ascending ? 1 : -1);
        });
        rows.forEach(function (r) { body.appendChild(r); });
        table.setAttribute("data-page", "0");
        paginate(table);
      });
    });
  }

  function enhanceTables(container) {
    container.querySelectorAll("table[data-sortable]").forEach(sortable);
    container.querySelectorAll("table[data-page-size]").forEach(paginate);
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

  // Longer than the server's statement timeout (WAREHOUSE_STATEMENT_TIMEOUT), so the server's own
  // "took too long" answer arrives first when it can.
  var CHART_TIMEOUT_MS = window.PORTAL_CHART_TIMEOUT_MS || 45000;

  function load(container) {
    var src = container.getAttribute("data-chart-src");
    container.setAttribute("aria-busy", "true");
    container.removeAttribute("data-loaded");
    container.classList.remove("is-error");
    // A request that gets no answer within CHART_TIMEOUT_MS ends in the error state with Retry.
    // The page's first load of a part takes the request static/js/early.js started.
    var early = window.portalEarly ? window.portalEarly.take(src) : null;
    var timer = early ? early.timer : null;
    var request = early ? early.response : null;
    if (!request) {
      var controller = window.AbortController ? new AbortController() : null;
      timer = controller ? setTimeout(function () { controller.abort(); }, CHART_TIMEOUT_MS) : null;
      request = fetch(src, { credentials: "same-origin", headers: { "X-Requested-With": "fetch" },
                             signal: controller ? controller.signal : undefined });
    }
    return request
      .then(function (response) {
        return response.text().then(function (html) {
          var fragment = response.headers.get("Content-Type") || "";
          var version = response.headers.get("X-Data-Version");
          if (version) {
            document.dispatchEvent(new CustomEvent("portal:data-version", { detail: version }));
          }
          if (fragment.indexOf("text/html") === 0 && html.indexOf("<html") === -1) {
            container.innerHTML = html;
            drawPlots(container);
            enhanceTables(container);
          } else {
            showError(container, "This chart could not be loaded (HTTP " + response.status + ").");
          }
          if (!response.ok) container.classList.add("is-error");
        });
      })
      .catch(function (error) {
        showError(container, error && error.name === "AbortError"
          ? "This chart took too long to load. Try again, or a shorter date range."
          : "This chart could not be loaded: the portal did not answer.");
        container.classList.add("is-error");
      })
      .finally(function () {
        if (timer) clearTimeout(timer);
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

  window.portalCharts = { load: load, wireFilterForm: wireFilterForm };  // static/js/ux.js reloads charts in place when new data arrives

  document.addEventListener("DOMContentLoaded", function () {
    document.querySelectorAll("[data-filter-form]").forEach(wireFilterForm);
    document.querySelectorAll("[data-chart-src]").forEach(load);
  });
})();
