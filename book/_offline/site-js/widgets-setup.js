// Loaded between require.js and the widget manager (see _config.yml, nb_ipywidgets_js).
(function () {
  // The widget manager finds its fonts next to its own module; point require.js at our copy
  // of it so nothing is fetched from a CDN or from a path relative to the page.
  var vendor = new URL("../vendor/", document.currentScript.src).href;
  require.config({ paths: { "@jupyter-widgets/html-manager/dist": vendor + "html-manager" } });

  // ipywidgets 8 typesets labels with MathJax 2's MathJax.Hub.Queue; the site runs MathJax 3.
  document.addEventListener("DOMContentLoaded", function () {
    var mathjax = window.MathJax;
    if (mathjax && mathjax.startup && !mathjax.Hub) {
      mathjax.Hub = {
        Queue: function (command) {
          var element = command && command[2];
          return mathjax.startup.promise.then(function () {
            return mathjax.typesetPromise(element ? [element] : undefined);
          });
        },
      };
    }
  });
})();
