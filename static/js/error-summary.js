// After a failed submit the page comes back with an error summary at the top: move focus to it, so
// that screen readers read the problems out and keyboard users start from the links to each field.
// A file of its own, not an inline script, which the Content-Security-Policy would refuse.
(function () {
  var summary = document.querySelector(".error-summary");
  if (summary) summary.focus();
})();
