/* Flash sale page: the buy buttons wake up when the start countdown (quanzi/js/countdown.js) reaches
   zero, and buying goes through the API with the page's purchase token, then straight to the cashier.
   Without this script the forms post. Words come from Django's JavaScript catalog (gettext()); the
   server's refusals arrive translated in the error's message. */
(function () {
  "use strict";
  document.addEventListener("countdown:zero", function (event) {
    if (!event.target.hasAttribute("data-start-countdown")) { return; }
    document.querySelectorAll("[data-enable-at-start]").forEach(function (b) { b.disabled = false; });
    var clock = document.querySelector("[data-testid=fs-clock]");
    if (clock) { clock.dataset.phase = "running"; }
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
            say(gettext("You got it! Taking you to pay…"), true);
            window.location.href = res.body.pay_url;
            return;
          }
          var err = res.body.error || {};
          say(err.message || gettext("Something went wrong. Please try again."));
          if (err.code === "sale_not_started" && !form.dataset.retried) {
            // pressed a moment early (clocks differ): try once more when the server says it starts
            form.dataset.retried = "1";
            var wait = (parseInt((err.fields || {}).starts_in, 10) || 1) * 1000 + 150;
            freshToken(form).then(function () { setTimeout(function () { form.requestSubmit(); }, wait); });
            return;
          }
          if (err.code === "sold_out") {
            button.textContent = gettext("Sold out");
            button.setAttribute("data-testid", "fs-sold-out");
          }
          freshToken(form).then(function () {
            if (err.code !== "sold_out" && err.code !== "over_user_limit" && err.code !== "sale_ended") button.disabled = false;
          });
        })
        .catch(function () {
          say(navigator.onLine === false ? gettext("You seem to be offline. Check your connection and try again.")
                                         : gettext("Something went wrong. Please try again."));
          button.disabled = false;
        });
    });
  });
})();
