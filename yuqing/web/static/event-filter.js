/* Narrows a list as one types: an <input data-filter-list="ID"> hides the <li> of the
   list #ID whose text lacks every typed word. The search form still works without it. */
(function () {
  "use strict";
  document.querySelectorAll("input[data-filter-list]").forEach(function (input) {
    var list = document.getElementById(input.getAttribute("data-filter-list") || "");
    if (!list) {
      return;
    }
    input.addEventListener("input", function () {
      var words = input.value.trim().split(/\s+/).filter(Boolean);
      list.querySelectorAll("li").forEach(function (li) {
        var text = li.textContent || "";
        li.hidden = !words.every(function (w) { return text.indexOf(w) >= 0; });
      });
    });
  });
})();
