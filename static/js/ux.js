// The first hour of a business user: filter dropdowns that behave, click to filter, and new data
// noticed while a page is open (its charts refresh in place, filters kept).
(function () {
  "use strict";

  // --- Multi-select filter dropdowns: one open at a time; Escape and an outside click close them.
  function dropdowns() { return document.querySelectorAll("details.multi"); }

  function closeDropdown(details, focusSummary) {
    details.open = false;
    if (focusSummary) details.querySelector("summary").focus();
  }

  document.addEventListener("toggle", function (event) {
    var opened = event.target;
    if (!(opened instanceof HTMLDetailsElement) || !opened.classList.contains("multi") || !opened.open) return;
    dropdowns().forEach(function (other) { if (other !== opened && other.open) closeDropdown(other, false); });
  }, true);

  document.addEventListener("keydown", function (event) {
    if (event.key !== "Escape") return;
    var open = document.querySelector("details.multi[open]");
    if (!open) return;
    event.preventDefault();
    closeDropdown(open, open.contains(document.activeElement));
  });

  document.addEventListener("click", function (event) {
    dropdowns().forEach(function (details) {
      if (details.open && !details.contains(event.target)) closeDropdown(details, false);
    });
  });

  // --- Click to filter: a point whose value is a page filter's value adds that filter to the URL.
  function filterUrl(param, value) {
    var url = new URL(window.location.href);
    var present = url.searchParams.getAll(param);
    if (present.indexOf(value) === -1) url.searchParams.append(param, value);
    return url.toString();
  }

  function pointValue(event, attribute) {
    var point = event.points && event.points[0];
    if (!point) return null;
    if (attribute === "name") return point.data && point.data.name;
    var value = point[attribute];
    return value === undefined || value === null ? null : String(value);
  }

  document.addEventListener("portal:plotted", function (event) {
    var div = event.target;
    var figure = event.detail || {};
    var targets = figure.layout && figure.layout.meta && figure.layout.meta.filter;
    if (!targets || !div.on) return;
    div.classList.add("plot-clickable");
    div.on("plotly_click", function (click) {
      var attributes = Object.keys(targets);
      for (var i = 0; i < attributes.length; i++) {
        var value = pointValue(click, attributes[i]);
        if (value) {
          window.location.assign(filterUrl(targets[attributes[i]].param, value));
          return;
        }
      }
    });
  });

  // --- New data while the page is open: say so and refresh the charts in place.
  function watchFreshness(line) {
    var url = line.getAttribute("data-poll-url");
    var seconds = Math.max(1, parseFloat(line.getAttribute("data-poll-seconds")) || 60);
    var version = line.getAttribute("data-version");
    var notice = document.createElement("p");
    notice.className = "alert alert-info data-notice";
    notice.setAttribute("role", "status");
    notice.hidden = true;
    var main = document.getElementById("main");
    if (main) main.insertBefore(notice, main.firstChild);

    var retired = {};  // versions this page has left: never "refreshed" back to (processes may lag)
    var checking = null;

    function check() {
      if (checking) return checking;
      checking = fetch(url, { credentials: "same-origin", headers: { Accept: "application/json" } })
        .then(function (response) { return response.ok ? response.json() : null; })
        .then(function (state) {
          if (!state || !state.version) return;
          line.textContent = state.words;
          if (state.version === version || retired[state.version]) return;
          retired[version] = true;
          version = state.version;
          line.setAttribute("data-version", version);
          var charts = document.querySelectorAll("[data-chart-src]");
          notice.textContent = charts.length && window.portalCharts
            ? "New data arrived (as of " + state.as_of + "): the charts below were refreshed with your filters."
            : "New data arrived (as of " + state.as_of + "). Reload the page to see it.";
          notice.hidden = false;
          if (window.portalCharts) charts.forEach(function (c) { window.portalCharts.load(c); });
        })
        .catch(function () {})
        .finally(function () { checking = null; });
      return checking;
    }

    function tick() {
      check().finally(function () { window.setTimeout(tick, seconds * 1000); });
    }
    // A chart answered from a newer data version than the page's: check at once, so that the page
    // never shows a mix of old and new numbers for longer than one round trip (portal.js sends this).
    document.addEventListener("portal:data-version", function (event) {
      var seen = event.detail;
      if (seen && seen !== version && !retired[seen]) check();
    });
    window.setTimeout(tick, seconds * 1000);
  }

  function start() {
    var line = document.querySelector("[data-freshness]");
    if (line) watchFreshness(line);
  }
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
  else start();
})();
