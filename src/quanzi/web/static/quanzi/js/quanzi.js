/* Quanzi: small progressive enhancements shared by every page (no framework, HTMX does the rest).
   Words come from Django's JavaScript catalog (gettext(), loaded first by base.html), never from
   English written here or from data- attributes. */
(function () {
  "use strict";

  var toastTimer = null;

  function toast(message, kind) {
    var el = document.getElementById("toast");
    if (!el || !message) return;
    el.textContent = message;
    el.className = "toast toast-" + (kind || "ok") + " show";
    el.hidden = false;
    clearTimeout(toastTimer);
    toastTimer = setTimeout(function () {
      el.classList.remove("show");
      setTimeout(function () { el.hidden = true; }, 250);
    }, 2200);
  }
  window.qzToast = toast;

  function setCartCount(count) {
    document.querySelectorAll("[data-cart-count]").forEach(function (badge) {
      badge.textContent = count > 99 ? "99+" : String(count);
      badge.hidden = !count;
      badge.classList.remove("bump");
      void badge.offsetWidth; // restart the animation
      badge.classList.add("bump");
    });
  }

  // Events sent by the server in HX-Trigger.
  document.addEventListener("qz:toast", function (e) { toast(e.detail.message, e.detail.kind); });
  document.addEventListener("qz:cart", function (e) { setCartCount(e.detail.count); });

  // Copy buttons: <button data-copy="text"> or <button data-copy-target="#input-id">; the toast says
  // "Link copied" when what was copied is one address, else "Copied".
  function copiedMessage(text) {
    return /^(https?:\/\/|\/)\S+$/.test(String(text || "").trim()) ? gettext("Link copied") : gettext("Copied");
  }

  document.addEventListener("click", function (e) {
    var btn = e.target.closest("[data-copy], [data-copy-target]");
    if (!btn) return;
    e.preventDefault();
    var source = btn.dataset.copyTarget ? document.querySelector(btn.dataset.copyTarget) : null;
    var text = source ? (source.value || source.textContent) : btn.dataset.copy;
    var done = function () { toast(copiedMessage(text)); };
    if (navigator.clipboard && window.isSecureContext) {
      navigator.clipboard.writeText(text).then(done, function () { fallbackCopy(source, text); done(); });
    } else {
      fallbackCopy(source, text);
      done();
    }
  });

  function fallbackCopy(source, text) {
    var el = source && source.select ? source : null;
    if (!el) {
      el = document.createElement("textarea");
      el.value = text;
      el.setAttribute("readonly", "");
      el.style.position = "fixed";
      el.style.opacity = "0";
      document.body.appendChild(el);
    }
    el.select();
    try { document.execCommand("copy"); } catch (err) { /* the text stays selected for a manual copy */ }
    if (!source) document.body.removeChild(el);
  }

  // Quantity steppers: [data-stepper] > button[data-step] + input[type=number].
  document.addEventListener("click", function (e) {
    var btn = e.target.closest("[data-stepper] [data-step]");
    if (!btn) return;
    var input = btn.parentElement.querySelector("input");
    if (!input || input.disabled) return;
    var min = parseInt(input.min || "1", 10);
    var max = input.max ? parseInt(input.max, 10) : 9999;
    var value = (parseInt(input.value, 10) || min) + parseInt(btn.dataset.step, 10);
    value = Math.max(min, Math.min(max, value));
    if (String(value) === input.value) return;
    input.value = value;
    input.dispatchEvent(new Event("change", { bubbles: true }));
  });

  // Confirm before destructive forms; submit once.
  document.addEventListener("submit", function (e) {
    var form = e.target;
    if (form.dataset.confirm && !window.confirm(form.dataset.confirm)) {
      e.preventDefault();
      return;
    }
    if (form.hasAttribute("data-once")) {
      if (form.dataset.sent) { e.preventDefault(); return; }
      form.dataset.sent = "1";
      var buttons = form.querySelectorAll("button:not([type=button])");
      // Disable after the browser has read the submitter's name/value.
      setTimeout(function () { buttons.forEach(function (b) { b.disabled = true; b.classList.add("is-busy"); }); }, 0);
    }
  });

  // Coming back with the back button: forms are usable again.
  window.addEventListener("pageshow", function (e) {
    if (!e.persisted) return;
    document.querySelectorAll("form[data-sent]").forEach(function (form) {
      delete form.dataset.sent;
      form.querySelectorAll("button").forEach(function (b) { b.disabled = false; b.classList.remove("is-busy"); });
    });
  });

  // Behaviours that would otherwise be inline handlers (the Content-Security-Policy allows no inline script):
  // <input data-select-all> selects its text on click (share and push URLs);
  // <a data-open-details="id"> opens that <details> before jumping to it;
  // <a data-history-back href="fallback"> goes back when there is a page of this site to go back to.
  document.addEventListener("click", function (e) {
    var target = e.target;
    if (!(target instanceof Element)) return;
    if (target.matches("[data-select-all]") && target.select) { target.select(); return; }
    var opener = target.closest("[data-open-details]");
    if (opener) {
      var details = document.getElementById(opener.dataset.openDetails);
      if (details) details.open = true;
      return;
    }
    var back = target.closest("[data-history-back]");
    if (back && window.history.length > 1 && document.referrer.indexOf(location.origin + "/") === 0) {
      e.preventDefault();
      window.history.back();
    }
  });

  // <select data-autosubmit> (language switch).
  document.addEventListener("change", function (e) {
    if (e.target.matches("select[data-autosubmit]")) e.target.form.submit();
  });

  // Scroll-snap carousels: keep the counter / dots in step.
  function wireGallery(root) {
    var track = root.querySelector("[data-gallery-track], .banner-track");
    if (!track) return;
    var index = root.querySelector("[data-gallery-index]");
    var dots = root.querySelectorAll(".dots i");
    track.addEventListener("scroll", function () {
      var i = Math.round(track.scrollLeft / Math.max(1, track.clientWidth));
      if (index) index.textContent = i + 1;
      dots.forEach(function (d, j) { d.classList.toggle("on", i === j); });
    }, { passive: true });
  }

  // Flash messages fade after a while.
  function fadeFlashes() {
    document.querySelectorAll(".flash").forEach(function (el) {
      setTimeout(function () { el.classList.add("fade"); }, 5000);
    });
  }

  document.addEventListener("DOMContentLoaded", function () {
    document.querySelectorAll("[data-gallery], [data-carousel]").forEach(wireGallery);
    fadeFlashes();
  });

  // HTMX: show a toast when a request fails outright (network, 5xx).
  document.addEventListener("htmx:responseError", function (e) {
    var status = e.detail.xhr && e.detail.xhr.status;
    if (status >= 500 || !status) toast(gettext("Something went wrong. Please try again."), "error");
  });
  document.addEventListener("htmx:sendError", function () {
    toast(gettext("You seem to be offline. Check your connection and try again."), "error");
  });
})();
