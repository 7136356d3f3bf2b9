// Forms on every page: a form that is being sent cannot be sent again (its submit
// buttons are disabled until the next page arrives), and the top bar's menu button
// opens and closes the navigation on a narrow screen.
(function () {
  "use strict";

  document.addEventListener("submit", function (event) {
    var form = event.target;
    if (!(form instanceof HTMLFormElement) || form.method.toLowerCase() !== "post") return;
    if (form.hasAttribute("hx-post") || form.dataset.sending) {
      if (form.dataset.sending) event.preventDefault();
      return;
    }
    form.dataset.sending = "1";
    // Disable after the browser has taken the pressed button's name and value.
    window.setTimeout(function () {
      form.querySelectorAll("button[type=submit], button:not([type])").forEach(function (b) {
        b.disabled = true;
        b.classList.add("sending");
      });
    }, 0);
  }, true);

  window.addEventListener("pageshow", function () {
    document.querySelectorAll("form[data-sending]").forEach(function (form) {
      delete form.dataset.sending;
      form.querySelectorAll("button.sending").forEach(function (b) {
        b.disabled = false;
        b.classList.remove("sending");
      });
    });
  });

  document.addEventListener("click", function (event) {
    var toggle = event.target.closest ? event.target.closest("[data-nav-toggle]") : null;
    if (!toggle) return;
    var open = document.body.classList.toggle("nav-open");
    toggle.setAttribute("aria-expanded", open ? "true" : "false");
  });
})();
