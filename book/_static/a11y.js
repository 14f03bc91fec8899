/* Accessibility fixes of the theme's markup, checked with axe-core by tests/browser:
   - accessible names that match what is shown (WCAG 2.5.3 "label in name"): some controls have
     an aria-label that differs from their visible text; the visible text is the better name;
   - ARIA roles of the bibliography that screen readers understand. */
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
    // the book title above the sidebar navigation is a link home, outside any landmark
    root.querySelectorAll(".sidebar-primary-item").forEach(function (el) {
      if (el.querySelector(":scope > a.navbar-brand") && !el.hasAttribute("role")) {
        el.setAttribute("role", "navigation");
        el.setAttribute("aria-label", "Home");
      }
    });
    // bibliography (sphinxcontrib-bibtex): a role="list" of deprecated doc-biblioentry items
    root.querySelectorAll('[role="list"] > [role="doc-biblioentry"]').forEach(function (el) {
      el.setAttribute("role", "listitem");
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
