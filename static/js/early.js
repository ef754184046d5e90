// Starts every part's request (charts, key figures, the match count) as soon as the page is parsed,
// while plotly.js is still being compiled; portal.js takes these answers for each part's first load.
(function () {
  "use strict";
  var TIMEOUT_MS = window.PORTAL_CHART_TIMEOUT_MS || 45000;  // as portal.js
  var started = {};
  if (!window.fetch) return;
  document.querySelectorAll("[data-chart-src]").forEach(function (el) {
    var src = el.getAttribute("data-chart-src");
    if (started[src]) return;
    var controller = window.AbortController ? new AbortController() : null;
    var timer = controller ? setTimeout(function () { controller.abort(); }, TIMEOUT_MS) : null;
    started[src] = {
      timer: timer,
      response: fetch(src, { credentials: "same-origin", headers: { "X-Requested-With": "fetch" },
                             signal: controller ? controller.signal : undefined })
    };
  });
  window.portalEarly = {
    // The request already under way for src (once), or null.
    take: function (src) {
      var found = started[src] || null;
      delete started[src];
      return found;
    }
  };
})();
