// Sends the SAML form on to its destination as soon as the page loads (the button stays as a
// fallback when scripts are off). Served as a file so a CSP without inline scripts holds.
document.addEventListener("DOMContentLoaded", function () {
  var form = document.querySelector("form[data-autosubmit]");
  if (form) {
    form.submit();
  }
});
