/* The one countdown of every promotion page (markup: templates/includes/countdown.html, written by the
   `{% countdown %}` tag). Each element carries its deadline and the server's "now" (ISO-8601 UTC):
   the time left is counted from the server's clock, so a visitor's wrong clock does not matter.

   - shows HH:MM:SS, with the days in front past 24 hours ("2天 03:04:05" / "2d 03:04:05": the words
     come from Django's JavaScript catalog, gettext(), like the tag's from the server's);
   - ticks once a second, when the shown second changes;
   - at zero fires a bubbling `countdown:zero` event on the element, shows data-zero-text if given,
     and reloads the page with data-on-zero="reload";
   - picks up countdowns that HTMX swaps in, and stops those that are swapped out.
   Loaded more than once (a fragment brings it again): the first copy does the work. */
(function () {
  "use strict";
  if (window.QuanziCountdown) { window.QuanziCountdown.scan(document); return; }

  var DAY = 86400;

  function pad(n) { return String(n).padStart(2, "0"); }

  function format(seconds) {
    var days = seconds > DAY ? Math.floor(seconds / DAY) : 0, rest = seconds - days * DAY;
    var hms = pad(Math.floor(rest / 3600)) + ":" + pad(Math.floor(rest % 3600 / 60)) + ":" + pad(rest % 60);
    if (!days) { return hms; }
    // Translators: a countdown longer than a day: "2d 03:04:05"; keep %(days)s and %(time)s.
    return interpolate(gettext("%(days)sd %(time)s"), { days: days, time: hms }, true);
  }

  function bind(el) {
    if (el.__quanziCountdown) { return; }
    var deadline = Date.parse(el.getAttribute("data-deadline") || ""),
        serverNow = Date.parse(el.getAttribute("data-now") || "");
    if (isNaN(deadline)) { return; }
    var offset = isNaN(serverNow) ? 0 : serverNow - Date.now();  // server clock − this clock
    var state = el.__quanziCountdown = { fired: false };

    function tick() {
      if (!el.isConnected) { return; }  // swapped out: let it go
      var ms = deadline - (Date.now() + offset), seconds = Math.max(0, Math.floor(ms / 1000));
      if (ms <= 0 && el.hasAttribute("data-zero-text")) {
        el.textContent = el.getAttribute("data-zero-text");
      } else {
        el.textContent = format(seconds);
      }
      if (ms > 0) {
        setTimeout(tick, Math.min(1000, ms - seconds * 1000) + 5);  // when the shown second changes
        return;
      }
      if (state.fired) { return; }
      state.fired = true;
      el.dispatchEvent(new CustomEvent("countdown:zero", { bubbles: true }));
      if (el.getAttribute("data-on-zero") === "reload") { window.location.reload(); }
    }
    tick();
  }

  function scan(root) {
    if (!root || !root.querySelectorAll) { return; }
    if (root.matches && root.matches("[data-countdown][data-deadline]")) { bind(root); }
    root.querySelectorAll("[data-countdown][data-deadline]").forEach(bind);
  }

  window.QuanziCountdown = { scan: scan, format: format };
  document.addEventListener("htmx:load", function (event) { scan(event.target); });
  // Start once the page's other deferred scripts have run (they may listen for countdown:zero); when
  // this script arrives later (in a fragment), start now.
  if (document.readyState === "complete") {
    scan(document);
  } else {
    document.addEventListener("DOMContentLoaded", function () { scan(document); });
    window.addEventListener("load", function () { scan(document); });
  }
})();
