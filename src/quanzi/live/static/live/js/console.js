/* Host console: buttons call the JSON API with the session (CSRF header from the page). Words come from
   Django's JavaScript catalog (gettext()). */
(function () {
  "use strict";
  var root = document.querySelector("[data-live-console]");
  if (!root) return;
  var number = root.dataset.number;
  var csrf = (JSON.parse(document.body.getAttribute("hx-headers") || "{}")["X-CSRFToken"]) || "";
  var base = "/api/v1/live/host/rooms/" + number;
  var errorBox = root.querySelector("[data-live-error]");

  function call(method, path, body) {
    return fetch(base + path, {
      method: method, credentials: "same-origin",
      headers: {"Content-Type": "application/json", "X-CSRFToken": csrf},
      body: body ? JSON.stringify(body) : undefined
    }).then(function (r) {
      return r.json().catch(function () { return {}; }).then(function (data) {
        if (!r.ok) {
          var msg = (data.error && data.error.message) || interpolate(gettext("Something went wrong (HTTP %s). Please try again."), [r.status]);
          if (errorBox) { errorBox.textContent = msg; errorBox.hidden = false; }
          throw new Error(msg);
        }
        root.dataset.lastAction = path;
        return data;
      });
    });
  }

  root.addEventListener("click", function (e) {
    var btn = e.target.closest("[data-api]");
    if (btn) {
      var action = btn.dataset.api;
      if (action === "end" && !window.confirm(gettext("End the live for everyone?"))) return;
      var done = function () { if (action === "start" || action === "end") location.reload(); };
      if (action === "pin") call("POST", "/pin", {product_id: parseInt(btn.dataset.productId, 10)}).then(done);
      else if (action === "unpin") call("POST", "/unpin").then(done);
      else call("POST", "/" + action).then(done);
      return;
    }
    var mod = e.target.closest("[data-mod]");
    if (mod) {
      var li = mod.closest("li"), seq = li.dataset.seq, userId = parseInt(li.dataset.userId, 10);
      if (mod.dataset.mod === "delete") call("DELETE", "/messages/" + seq);
      else call("POST", "/sanctions", {user_id: userId, kind: mod.dataset.mod}).then(function () {
        li.classList.add("live-sanctioned"); root.dataset.lastSanction = mod.dataset.mod + ":" + userId;
      });
    }
  });
})();
