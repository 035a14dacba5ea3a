/* Flash sale page: countdowns (the buy buttons wake up at the start), and buying through the API with
   the page's purchase token, then straight to the cashier. Without this script the forms post. */
(function () {
  "use strict";
  var pad = function (n) { return String(n).padStart(2, "0"); };
  var fmt = function (s) { return pad(Math.floor(s / 3600)) + ":" + pad(Math.floor(s % 3600 / 60)) + ":" + pad(s % 60); };
  var startedAt = Date.now();
  document.querySelectorAll("[data-countdown]").forEach(function (el) {
    var total = parseInt(el.dataset.countdown, 10) || 0, fired = false;
    var tick = function () {
      var left = Math.max(0, total - Math.floor((Date.now() - startedAt) / 1000));
      el.textContent = fmt(left);
      if (left === 0 && !fired) {
        fired = true;
        if (el.hasAttribute("data-start-countdown")) {
          document.querySelectorAll("[data-enable-at-start]").forEach(function (b) { b.disabled = false; });
          var clock = document.querySelector("[data-testid=fs-clock]");
          if (clock) clock.dataset.phase = "running";
        } else if (el.hasAttribute("data-reload-at-zero")) {
          window.location.reload();
        }
      }
    };
    tick(); setInterval(tick, 250);
  });

  var box = document.querySelector("[data-testid=fs-message]");
  var say = function (text, ok) { if (!box) return; box.hidden = false; box.textContent = text; box.classList.toggle("ok", !!ok); };

  var freshToken = function (form) {
    return fetch(form.dataset.tokenUrl, { credentials: "same-origin", headers: { Accept: "application/json" } })
      .then(function (r) { return r.json(); })
      .then(function (body) { if (body.token) form.dataset.token = body.token; return body; });
  };

  document.querySelectorAll("[data-fs-buy]").forEach(function (form) {
    form.addEventListener("submit", function (ev) {
      if (!form.dataset.token || !window.fetch) return; // no token (signed out) or old browser: plain post
      ev.preventDefault();
      var button = form.querySelector("button");
      button.disabled = true;
      var qty = parseInt((form.querySelector("[name=quantity]") || {}).value, 10) || 1;
      fetch("/api/v1/flash/purchase", {
        method: "POST", credentials: "same-origin",
        headers: { "Content-Type": "application/json", Accept: "application/json" },
        body: JSON.stringify({ token: form.dataset.token, quantity: qty })
      }).then(function (r) { return r.json().then(function (body) { return { status: r.status, body: body }; }); })
        .then(function (res) {
          if (res.status === 201) {
            say(form.dataset.wonText || "✓", true);
            window.location.href = res.body.pay_url;
            return;
          }
          var err = res.body.error || {};
          say(err.message || "…");
          if (err.code === "sale_not_started" && !form.dataset.retried) {
            // pressed a moment early (clocks differ): try once more when the server says it starts
            form.dataset.retried = "1";
            var wait = (parseInt((err.fields || {}).starts_in, 10) || 1) * 1000 + 150;
            freshToken(form).then(function () { setTimeout(function () { form.requestSubmit(); }, wait); });
            return;
          }
          if (err.code === "sold_out") {
            button.textContent = button.dataset.soldOut || err.message;
            button.setAttribute("data-testid", "fs-sold-out");
          }
          freshToken(form).then(function () {
            if (err.code !== "sold_out" && err.code !== "over_user_limit" && err.code !== "sale_ended") button.disabled = false;
          });
        })
        .catch(function () { button.disabled = false; });
    });
  });
})();
