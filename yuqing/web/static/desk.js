// Keyboard use of the desk pages: j/k move through the triage queue, x ticks a row,
// o or Enter opens it, / focuses the search; on a page, a key named by a button's
// data-key attribute presses that button. Nothing happens while typing in a field.
(function () {
  "use strict";

  function typing(target) {
    return target && (target.isContentEditable || /^(INPUT|TEXTAREA|SELECT)$/.test(target.tagName));
  }

  function rows() {
    return Array.prototype.slice.call(document.querySelectorAll("tr.triage-row"));
  }

  function move(step) {
    var all = rows();
    if (!all.length) return;
    var index = all.indexOf(document.activeElement);
    if (index < 0) index = all.indexOf(document.querySelector("tr.triage-row.current"));
    var next = all[Math.max(0, Math.min(all.length - 1, index + step))];
    all.forEach(function (row) { row.classList.remove("current"); });
    next.classList.add("current");
    next.focus();
  }

  // Esc leaves a field: back to the row that was current (j/k carry on from there).
  document.addEventListener("keydown", function (event) {
    if (event.key !== "Escape" || !typing(event.target)) return;
    event.target.blur();
    var current = document.querySelector("tr.triage-row.current");
    if (current) current.focus();
    else document.body.focus();
    event.preventDefault();
  });

  // While an item's page is open its holder's lock is renewed every five minutes.
  var renew = document.querySelector("[data-renew-lock]");
  if (renew) {
    window.setInterval(function () {
      if (document.visibilityState !== "visible") return;
      fetch(renew.getAttribute("data-renew-lock"), { method: "POST", credentials: "same-origin" });
    }, 5 * 60 * 1000);
  }

  document.addEventListener("keydown", function (event) {
    if (event.ctrlKey || event.metaKey || event.altKey || typing(event.target)) return;
    var row = document.activeElement && document.activeElement.closest
      ? document.activeElement.closest("tr.triage-row") : null;
    if (event.key === "j") { move(1); event.preventDefault(); return; }
    if (event.key === "k") { move(-1); event.preventDefault(); return; }
    if (event.key === "/") {
      var search = document.querySelector("[data-search]");
      if (search) { search.focus(); event.preventDefault(); }
      return;
    }
    if (row && event.key === "x") {
      var box = row.querySelector("input[type=checkbox]");
      if (box) box.checked = !box.checked;
      event.preventDefault();
      return;
    }
    if (row && (event.key === "o" || event.key === "Enter")) {
      var link = row.querySelector("a.title");
      if (link) window.location.href = link.href;
      return;
    }
    var button = document.querySelector('[data-key="' + event.key + '"]:not([disabled])');
    if (button) { button.click(); event.preventDefault(); }
  });
})();
