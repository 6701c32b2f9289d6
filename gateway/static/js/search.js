// The header's search dialog: once open, the cursor is in its search field (Bootstrap's modal
// ignores the autofocus attribute).
(function () {
  "use strict";
  var dialog = document.getElementById("search-modal");
  if (!dialog) {
    return;
  }
  dialog.addEventListener("shown.bs.modal", function () {
    var field = dialog.querySelector("input[type=search]");
    if (field) {
      field.focus();
    }
  });
})();
