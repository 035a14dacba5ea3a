/* Live-room sales: the gift and purchase banners, the leaderboard, live-price refreshes and the buy sheet.
   Reacts to live's events through window.QuanziLive.on(kind, fn); the panel works without it (forms post
   normally, HTMX or not). The live prices' countdowns are quanzi/js/countdown.js's: when one reaches zero
   the panel is fetched again. Any [data-live-buy="product id"] of the page (live's pinned card and products
   list, our pinned card) opens the buy sheet on that product's form. Words come from Django's JavaScript
   catalog (gettext()). Loaded again when the panel is refreshed: binds once. */
(function () {
  "use strict";
  if (window.__quanziLiveSales) { return; }
  window.__quanziLiveSales = true;

  var BANNER_MS = 4500;

  function panel() { return document.getElementById("ls-panel"); }

  function el(tag, cls, text) {
    var node = document.createElement(tag);
    if (cls) { node.className = cls; }
    if (text !== undefined && text !== null) { node.textContent = text; }
    return node;
  }

  function notice(parts, cls) {
    var box = document.getElementById("ls-notices");
    if (!box) { return; }
    var banner = el("div", "ls-notice " + cls);
    banner.setAttribute("data-testid", cls === "ls-notice-tip" ? "ls-gift-banner" : "ls-buy-banner");
    parts.forEach(function (part) { banner.appendChild(part); });
    box.appendChild(banner);
    while (box.children.length > 3) { box.removeChild(box.firstChild); }
    setTimeout(function () { if (banner.parentNode) { banner.parentNode.removeChild(banner); } }, BANNER_MS);
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
      var li = el("li");
      li.appendChild(el("span", "", row.nickname));
      li.appendChild(document.createTextNode(" "));
      li.appendChild(el("b", "", yuan(row.amount)));
      list.appendChild(li);
    });
  }

  // ---- the buy sheet: opened on one product's form by any [data-live-buy]
  function openBuy(productId) {
    var sheet = document.getElementById("ls-buy-sheet");
    var item = document.getElementById("ls-buy-" + productId);
    if (!sheet || !item || typeof sheet.showModal !== "function") { return false; }
    if (window.QuanziLive && typeof window.QuanziLive.shelf === "function") { window.QuanziLive.shelf(false); }
    sheet.querySelectorAll("details.ls-buy").forEach(function (d) { d.open = d === item; });
    if (!sheet.open) { sheet.showModal(); }
    item.scrollIntoView({block: "nearest"});
    var first = item.querySelector("select, input:not([type=hidden]), button[type=submit], a");
    if (first) { first.focus({preventScroll: true}); }
    return true;
  }

  document.addEventListener("click", function (event) {
    var target = event.target instanceof Element ? event.target.closest("[data-live-buy]") : null;
    if (target && openBuy(target.getAttribute("data-live-buy"))) { event.preventDefault(); }
  });

  document.addEventListener("countdown:zero", function (event) {
    // a live price ran out: the server ends it (the sweep); show the panel without it a moment later
    if (event.target.classList.contains("ls-countdown")) { setTimeout(refresh, 1500); }
  });

  function giftName(name) {
    // the event carries the gift's Chinese name; the panel's #ls-gift-names has it in the page's language
    var options = document.querySelectorAll("#ls-gift-names option");
    for (var i = 0; i < options.length; i += 1) {
      if (options[i].value === name) { return options[i].label || name; }
    }
    return name;
  }

  function pinnedShown() {
    var p = panel();
    return p ? (p.getAttribute("data-pinned") || "") : "";
  }

  function bind() {
    var live = window.QuanziLive;
    if (!live || typeof live.on !== "function") { return false; }
    live.on("purchase", function (d) {
      notice([el("span", "", interpolate(gettext("%(name)s just bought %(product)s"),
                                         {name: d.nickname, product: d.product_title}, true))], "ls-notice-buy");
    });
    live.on("tip", function (d) {
      // "小圈 sent 🚀 Rocket ×1": who, the gift's icon, its name, how many
      var icon = el("span", "ls-notice-icon", d.icon && d.icon.charAt(0) !== "/" && d.icon.indexOf("http") !== 0 ? d.icon : "🎁");
      icon.setAttribute("aria-hidden", "true");
      notice([el("span", "ls-notice-who", d.nickname), el("span", "ls-notice-what", pgettext("gift banner", "sent")),
              icon, el("span", "ls-notice-gift", giftName(d.gift)), el("b", "ls-notice-count", "×" + d.count)],
             "ls-notice-tip");
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
    // the host pinned another product, or unpinned: our pinned card (live price, buy sheet) follows
    live.on("pinned", function (d) {
      if (d.product && String(d.product.id) !== pinnedShown()) { refresh(); }
    });
    live.on("unpinned", function () { if (pinnedShown()) { refresh(); } });
    return true;
  }

  if (!bind()) {
    var tries = 0;
    var timer = setInterval(function () { if (bind() || ++tries > 50) { clearInterval(timer); } }, 200);
  }
})();
