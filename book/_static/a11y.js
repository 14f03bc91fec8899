/* Accessible names that match what is shown (WCAG 2.5.3 "label in name"), checked with axe-core
   by tests/browser. The theme's templates give some controls an aria-label that differs from
   their visible text; the visible text is the better name, so the label is dropped. */
(function () {
  "use strict";

  function fix(root) {
    // "Show code cell source" / "Hide code cell source" toggles of hidden code cells
    root.querySelectorAll('summary[aria-label="Toggle hidden content"]').forEach(function (el) {
      el.removeAttribute("aria-label");
    });
    // search buttons read "Search Ctrl+K"
    root.querySelectorAll("button.search-button__button[aria-label]").forEach(function (el) {
      if (el.textContent.trim()) {
        el.removeAttribute("aria-label");
      }
    });
    // the colour-mode button is named by its aria-label ("Color mode"); its icons, whose
    // titles ("Light", "Dark") would count as visible text, are decoration
    root.querySelectorAll(".theme-switch-button svg, .theme-switch-button i").forEach(function (el) {
      if (el.getAttribute("aria-hidden") !== "true") {
        el.setAttribute("aria-hidden", "true");
        el.removeAttribute("aria-labelledby");
        el.removeAttribute("role");
        el.removeAttribute("title");
      }
      el.querySelectorAll("title").forEach(function (title) {
        title.remove();
      });
    });
  }

  function start() {
    fix(document);
    // Font Awesome replaces <i> icons by <svg> after load: fix those too.
    var observer = new MutationObserver(function () {
      fix(document);
    });
    observer.observe(document.body, { childList: true, subtree: true });
    window.addEventListener("load", function () {
      setTimeout(function () {
        fix(document);
        observer.disconnect();
      }, 3000);
    });
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
