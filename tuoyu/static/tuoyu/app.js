// Send the CSRF token with every htmx request (Django reads the X-CSRFToken header).
document.addEventListener("htmx:configRequest", function (event) {
  var meta = document.querySelector('meta[name="csrf-token"]');
  if (meta) { event.detail.headers["X-CSRFToken"] = meta.content; }
});
// Collapse/expand the navigation on small screens (no Bootstrap JS needed).
document.addEventListener("DOMContentLoaded", function () {
  document.querySelectorAll(".navbar-toggler").forEach(function (btn) {
    btn.addEventListener("click", function () {
      var target = document.querySelector(btn.getAttribute("data-bs-target"));
      var open = target.classList.toggle("show");
      btn.setAttribute("aria-expanded", open ? "true" : "false");
    });
  });
});
// Irreversible actions ask first: a form with data-confirm says what will happen and is sent only on OK.
// (Captured before any other submit handler; htmx forms use hx-confirm, htmx's own.)
document.addEventListener("submit", function (event) {
  var form = event.target;
  var text = form && form.getAttribute ? form.getAttribute("data-confirm") : null;
  if (text && !window.confirm(text)) { event.preventDefault(); event.stopImmediatePropagation(); }
}, true);
