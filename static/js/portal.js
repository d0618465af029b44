/* Programme Desk portal behaviour. Scripts come from this file only: the
   Content-Security-Policy allows no inline script (docs/security.md). */
"use strict";

/* A <select data-autosubmit> sends its form as soon as the choice changes
   (the language switch); without JavaScript its <noscript> button does. */
document.addEventListener("change", function (event) {
  var field = event.target;
  if (field instanceof HTMLSelectElement && field.hasAttribute("data-autosubmit") && field.form) {
    field.form.submit();
  }
});
