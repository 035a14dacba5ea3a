/* Live-room sales: notices ("X just bought …", gifts), the leaderboard and live-price refreshes.
   Reacts to live's events through window.QuanziLive.on(kind, fn); the panel works without it
   (forms post normally, HTMX or not). The live prices' countdowns are quanzi/js/countdown.js's: when
   one reaches zero the panel is fetched again. Loaded again when the panel is refreshed: binds once. */
(function () {
  "use strict";
  if (window.__quanziLiveSales) { return; }
  window.__quanziLiveSales = true;

  function panel() { return document.getElementById("ls-panel"); }

  function notice(text, cls) {
    var box = document.getElementById("ls-notices");
    if (!box) { return; }
    var el = document.createElement("div");
    el.className = "ls-notice " + cls;
    el.textContent = text;
    box.appendChild(el);
    while (box.children.length > 4) { box.removeChild(box.firstChild); }
    setTimeout(function () { if (el.parentNode) { el.parentNode.removeChild(el); } }, 5000);
  }

  function yuan(fen) { return "¥" + (fen / 100).toFixed(2); }

  function refresh() {
    if (window.htmx && panel()) { window.htmx.trigger(document.body, "ls-refresh"); }
  }

  function board(top) {
    var list = document.getElementById("ls-board");
    if (!list) { return; }
    list.textContent = "";
    (top || []).forEach(function (row) {
      var li = document.createElement("li");
      var name = document.createElement("span");
      name.textContent = row.nickname;
      var amount = document.createElement("b");
      amount.textContent = yuan(row.amount);
      li.appendChild(name); li.appendChild(document.createTextNode(" ")); li.appendChild(amount);
      list.appendChild(li);
    });
  }

  document.addEventListener("countdown:zero", function (event) {
    // a live price ran out: the server ends it (the sweep); show the panel without it a moment later
    if (event.target.classList.contains("ls-countdown")) { setTimeout(refresh, 1500); }
  });

  function bind() {
    var live = window.QuanziLive;
    if (!live || typeof live.on !== "function") { return false; }
    live.on("purchase", function (d) {
      var p = panel();
      notice(d.nickname + " " + (p ? p.getAttribute("data-t-bought") : "") + " " + d.product_title, "ls-notice-buy");
    });
    live.on("tip", function (d) {
      var p = panel();
      notice(d.nickname + " " + (p ? p.getAttribute("data-t-sent") : "") + " " + (d.icon || "🎁") + " " + d.gift +
             " ×" + d.count, "ls-notice-tip");
    });
    live.on("leaderboard", function (d) { board(d.top); });
    live.on("live_price", function (d) {
      // Another viewer bought: update what is left in place (the open buy sheet and the "Pay now" link
      // stay); a price this page does not show yet (just started) reloads the panel.
      var banner = document.querySelector('[data-price-id="' + d.id + '"]');
      if (!banner) { refresh(); return; }
      var left = banner.querySelector("[data-ls-left]");
      if (left && typeof d.stock === "number") { left.textContent = String(d.stock); }
    });
    live.on("live_price_ended", refresh);
    return true;
  }

  if (!bind()) {
    var tries = 0;
    var timer = setInterval(function () { if (bind() || ++tries > 50) { clearInterval(timer); } }, 200);
  }
})();
