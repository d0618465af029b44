/* The export page's "Select all" box, bound here: the Content-Security-Policy
   refuses the inline onchange handler of django-import-export's template. */
document.addEventListener("DOMContentLoaded", function () {
  document.querySelectorAll("input.select-toggle").forEach(function (toggle) {
    toggle.removeAttribute("onchange");
    toggle.addEventListener("change", function (event) {
      if (typeof onSelectToggleChange === "function") {
        onSelectToggleChange(event);
      }
    });
  });
});
