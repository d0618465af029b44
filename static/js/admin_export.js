/* The export page's "Select all" box. django-import-export binds it with an inline
   onchange attribute, which the Content-Security-Policy refuses; the admin takes the
   attribute out of the page (programmes/admin_import.py) and it is bound here. */
document.addEventListener("DOMContentLoaded", function () {
  document.querySelectorAll("input.select-toggle").forEach(function (toggle) {
    toggle.addEventListener("change", function (event) {
      if (typeof onSelectToggleChange === "function") {
        onSelectToggleChange(event);
      }
    });
  });
});
