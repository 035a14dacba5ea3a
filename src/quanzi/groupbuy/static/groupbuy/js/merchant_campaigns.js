/* Merchant group-buy form: the hidden product id follows the chosen SKU (its option carries data-product). */
(function () {
  "use strict";
  var sel = document.querySelector("select[name=sku_id]"), hidden = document.querySelector("[data-gb-product]");
  if (!sel || !hidden) return;
  var sync = function () { var o = sel.options[sel.selectedIndex]; if (o) hidden.value = o.dataset.product; };
  sel.addEventListener("change", sync);
  sync();
})();
