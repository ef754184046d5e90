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

  // --- On a phone the filter bar folds behind its Filters button (static/css/portal.css).
  document.querySelectorAll("[data-filters-toggle]").forEach(function (button) {
    var form = document.getElementById(button.getAttribute("aria-controls"));
    if (!form) return;
    button.addEventListener("click", function () {
      var open = form.classList.toggle("open");
      button.setAttribute("aria-expanded", open ? "true" : "false");
    });
  });

  // --- On a phone the workspace list is one row that scrolls sideways: it opens on the current one.
  var nav = document.querySelector(".sidebar");
  var current = nav && nav.querySelector('[aria-current="page"]');
  if (current && window.matchMedia && window.matchMedia("(max-width: 760px)").matches) {
    var from = current.getBoundingClientRect(), box = nav.getBoundingClientRect();
    if (from.right > box.right || from.left < box.left) nav.scrollLeft += from.left - box.left - 8;
  }

  // --- A chart's "Show data" holds its rows as text until it is opened (dashboards/table_rows.py).
  document.addEventListener("toggle", function (event) {
    var details = event.target;
    if (!(details instanceof HTMLDetailsElement) || !details.open) return;
    details.querySelectorAll("script[data-folded-rows]").forEach(function (rows) {
      rows.insertAdjacentHTML("beforebegin", rows.textContent);
      rows.remove();
    });
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

  // --- Click to filter: a point whose value is a page filter's value adds that filter to the URL
  // (history.pushState) and the charts reload in place; the chips, filter bar and links follow.
  function filterUrl(param, value) {
    var url = new URL(window.location.href);
    var present = url.searchParams.getAll(param);
    if (present.indexOf(value) === -1) url.searchParams.append(param, value);
    return url.toString();
  }

  // The parts of a workspace page whose links or state depend on the URL, swapped from the new page.
  var SWAPPED = [".page-actions", "form.filter-bar", "form.ask-box", ".active-filters", "details.presets", "nav.tabs"];

  function canSwap() {
    return !!(window.portalCharts && window.history.pushState && document.querySelector(".active-filters"));
  }

  var navigation = 0;
  function applyInPlace(href, push) {
    if (!canSwap()) { window.location.assign(href); return Promise.resolve(); }
    var mine = ++navigation;
    if (push) {
      window.history.pushState({ portalFilters: true }, "", href);
      shownView = window.location.pathname + window.location.search;
    }
    var grid = document.querySelector("section.grid");
    if (grid) grid.setAttribute("aria-busy", "true");
    document.querySelectorAll("[data-chart-src]").forEach(function (c) { c.removeAttribute("data-loaded"); });
    return fetch(href, { credentials: "same-origin", headers: { Accept: "text/html" } })
      .then(function (response) {
        if (!response.ok) throw new Error("HTTP " + response.status);
        return response.text();
      })
      .then(function (html) {
        if (mine !== navigation) return;
        var fresh = new DOMParser().parseFromString(html, "text/html");
        SWAPPED.forEach(function (selector) {
          var old = document.querySelector(selector), next = fresh.querySelector(selector);
          if (old && next) old.replaceWith(document.importNode(next, true));
        });
        var olds = document.querySelectorAll("[data-chart-src]");
        var news = fresh.querySelectorAll("[data-chart-src]");
        if (olds.length !== news.length) { window.location.assign(href); return; }
        document.querySelectorAll("form.filter-bar[data-filter-form]").forEach(function (form) {
          if (window.portalCharts.wireFilterForm) window.portalCharts.wireFilterForm(form);
        });
        var oldLinks = document.querySelectorAll(".panel-head a.download");
        var newLinks = fresh.querySelectorAll(".panel-head a.download");
        if (oldLinks.length === newLinks.length) {
          oldLinks.forEach(function (a, i) { a.setAttribute("href", newLinks[i].getAttribute("href")); });
        }
        var loads = [];
        olds.forEach(function (container, i) {
          container.setAttribute("data-chart-src", news[i].getAttribute("data-chart-src"));
          loads.push(window.portalCharts.load(container));
        });
        var status = document.getElementById("cross-filter-status");
        var chips = document.querySelectorAll(".active-filters .chip");
        if (status) status.textContent = "Filters updated: " + (chips.length ? Array.prototype.map.call(chips, function (c) { return c.textContent.replace("×", "").trim(); }).join(", ") : "none") + ".";
        return Promise.all(loads);
      })
      .catch(function () { window.location.assign(href); })
      .finally(function () { if (grid) grid.setAttribute("aria-busy", "false"); });
  }

  // A chip's × removes its filter the same way, in place.
  document.addEventListener("click", function (event) {
    var chip = event.target.closest && event.target.closest(".active-filters a.chip");
    if (!chip || event.ctrlKey || event.metaKey || event.shiftKey || event.button) return;
    if (!canSwap()) return;
    event.preventDefault();
    applyInPlace(chip.href, true).then(function () {
      var focus = document.querySelector(".active-filters .chip") || document.querySelector(".active-filters .reset");
      if (focus) focus.focus();
    });
  });

  // Back and forward between filtered views. A change of the #fragment alone (the skip link, an
  // anchor) is not another view: leave the page, and the focus, as they are.
  var shownView = window.location.pathname + window.location.search;
  window.addEventListener("popstate", function () {
    var view = window.location.pathname + window.location.search;
    if (view === shownView) return;
    shownView = view;
    if (canSwap()) applyInPlace(window.location.href, false);
  });

  function pointValue(event, attribute) {
    var point = event.points && event.points[0];
    if (!point) return null;
    if (attribute === "name") return point.data && point.data.name;
    var value = point[attribute];
    return value === undefined || value === null ? null : String(value);
  }

  // The values a keyboard user can filter by: those the figure draws for the target attribute.
  function figureValues(figure, attribute) {
    var key = { x: "x", y: "y", label: "labels", theta: "theta" }[attribute];
    var seen = [];
    (figure.data || []).forEach(function (trace) {
      var values = attribute === "name" ? [trace.name] : (trace[key] || []);
      if (attribute === "label" && !trace.labels) values = trace.ids || [];
      values.forEach(function (v) {
        if (v !== undefined && v !== null && v !== "" && seen.indexOf(String(v)) === -1) seen.push(String(v));
      });
    });
    return seen;
  }

  function keyboardFilters(div, figure, targets) {
    var panel = div.closest("[data-chart-src]");
    if (!panel || panel.querySelector(".cross-keys")) return;
    var box = document.createElement("details");
    box.className = "cross-keys";
    var summary = document.createElement("summary");
    summary.textContent = "Filter by a value of this chart";
    box.appendChild(summary);
    Object.keys(targets).forEach(function (attribute) {
      var values = figureValues(figure, attribute);
      if (!values.length) return;
      var group = document.createElement("div");
      group.className = "cross-keys-group";
      group.setAttribute("role", "group");
      group.setAttribute("aria-label", targets[attribute].label);
      values.forEach(function (value) {
        var button = document.createElement("button");
        button.type = "button";
        button.className = "button button-small button-quiet";
        button.textContent = targets[attribute].label + ": " + value;
        button.addEventListener("click", function () { applyInPlace(filterUrl(targets[attribute].param, value), true); });
        group.appendChild(button);
      });
      box.appendChild(group);
    });
    if (box.querySelector("button")) div.after(box);
  }

  document.addEventListener("portal:plotted", function (event) {
    var div = event.target;
    var figure = event.detail || {};
    var targets = figure.layout && figure.layout.meta && figure.layout.meta.filter;
    if (!targets || !div.on) return;
    div.classList.add("plot-clickable");
    keyboardFilters(div, figure, targets);
    div.on("plotly_click", function (click) {
      var attributes = Object.keys(targets);
      for (var i = 0; i < attributes.length; i++) {
        var value = pointValue(click, attributes[i]);
        if (value) {
          applyInPlace(filterUrl(targets[attributes[i]].param, value), true);
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
    var grid = document.querySelector("section.grid");
    if (grid && !document.getElementById("cross-filter-status")) {
      var status = document.createElement("p");
      status.id = "cross-filter-status";
      status.className = "sr-only";
      status.setAttribute("role", "status");
      grid.before(status);
    }
    var line = document.querySelector("[data-freshness]");
    if (line) watchFreshness(line);
  }
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
  else start();
})();
