/* Quanzi design-system behaviours (docs/design-system.md); no inline handlers, the CSP allows none.
   - sheets: [data-sheet-open="id"] opens <dialog class="sheet" id="id"> as a modal; [data-sheet-close],
     Esc or a tap on the backdrop closes it; focus goes back to the opener (the <dialog> does that).
   - tabs with panels: [data-tabs] > [role=tablist] > [role=tab][aria-controls=panel-id]; a click or the
     arrow / Home / End keys select a tab and show its panel.
   - toasts: a click on [data-toast="text"] (data-toast-kind="ok|warn|error") shows a toast (quanzi.js). */
(function () {
  "use strict";

  function openSheet(id, opener) {
    var sheet = document.getElementById(id);
    if (!sheet || typeof sheet.showModal !== "function" || sheet.open) return;
    sheet.showModal();
    sheet.dispatchEvent(new CustomEvent("sheet:open", { bubbles: true, detail: { opener: opener } }));
  }

  document.addEventListener("click", function (e) {
    var target = e.target;
    if (!(target instanceof Element)) return;
    var opener = target.closest("[data-sheet-open]");
    if (opener) {
      e.preventDefault();
      openSheet(opener.getAttribute("data-sheet-open"), opener);
      return;
    }
    var closer = target.closest("[data-sheet-close]");
    if (closer) {
      var dialog = closer.closest("dialog");
      if (dialog) dialog.close();
      return;
    }
    // A click on the backdrop lands on the <dialog> itself (its content is inside the head and body).
    if (target.matches("dialog.sheet[open]")) {
      var box = target.getBoundingClientRect();
      var inside = e.clientX >= box.left && e.clientX <= box.right && e.clientY >= box.top && e.clientY <= box.bottom;
      if (!inside) target.close();
      return;
    }
    var toastButton = target.closest("[data-toast]");
    if (toastButton && window.qzToast) {
      window.qzToast(toastButton.getAttribute("data-toast"), toastButton.getAttribute("data-toast-kind") || "ok");
    }
  });

  function selectTab(tab, focus) {
    var list = tab.closest("[role=tablist]");
    if (!list) return;
    list.querySelectorAll("[role=tab]").forEach(function (other) {
      var on = other === tab;
      other.setAttribute("aria-selected", on ? "true" : "false");
      other.tabIndex = on ? 0 : -1;
      var panel = document.getElementById(other.getAttribute("aria-controls"));
      if (panel) panel.hidden = !on;
    });
    if (focus) tab.focus();
  }

  document.addEventListener("click", function (e) {
    var tab = e.target instanceof Element ? e.target.closest("[data-tabs] [role=tab]") : null;
    if (tab) { e.preventDefault(); selectTab(tab, false); }
  });

  document.addEventListener("keydown", function (e) {
    var tab = e.target instanceof Element ? e.target.closest("[data-tabs] [role=tab]") : null;
    if (!tab) return;
    var all = Array.prototype.slice.call(tab.closest("[role=tablist]").querySelectorAll("[role=tab]"));
    var index = all.indexOf(tab);
    var next = { ArrowRight: index + 1, ArrowLeft: index - 1, Home: 0, End: all.length - 1 }[e.key];
    if (next === undefined) return;
    e.preventDefault();
    selectTab(all[(next + all.length) % all.length], true);
  });
})();
