// Sportello forms: show, hide and mark required the fields whose conditions depend on other
// answers, as the citizen types. The server applies the same conditions on submit (hidden
// answers are dropped), so the form works the same without this script.
(function () {
  "use strict";

  function currentValue(form, name) {
    var inputs = form.querySelectorAll('[name="' + name + '"]');
    if (!inputs.length) { return undefined; }
    var first = inputs[0];
    if (first.type === "checkbox") { return first.checked; }
    // Another step's ticked checkbox rides as a hidden field.
    if (first.type === "hidden" && first.hasAttribute("data-boolean")) { return true; }
    if (first.type === "radio") {
      for (var i = 0; i < inputs.length; i++) {
        if (inputs[i].checked) { return inputs[i].value; }
      }
      return undefined;
    }
    return first.value === "" ? undefined : first.value;
  }

  function holds(form, wrappers, raw) {
    if (!raw) { return true; }
    var cond = JSON.parse(raw);
    // A condition on a hidden field never holds (its answer is dropped, as on the server).
    var target = wrappers[cond.field];
    if (target && target.hidden) { return false; }
    var value = currentValue(form, cond.field);
    return cond.values.some(function (v) { return v === value; });
  }

  function refresh(form) {
    var wrappers = {};
    var all = form.querySelectorAll("[data-field]");
    all.forEach(function (w) { wrappers[w.getAttribute("data-field")] = w; });
    // Definition order: a condition only looks at earlier fields, so one pass is enough.
    all.forEach(function (w) {
      var visible = holds(form, wrappers, w.getAttribute("data-visible-if"));
      w.hidden = !visible;
      var requiredIf = w.getAttribute("data-required-if");
      if (requiredIf) {
        var required = visible && holds(form, wrappers, requiredIf);
        var mark = w.querySelector("[data-required-mark]");
        if (mark) { mark.classList.toggle("d-none", !required); }
        w.querySelectorAll("input, select, textarea").forEach(function (el) {
          if (el.type === "radio") { return; }
          if (required) { el.setAttribute("aria-required", "true"); }
          else { el.removeAttribute("aria-required"); }
        });
      }
    });
  }

  document.querySelectorAll("form.sportello-form").forEach(function (form) {
    form.addEventListener("change", function () { refresh(form); });
    form.addEventListener("input", function () { refresh(form); });
    refresh(form);
  });

  var summary = document.getElementById("error-summary");
  if (summary) { summary.focus(); }
})();
