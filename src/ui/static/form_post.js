// Submits the form_post response (OAuth 2.0 Form Post Response Mode) at once.
// A file, not inline script, so the page's CSP can forbid inline script; the
// page's Continue button does the same without JavaScript.
document.addEventListener("DOMContentLoaded", function () {
  document.getElementById("form-post").submit();
});
