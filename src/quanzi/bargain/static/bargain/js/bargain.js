/* Bargain page: the invite sheet's "Share to an app" button, the phone's own share panel (Web Share API).
   It stays hidden where the browser has no navigator.share; the link, the text and the poster work everywhere. */
(function () {
  "use strict";

  var canShare = typeof navigator.share === "function";
  document.querySelectorAll("[data-native-share]").forEach(function (btn) { btn.hidden = !canShare; });

  document.addEventListener("click", function (e) {
    var btn = e.target instanceof Element ? e.target.closest("[data-native-share]") : null;
    if (!btn || !canShare) return;
    e.preventDefault();
    var data = { title: btn.dataset.shareTitle || document.title, text: btn.dataset.shareText || "", url: btn.dataset.shareUrl };
    navigator.share(data).catch(function (err) {
      if (err && err.name === "AbortError") return; // the shopper closed the panel
      window.qzToast(gettext("Could not open sharing here: copy the link instead."), "warn");
    });
  });
})();
