// Loads each chart as its own request, so the page shell shows at once and charts arrive in parallel.
(function () {
  "use strict";

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

  // Plots are drawn once plotly.js and plots.js (window.portalPlots: the plots' configuration, and how a
  // figure fits a narrow screen) have run; both load after this file. Those on or near the screen
  // first, in the order their data arrives; the others once no part is still loading, one a task, so
  // the first screen is never held back by a heavy chart further down and input is served between them.
  function ready() {
    return Boolean(window.Plotly && window.portalPlots);
  }
  var plotlyWaiters = [];
  function whenPlotly(fn) {
    if (ready()) fn(); else plotlyWaiters.push(fn);
  }
  function plotlyArrived() {
    if (!ready()) return;
    var waiting = plotlyWaiters;
    plotlyWaiters = [];
    waiting.forEach(function (fn) { fn(); });
  }
  document.addEventListener("DOMContentLoaded", plotlyArrived);  // deferred plotly.js has run by then
  window.addEventListener("load", plotlyArrived);

  var loading = 0;  // parts whose answer has not arrived yet
  var later = [];   // plots off screen, drawn once every part has arrived
  var nextScheduled = false;

  function markDrawn(container) {
    if (!container) return;
    var plots = container.querySelectorAll("[data-plot]");
    var done = Array.prototype.every.call(plots, function (d) { return d.getAttribute("data-drawn") === "true"; });
    if (done) container.setAttribute("data-drawn", "true");
  }

  // A plot of a kind the page's plotly.js lacks (a 3-D view asked for on a page without 3-D) names the
  // bundle that draws it: that bundle (a superset of the page's) is loaded once, then the plot drawn.
  var bundles = {};
  function withBundle(src, fn) {
    if (!src || (!bundles[src] && document.querySelector('script[src="' + src + '"]'))) { fn(); return; }
    if (!bundles[src]) {
      bundles[src] = new Promise(function (resolve, reject) {
        var script = document.createElement("script");
        script.src = src;
        script.onload = resolve;
        script.onerror = function () { delete bundles[src]; script.remove(); reject(); };
        document.head.appendChild(script);
      });
    }
    bundles[src].then(function () { fn(); }, function () {
      fn(new Error("The chart library for this view could not be loaded."));
    });
  }

  function draw(div) {
    if (div.portalDrawing || !div.isConnected) return;
    div.portalDrawing = true;
    if (onScreen) onScreen.unobserve(div);
    withBundle(div.getAttribute("data-plotly-bundle"), function (failed) {
      var part = div.closest("[data-chart-src]");
      if (failed) {  // the plot's place says so, with Retry; the view switch above it stays
        div.replaceWith(errorBox(failed.message));
        if (part) { part.classList.add("is-error"); markDrawn(part); }
        return;
      }
      plot(div);
    });
  }

  // Plotly draws a plot twice when its labels need more room than the layout's margins give
  // (automargin grows them, then draws again). The margins a plot ended with are kept per part and
  // width, so the next time it starts from them and is drawn once.
  var MARGINS = "portal:margins";
  var MARGIN_ENTRIES = 400;
  function margins() {
    try { return JSON.parse(window.localStorage.getItem(MARGINS)) || {}; } catch (e) { return {}; }
  }
  function marginKey(div) {
    var part = div.closest("[data-chart-src]");
    return part ? part.getAttribute("data-chart-src") + "@" + div.clientWidth : null;
  }
  function startFromKnownMargins(div, layout) {
    var known = margins()[marginKey(div)];
    if (!known) return;
    var margin = layout.margin = Object.assign({}, layout.margin);
    ["l", "r", "t", "b"].forEach(function (side) { margin[side] = Math.max(margin[side] || 0, known[side] || 0); });
  }
  function keepMargins(div, key) {
    var size = div._fullLayout && div._fullLayout._size;
    if (!key || !size) return;
    var all = margins();
    if (Object.keys(all).length >= MARGIN_ENTRIES) all = {};
    all[key] = { l: Math.round(size.l), r: Math.round(size.r), t: Math.round(size.t), b: Math.round(size.b) };
    try { window.localStorage.setItem(MARGINS, JSON.stringify(all)); } catch (e) { /* full or off: draw twice */ }
  }

  function plot(div) {
    var script = div.nextElementSibling;
    if (!script || script.type !== "application/json") return;
    var figure = window.portalPlots.fit(div, JSON.parse(script.textContent));
    var key = marginKey(div);
    startFromKnownMargins(div, figure.layout);
    window.Plotly.newPlot(div, figure.data, figure.layout, window.portalPlots.config).then(function () {
      keepMargins(div, key);
      linkPoints(div, figure);
      div.setAttribute("data-drawn", "true");
      markDrawn(div.closest("[data-chart-src]"));
      div.dispatchEvent(new CustomEvent("portal:plotted", { bubbles: true, detail: figure }));
    });
  }

  function drawLater() {
    if (nextScheduled || !later.length || loading > 0) return;
    nextScheduled = true;
    var next = function () {
      nextScheduled = false;
      if (loading > 0) return;  // drawLater runs again when the last part arrives
      whenPlotly(function () {
        var div = later.shift();
        while (div && (div.portalDrawing || !div.isConnected)) div = later.shift();
        if (div) draw(div);
        drawLater();
      });
    };
    // A task of its own, not requestIdleCallback: an idle period comes only after the frame that shows
    // the last plot, 20-40 ms later, and a page of off-screen plots paid that wait for each of them.
    window.setTimeout(next, 0);
  }

  var onScreen = window.IntersectionObserver ? new IntersectionObserver(function (entries) {
    entries.forEach(function (entry) {
      var div = entry.target;
      if (entry.isIntersecting) {
        whenPlotly(function () { draw(div); });
      } else if (!div.portalLater) {
        div.portalLater = true;
        later.push(div);
        drawLater();
      }
    });
  }, { rootMargin: "200px 0px" }) : null;

  // A part on the first screen (see start) draws its plots as soon as they and plotly.js are there;
  // the others wait for the observer, whose first report comes only with the next frame.
  function drawPlots(container) {
    container.querySelectorAll("[data-plot]").forEach(function (div) {
      if (container.portalNear) whenPlotly(function () { draw(div); });
      else if (onScreen) onScreen.observe(div);
      else whenPlotly(function () { draw(div); });
    });
  }

  // Printing shows every chart: draw the ones still waiting.
  window.addEventListener("beforeprint", function () {
    if (ready()) later.splice(0).forEach(draw);
  });

  // Tables: click a header to sort (numbers by value), and page long tables in the browser.
  function cellValue(row, index) {
    var cell = row.children[index];
    var raw = cell.getAttribute("data-value");
    return raw !== null ? parseFloat(raw) : cell.textContent.trim().toLowerCase();
  }

  // A paged table arrives with its first page as rows and the rest in a <template data-more-rows>
  // (inert: parsed, never styled or laid out). They join the table, hidden, on the first Next or sort.
  function moreRows(table) {
    return table.tBodies[0].querySelector("template[data-more-rows]");
  }

  function bringInRows(table) {
    var more = moreRows(table);
    if (!more) return;
    Array.prototype.forEach.call(more.content.children, function (r) { r.hidden = true; });
    more.replaceWith(more.content);
  }

  function pageOf(table) {
    return parseInt(table.getAttribute("data-page") || "0", 10);
  }

  function paginate(table) {
    var size = parseInt(table.getAttribute("data-page-size"), 10);
    var page = pageOf(table);
    if (page > 0) bringInRows(table);
    var more = moreRows(table);
    var rows = Array.prototype.slice.call(table.tBodies[0].rows);
    var total = rows.length + (more ? more.content.children.length : 0);
    var pager = table.parentNode.nextElementSibling;
    if (!size || total <= size) {
      bringInRows(table);
      rows = Array.prototype.slice.call(table.tBodies[0].rows);
      rows.forEach(function (r) { r.hidden = false; });
      if (pager && pager.classList.contains("pager")) pager.remove();
      return;
    }
    var pages = Math.ceil(total / size);
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
        // The table's page now, not the one of the call that built this pager.
        table.setAttribute("data-page", pageOf(table) + parseInt(step, 10));
        paginate(table);
      });
    }
    pager.querySelector("span").textContent = "Page " + (page + 1) + " of " + pages + " (" + total + " rows)";
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
        bringInRows(table);
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
    container.appendChild(errorBox(message));
  }

  function errorBox(message) {
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
    return box;
  }

  // Longer than the server's statement timeout (WAREHOUSE_STATEMENT_TIMEOUT), so the server's own
  // "took too long" answer arrives first when it can.
  var CHART_TIMEOUT_MS = window.PORTAL_CHART_TIMEOUT_MS || 45000;

  function load(container) {
    var src = container.getAttribute("data-chart-src");
    container.setAttribute("aria-busy", "true");
    container.removeAttribute("data-loaded");
    container.removeAttribute("data-drawn");
    container.classList.remove("is-error");
    // A request that gets no answer within CHART_TIMEOUT_MS ends in the error state with Retry.
    var controller = window.AbortController ? new AbortController() : null;
    var timer = controller ? setTimeout(function () { controller.abort(); }, CHART_TIMEOUT_MS) : null;
    loading += 1;
    return fetch(src, { credentials: "same-origin", headers: { "X-Requested-With": "fetch" },
                        signal: controller ? controller.signal : undefined })
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
        markDrawn(container);  // an error, a table or the KPI row: nothing left to draw
        loading -= 1;
        drawLater();
      });
  }

  // A chart's view switch (2-D / 3-D): the part is asked for again as that view, and keeps it when the
  // page reloads its parts for new data.
  document.addEventListener("click", function (event) {
    var button = event.target.closest("[data-view-src]");
    if (!button || button.getAttribute("aria-pressed") === "true") return;
    var container = button.closest("[data-chart-src]");
    if (!container) return;
    var label = button.textContent;
    container.setAttribute("data-chart-src", button.getAttribute("data-view-src"));
    load(container).then(function () {
      var pressed = Array.prototype.find.call(container.querySelectorAll("[data-view-src]"), function (b) {
        return b.textContent === label;
      });
      (pressed || container).focus();
    });
  });

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

  // This file is deferred and comes before plotly.js: the page is parsed, and the parts on or near the
  // screen are asked for now, while plotly.js is still being compiled. The server computes a cold part
  // on the same two cores as every other, so the rest are asked for once those have arrived (or after
  // REST_AFTER_MS, so a slow part never holds them up): the first screen is not kept waiting behind
  // charts further down, and the page as a whole takes as long as before.
  var REST_AFTER_MS = 1500;
  function start() {
    document.querySelectorAll("[data-filter-form]").forEach(wireFilterForm);
    var parts = Array.prototype.slice.call(document.querySelectorAll("[data-chart-src]"));
    var reach = window.innerHeight + 200;
    var near = parts.filter(function (part) { return part.getBoundingClientRect().top < reach; });
    near.forEach(function (part) { part.portalNear = true; });
    var rest = parts.filter(function (part) { return near.indexOf(part) === -1; });
    if (!near.length || !rest.length) { parts.forEach(load); return; }
    var started = false;
    var startRest = function () { if (!started) { started = true; rest.forEach(load); } };
    setTimeout(startRest, REST_AFTER_MS);
    Promise.all(near.map(load)).then(startRest);
  }
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
  else start();
})();
