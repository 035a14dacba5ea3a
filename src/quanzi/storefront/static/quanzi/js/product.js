/* Product page SKU picker: option chips (colour × size) → SKU id, price, stock and image.
   Words come from Django's JavaScript catalog (gettext()/ngettext(), loaded first by base.html). */
(function () {
  "use strict";

  function yuan(fen) {
    return "¥" + Math.floor(fen / 100) + "." + String(fen % 100).padStart(2, "0");
  }

  document.addEventListener("DOMContentLoaded", function () {
    var form = document.querySelector("[data-sku-picker]");
    var dataEl = document.getElementById("sku-data");
    if (!form || !dataEl) return;
    var data = JSON.parse(dataEl.textContent);
    var skuInput = form.querySelector("[data-sku-input]");
    var qty = form.querySelector("[data-qty]");
    var platformMax = parseInt(form.dataset.maxQty || "99", 10);
    var priceEl = document.querySelector("[data-price]");
    var compareEl = document.querySelector("[data-compare]");
    var stockEl = form.querySelector("[data-stock]");
    var labelEl = form.querySelector("[data-sku-label]");
    var buttons = form.querySelectorAll("[data-testid=add-to-cart], [data-testid=buy-now]");
    var firstImg = document.querySelector("[data-gallery-track] img");
    var track = document.querySelector("[data-gallery-track]");
    var originalImg = firstImg ? firstImg.getAttribute("src") : "";

    function picked() {
      var values = {};
      form.querySelectorAll("input[data-option]:checked").forEach(function (r) { values[r.dataset.option] = r.value; });
      return values;
    }

    function matches(sku, values) {
      return Object.keys(values).every(function (k) { return sku.values[k] === values[k]; });
    }

    // Grey out values that, with the other picks, lead to no SKU in stock.
    function markAvailability(values) {
      form.querySelectorAll("input[data-option]").forEach(function (radio) {
        var probe = Object.assign({}, values);
        probe[radio.dataset.option] = radio.value;
        var ok = data.skus.some(function (s) { return matches(s, probe) && s.stock > 0; });
        radio.parentElement.classList.toggle("is-out", !ok);
      });
    }

    function update() {
      var values = picked();
      var complete = Object.keys(values).length === data.options.length;
      var sku = complete ? data.skus.filter(function (s) { return matches(s, values); })[0] : null;
      markAvailability(values);
      skuInput.value = sku ? sku.id : "";
      if (!sku) {
        stockEl.textContent = gettext("Choose the options");
        buttons.forEach(function (b) { b.disabled = true; });
        return;
      }
      if (priceEl) priceEl.textContent = yuan(sku.price);
      if (compareEl) {
        compareEl.hidden = !sku.compare_at || sku.compare_at <= sku.price;
        if (sku.compare_at) compareEl.textContent = yuan(sku.compare_at);
      }
      if (labelEl) labelEl.textContent = sku.label;
      stockEl.textContent = sku.stock > 0
        ? interpolate(ngettext("%(n)s in stock", "%(n)s in stock", sku.stock), { n: sku.stock }, true)
        : gettext("Sold out");
      buttons.forEach(function (b) { b.disabled = sku.stock <= 0; });
      var limit = Math.max(1, Math.min(platformMax, sku.stock));
      qty.max = limit;
      if (parseInt(qty.value, 10) > limit) qty.value = limit;
      if (firstImg) {
        firstImg.src = sku.image || originalImg;
        if (sku.image && track) track.scrollTo({ left: 0, behavior: "smooth" });
      }
    }

    form.addEventListener("change", function (e) {
      if (e.target.matches("input[data-option]")) update();
    });
    if (data.options.length) update();
  });
})();
