// PDF export progress: polls the job's status URL until it is ready or failed. Subscribe form:
// preselects the browser's time zone when the portal's default is still selected.
(function () {
  "use strict";

  function poll(section) {
    var url = section.getAttribute("data-export-status");
    var label = section.querySelector("[data-export-label]");
    var message = section.querySelector("[data-export-message]");
    var progress = section.querySelector("[data-export-progress]");
    var download = section.querySelector("[data-export-download]");
    function tick() {
      fetch(url, { credentials: "same-origin" })
        .then(function (r) { return r.json(); })
        .then(function (state) {
          label.textContent = state.status_label;
          message.textContent = state.message;
          progress.value = state.progress;
          progress.textContent = state.progress + "%";
          if (state.download_url) {
            download.querySelector("a").setAttribute("href", state.download_url);
            download.hidden = false;
            var expires = download.querySelector("[data-export-expires]");
            if (expires && state.expires) expires.textContent = state.expires;
          }
          if (state.status === "queued" || state.status === "running") window.setTimeout(tick, 1000);
          else if (state.status === "failed") window.location.reload();
        })
        .catch(function () { window.setTimeout(tick, 3000); });
    }
    tick();
  }

  document.querySelectorAll("[data-export-status]").forEach(poll);

  var tz = document.querySelector("[data-local-timezone]");
  if (tz && window.Intl) {
    var local = Intl.DateTimeFormat().resolvedOptions().timeZone;
    if (local && tz.querySelector('option[value="' + local + '"]')) tz.value = local;
  }
})();
