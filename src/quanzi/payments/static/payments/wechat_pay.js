/* WeChat Pay's pages (payments/wechat_views.py). The markup carries everything (no inline script: CSP):
   #wechat-pay has data-mode ("jsapi", "native" or "h5"), data-status-url, data-return-url and, on the JSAPI
   page, the signed getBrandWCPayRequest parameters (data-bridge-params). The words it shows come from
   Django's JavaScript catalog (gettext(), loaded first by base.html).

   - JSAPI and Native ask the status URL every 3 s (every 4th time with sync=1, which makes the server ask
     WeChat Pay itself; a hidden tab is not polled) and go to the return URL once the payment is paid; they
     stop when it is closed or its time is up.
   - JSAPI calls WeixinJSBridge (injected by WeChat's browser) on load and on the button; "ok" from the
     bridge is no proof of payment, so it only triggers a synced check at once.
   - H5 goes on to WeChat's page (the link's href) in place of this one, so Back returns to the cashier;
     the page's Referrer-Policy lets WeChat see our origin, which it insists on. */
(function () {
  "use strict";
  var root = document.getElementById("wechat-pay");
  if (!root) { return; }
  var mode = root.getAttribute("data-mode");
  var state = root.querySelector("[data-state]");
  var statusUrl = root.getAttribute("data-status-url"), returnUrl = root.getAttribute("data-return-url");
  var polls = 0, timer = null, done = false, waitingForBridge = false;

  var TEXTS = {
    paid: gettext("Paid. Taking you to your order…"),
    closed: gettext("This payment is closed."),
    checking: gettext("Checking the payment…"),
    cancelled: gettext("Payment cancelled. You can try again."),
    failed: gettext("WeChat could not start the payment. Try again, or choose another way to pay."),
    "no-bridge": gettext("Open this page in WeChat to pay.")
  };

  function say(name, tone) {
    var text = TEXTS[name];
    if (state && text) { state.textContent = text; state.setAttribute("data-tone", tone || ""); }
  }

  function later(ms) { clearTimeout(timer); timer = setTimeout(check, ms); }

  function check(sync) {
    if (done) { return; }
    if (document.hidden && sync !== true) { return; }  // resumed by visibilitychange
    clearTimeout(timer);
    polls += 1;
    var url = statusUrl + (sync === true || polls % 4 === 0 ? "?sync=1" : "");
    fetch(url, { credentials: "same-origin", headers: { "Accept": "application/json" } })
      .then(function (r) { return r.ok ? r.json() : null; })
      .then(function (data) {
        if (data && data.paid) { done = true; say("paid", "ok"); window.location.href = data.next || returnUrl; return; }
        if (data && !data.open) { done = true; say("closed", "bad"); return; }
        later(3000);
      })
      .catch(function () { later(5000); });
  }

  function bridgeParams() {
    try { return JSON.parse(root.getAttribute("data-bridge-params") || "null"); } catch (e) { return null; }
  }

  function invoke() {
    var params = bridgeParams();
    if (!params || !params.paySign) { say("failed", "bad"); return; }
    if (typeof window.WeixinJSBridge === "undefined") {
      say("no-bridge");
      if (!waitingForBridge) {
        waitingForBridge = true;
        document.addEventListener("WeixinJSBridgeReady", function () { waitingForBridge = false; invoke(); }, { once: true });
      }
      return;
    }
    window.WeixinJSBridge.invoke("getBrandWCPayRequest", params, function (res) {
      var msg = (res && res.err_msg) || "";
      if (msg === "get_brand_wcpay_request:ok") { say("checking"); check(true); }
      else if (msg === "get_brand_wcpay_request:cancel") { say("cancelled", "bad"); }
      else { say("failed", "bad"); }
    });
  }

  if (mode === "h5") {
    var link = document.querySelector("a[data-wechat-h5]");
    if (link) { window.location.replace(link.href); }
    return;
  }
  if (mode === "jsapi") {
    var button = document.querySelector("[data-wechat-pay]");
    if (button) { button.addEventListener("click", invoke); }
    invoke();
  }
  document.addEventListener("visibilitychange", function () { if (!document.hidden && !done) { later(300); } });
  later(3000);
})();
