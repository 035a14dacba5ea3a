/* Quanzi analytics: one beacon per page visit (docs/analytics.md).
 *
 * The page view is queued when the page loads and sent, with anything else queued, when the page is
 * hidden or left (navigator.sendBeacon survives the navigation) — one request per visit, never one per
 * event. Each event carries its own random key: a beacon the browser retries is counted once. Nothing
 * personal is sent: the path without its query string, the time, and what was viewed.
 */
(function () {
  "use strict";
  var script = document.currentScript;
  var url = script && script.getAttribute("data-beacon-url");
  if (!url || !window.JSON || !window.Blob) return;
  var queue = [];

  function key() {
    var bytes = new Uint8Array(12);
    (window.crypto || window.msCrypto).getRandomValues(bytes);
    return Array.prototype.map.call(bytes, function (b) { return ("0" + b.toString(16)).slice(-2); }).join("");
  }

  function queueEvent(name, extra) {
    var event = {key: key(), name: name, ts: Date.now()};
    for (var k in extra) { if (Object.prototype.hasOwnProperty.call(extra, k)) event[k] = extra[k]; }
    queue.push(event);
    if (queue.length >= 50) flush();
  }

  function flush() {
    if (!queue.length) return;
    var body = JSON.stringify({events: queue.splice(0, 50)});
    var blob = new Blob([body], {type: "application/json"});
    if (!(navigator.sendBeacon && navigator.sendBeacon(url, blob))) {
      fetch(url, {method: "POST", body: body, keepalive: true, credentials: "same-origin",
                  headers: {"Content-Type": "application/json"}}).catch(function () {});
    }
  }

  queueEvent("page.view", {path: location.pathname});
  document.addEventListener("visibilitychange", function () {
    if (document.visibilityState === "hidden") flush();
  });
  window.addEventListener("pagehide", flush);
  window.QuanziAnalytics = {track: queueEvent, flush: flush};
})();
