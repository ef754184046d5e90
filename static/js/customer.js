// Customer 360: customer suggestions as you type (an ARIA combobox); static/js/plots.js draws the profile's charts.
// No inline script anywhere: the page's figures arrive as <script type="application/json">.
(function () {
  "use strict";
  if (window.portalCustomerScript) return;  // also loaded on every page for the top bar's search box
  window.portalCustomerScript = true;

  var DEBOUNCE_MS = 200;
  var MIN_TERM = 2;

  function combobox(input) {
    var list = document.getElementById(input.getAttribute("aria-controls"));
    var status = input.form.querySelector("[data-suggest-status]");
    var url = input.getAttribute("data-suggest-url");
    var timer = null;
    var sequence = 0;
    var active = -1;
    var items = [];

    function options() { return list.querySelectorAll("[role=option]"); }

    function close() {
      list.hidden = true;
      input.setAttribute("aria-expanded", "false");
      input.removeAttribute("aria-activedescendant");
      active = -1;
    }

    function highlight(index) {
      var opts = options();
      if (!opts.length) return;
      active = (index + opts.length) % opts.length;
      opts.forEach(function (opt, i) { opt.setAttribute("aria-selected", i === active ? "true" : "false"); });
      input.setAttribute("aria-activedescendant", opts[active].id);
      opts[active].scrollIntoView({ block: "nearest" });
    }

    function open(suggestions) {
      items = suggestions;
      list.innerHTML = "";
      active = -1;
      input.removeAttribute("aria-activedescendant");
      suggestions.forEach(function (s, i) {
        var li = document.createElement("li");
        li.id = list.id + "-" + i;
        li.setAttribute("role", "option");
        li.setAttribute("aria-selected", "false");
        li.className = "combo-option";
        var id = document.createElement("span");
        id.className = "mono";
        id.textContent = s.id;
        var name = document.createElement("span");
        name.textContent = s.name;
        li.appendChild(id);
        li.appendChild(name);
        if (s.email) {
          var email = document.createElement("span");
          email.className = "muted";
          email.textContent = s.email;
          li.appendChild(email);
        }
        li.addEventListener("mousedown", function (event) { event.preventDefault(); });
        li.addEventListener("click", function () { window.location.href = s.url; });
        list.appendChild(li);
      });
      if (suggestions.length) {
        list.hidden = false;
        input.setAttribute("aria-expanded", "true");
      } else {
        close();
      }
      status.textContent = suggestions.length
        ? suggestions.length + " suggestion" + (suggestions.length === 1 ? "" : "s") + "; use the arrow keys to choose."
        : "No suggestions.";
    }

    function fetchSuggestions() {
      var term = input.value.trim();
      var mine = ++sequence;
      if (term.length < MIN_TERM) { close(); status.textContent = ""; return; }
      fetch(url + "?q=" + encodeURIComponent(term), { credentials: "same-origin", headers: { Accept: "application/json" } })
        .then(function (response) { return response.ok ? response.json() : []; })
        .then(function (suggestions) { if (mine === sequence) open(suggestions); })
        .catch(function () { if (mine === sequence) close(); });
    }

    input.addEventListener("input", function () {
      window.clearTimeout(timer);
      timer = window.setTimeout(fetchSuggestions, DEBOUNCE_MS);
    });

    input.addEventListener("keydown", function (event) {
      var expanded = !list.hidden;
      if (event.key === "ArrowDown") {
        event.preventDefault();
        if (expanded) highlight(active + 1); else if (items.length) { open(items); highlight(0); }
      } else if (event.key === "ArrowUp") {
        if (!expanded) return;
        event.preventDefault();
        highlight(active - 1);
      } else if (event.key === "Enter") {
        if (expanded && active >= 0 && items[active]) {
          event.preventDefault();
          window.location.href = items[active].url;
        }
      } else if (event.key === "Escape") {
        if (expanded) { event.preventDefault(); close(); }
      }
    });

    input.addEventListener("blur", close);
  }

  function start() {
    document.querySelectorAll("[data-customer-combobox]").forEach(combobox);
  }

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
  else start();
})();
