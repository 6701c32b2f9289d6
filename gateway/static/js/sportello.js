// Sportello: page behaviour shared by every page. No inline scripts: the CSP forbids them.
(function () {
  "use strict";
  var staticPath = document.body.getAttribute("data-static-path");
  if (window.bootstrap && typeof window.bootstrap.loadFonts === "function" && staticPath) {
    window.bootstrap.loadFonts(staticPath + "/fonts");
  }
})();
