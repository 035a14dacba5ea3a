/* The cashier's actions that need script (no inline script: the Content-Security-Policy forbids it).
   - <form data-autopost>: a provider that wants a POST: submitted at once (a button stays for no-script).
   - <a data-autofollow>: a provider page the form could not redirect to (CSP form-action): followed at once.
   - [data-wechat-bridge]: inside WeChat, asks WeixinJSBridge to pay with the signed parameters of
     #cashier-bridge-params, then goes to the return page (which asks the provider how it went). */
(function () {
  "use strict";

  function bridgePay(button) {
    var holder = document.getElementById("cashier-bridge-params");
    if (!holder) return;
    var params = JSON.parse(holder.textContent);
    var invoke = function () {
      window.WeixinJSBridge.invoke("getBrandWCPayRequest", params, function (res) {
        if (res && res.err_msg === "get_brand_wcpay_request:ok") window.location.href = button.dataset.return;
      });
    };
    if (window.WeixinJSBridge) invoke();
    else document.addEventListener("WeixinJSBridgeReady", invoke, { once: true });
  }

  document.addEventListener("DOMContentLoaded", function () {
    var form = document.querySelector("form[data-autopost]");
    if (form) form.submit();
    var link = document.querySelector("a[data-autofollow]");  // a provider page on another origin
    if (link) window.location.replace(link.href);
    var button = document.querySelector("[data-wechat-bridge]");
    if (button) {
      button.addEventListener("click", function () { bridgePay(button); });
      bridgePay(button);
    }
  });
})();
