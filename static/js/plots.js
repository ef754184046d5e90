// Draws every figure of a server-rendered page, once: <div data-plot> followed by its JSON <script>.
// Loaded by the base layout after the page's deferred plotly.js; a workspace's parts ([data-chart-src])
// are portal.js's to draw.
(function () {
  "use strict";
  // How every plot is drawn, here and by portal.js (which waits for this file: window.portalPlots).
  // Without a mouse (a phone, a tablet) Plotly shows its tool bar all the time, over the legend, the
  // "partial" labels and the Sankey's nodes at a plot's top right: there it is left out (a drag still
  // zooms, a double tap resets).
  var noHover = !!(window.matchMedia && window.matchMedia("(hover: none)").matches);
  var PLOT_CONFIG = {
    responsive: true,
    displaylogo: false,
    modeBarButtonsToRemove: ["lasso2d", "select2d"],
    displayModeBar: noHover ? false : "hover"
  };

  // fit(div, figure) changes a figure before it is drawn, for the box it is drawn in.
  var NARROW_PX = 520;
  var COLORBAR_TOP_PX = 84;
  var MIN_PLOT_PX = 160;
  var TIGHT_FLOW_PX = 300;
  function fit(div, figure) {
    if (div.clientWidth < NARROW_PX) narrow(figure, div.clientWidth);
    // A legend of many rows and slanted names below would leave the plot itself a sliver of its box
    // (300 px, 260 on a phone): the box grows instead, so the plot keeps MIN_PLOT_PX.
    var margin = figure.layout.margin || {};
    var need = (margin.t || 0) + (margin.b || 0) + MIN_PLOT_PX;
    if (!figure.layout.height && div.clientHeight && div.clientHeight < need) div.style.height = need + "px";
    return figure;
  }
  // A plot as narrow as a phone cannot spare a heatmap's colour bar its column on the right (84 px of
  // about 330): there the bar lies across, above the plot, and the cells and their labels get the
  // width. A flow of three steps or more labels its nodes without the step ("web", not "web (2nd)":
  // the column says it, the hover still names it), or the labels between two columns run into each
  // other; below TIGHT_FLOW_PX even the short labels of the last two columns meet, and the last
  // column's are left out (its nodes keep the colours of the same names to their left).
  function narrow(figure, width) {
    // A card wider than one column on a desktop: the margins its legend and names need one column wide.
    var layoutMeta = figure.layout && figure.layout.meta;
    if (layoutMeta && layoutMeta.narrow_margin) {
      figure.layout.margin = Object.assign({}, figure.layout.margin, layoutMeta.narrow_margin);
    }
    var across = false;
    (figure.data || []).forEach(function (trace) {
      var meta = trace.meta || {};
      if (trace.type === "sankey" && meta.short_labels && meta.steps >= 3) {
        var labels = meta.short_labels;
        if (width < TIGHT_FLOW_PX && meta.ends) labels = labels.map(function (label, i) { return meta.ends[i] ? "" : label; });
        trace.node = Object.assign({}, trace.node, { label: labels, thickness: 10 });
        trace.textfont = Object.assign({}, trace.textfont, { size: 10 });
      }
      if (trace.type !== "heatmap" || trace.showscale === false) return;
      trace.colorbar = Object.assign({}, trace.colorbar, { orientation: "h", len: 1, lenmode: "fraction" });
      across = true;
    });
    // The colour bar across the top: its bar, tick labels and padding above the plot, from the start
    // (else Plotly's automargin grows the top margin and draws the plot twice).
    if (across) {
      var top = Math.max((figure.layout.margin || {}).t || 0, COLORBAR_TOP_PX);
      figure.layout.margin = Object.assign({}, figure.layout.margin, { r: 16, t: top });
    }
    // Horizontal bars leave their values a strip of about 100 px beside the names: three value ticks at
    // most, counts as "2k", not "2,000", so the labels read level, not slanted (which also set the axis
    // title far below them).
    var bars = (figure.data || []).some(function (trace) { return trace.type === "bar" && trace.orientation === "h"; });
    var xaxis = figure.layout && figure.layout.xaxis;
    if (bars && xaxis && !xaxis.tickvals) {
      figure.layout.xaxis = Object.assign({}, xaxis, { nticks: 3 }, xaxis.tickformat === ",~r" ? { tickformat: "~s" } : {});
    }
  }
  window.portalPlots = { config: PLOT_CONFIG, fit: fit };
  var drawn = false;
  function draw() {
    if (drawn || !window.Plotly) return;
    drawn = true;
    document.querySelectorAll("[data-plot]").forEach(function (div) {
      if (div.closest("[data-chart-src]")) return;
      var script = div.nextElementSibling;
      if (!script || script.type !== "application/json") return;
      var figure = fit(div, JSON.parse(script.textContent));
      window.Plotly.newPlot(div, figure.data, figure.layout, PLOT_CONFIG);
    });
  }
  draw();  // deferred: the page is parsed, and plotly.js (deferred before this file) has run
  window.addEventListener("load", draw, { once: true });
})();
