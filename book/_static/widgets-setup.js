/* Set-up for the static Jupyter widgets of a page (loaded after require.js and before
   @jupyter-widgets/html-manager's embed-amd.js; see nb_ipywidgets_js in _config.yml).

   1. embed-amd.js defines its modules by name and finds its fonts relative to each module's
      RequireJS URL, which by default is relative to the page. Point the modules at the folder
      that holds embed-amd.js and the fonts, so that nothing is looked up elsewhere.
   2. The widgets typeset their labels with the MathJax 2 API (MathJax.Hub.Queue); the book
      loads MathJax 3, so give it that one call. */
(function () {
  "use strict";
  var script = document.currentScript;
  var here = script ? script.src.replace(/[?#].*$/, "") : "";
  var folder = here.slice(0, here.lastIndexOf("/") + 1) + "vendor/html-manager/";
  var modules = [
    "@jupyter-widgets/base",
    "@jupyter-widgets/base7",
    "@jupyter-widgets/controls",
    "@jupyter-widgets/controls7",
    "@jupyter-widgets/html-manager",
    "@jupyter-widgets/html-manager/dist/libembed-amd",
  ];
  var paths = {};
  modules.forEach(function (name) {
    paths[name] = folder + name.replace(/[@/]/g, "_");
  });
  if (window.requirejs && here) {
    window.requirejs.config({ paths: paths });
  }

  window.addEventListener("load", function () {
    var mathjax = window.MathJax;
    if (mathjax && mathjax.typesetPromise && !mathjax.Hub) {
      mathjax.Hub = {
        Queue: function (command) {
          var element = command && command[2];
          if (element) {
            mathjax.startup.promise.then(function () {
              return mathjax.typesetPromise([element]);
            });
          }
        },
      };
    }
  });
})();
