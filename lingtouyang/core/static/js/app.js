/* The back office's small behaviours, in a file because the Content-Security-Policy allows no inline script
   and no on…= handlers: the region picker's choice, print buttons and progress bars' widths. Loaded with defer
   after htmx; content htmx swaps in later is handled through event delegation and htmx:load. */
(function () {
  "use strict";

  // A suggestion of the region picker (regions/_suggest.html): fill the hidden code and the visible box.
  document.addEventListener("click", function (event) {
    var btn = event.target.closest("button[data-code][data-target]");
    if (!btn) { return; }
    var field = document.getElementById(btn.dataset.target);
    var box = btn.closest(".suggest");
    if (!field || !box) { return; }
    field.value = btn.dataset.code;
    box.querySelector("input[type=search]").value = btn.dataset.label;
    box.querySelector("[id^=suggest-]").textContent = "";
  });

  document.addEventListener("click", function (event) {
    if (event.target.closest("[data-print]")) { window.print(); }
  });

  // Bars say their percentage in data-width; a style attribute would need 'unsafe-inline'.
  function widths(root) {
    root.querySelectorAll("[data-width]").forEach(function (el) {
      var n = Math.max(0, Math.min(100, parseFloat(el.dataset.width) || 0));
      el.style.width = n + "%";
    });
  }
  document.addEventListener("htmx:load", function (event) { widths(event.target); });
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", function () { widths(document); });
  } else {
    widths(document);
  }
})();
