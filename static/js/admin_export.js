/* The export page's "Select all" box. django-import-export binds it with an inline
   onchange attribute, which the Content-Security-Policy refuses; the project's export
   template (templates/admin/import_export/export.html) leaves it out, and it is bound
   here. */
document.addEventListener("DOMContentLoaded", function () {
  document.querySelectorAll("input.select-toggle").forEach(function (toggle) {
    toggle.addEventListener("change", function (event) {
      if (typeof onSelectToggleChange === "function") {
        onSelectToggleChange(event);
      }
    });
  });
});
