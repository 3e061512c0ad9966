// Enhancements only: every page works without this file.
(function () {
  "use strict";
  // Confirm dialogs for destructive forms (data-confirm="question").
  document.addEventListener("submit", function (event) {
    var form = event.target;
    var question = form.getAttribute && form.getAttribute("data-confirm");
    if (question && !window.confirm(question)) { event.preventDefault(); }
  });
  // Live progress: an element with data-refresh="<url>" is replaced by the same element of that page
  // every few seconds until it no longer asks to be refreshed (imports, publishing).
  function refresh(node) {
    var url = node.getAttribute("data-refresh");
    if (!url) { return; }
    window.setTimeout(function () {
      fetch(url, { credentials: "same-origin", headers: { "Accept": "text/html" } })
        .then(function (r) { return r.ok ? r.text() : null; })
        .then(function (html) {
          if (!html) { return; }
          var doc = new DOMParser().parseFromString(html, "text/html");
          var fresh = node.id ? doc.getElementById(node.id) : null;
          if (fresh) { node.replaceWith(fresh); refresh(fresh); }
        })
        .catch(function () { /* keep the last state; a reload shows the latest */ });
    }, 2000);
  }
  document.querySelectorAll("[data-refresh]").forEach(refresh);
  // A form whose fieldsets belong to one choice (data-choice-name="platform", <fieldset data-choice=
  // "wordpress">) shows only the chosen one's; without this file they are all shown and the server
  // reads only the chosen one's fields.
  document.querySelectorAll("form[data-choice-name]").forEach(function (form) {
    var name = form.getAttribute("data-choice-name");
    function show() {
      var chosen = form.querySelector("input[name='" + name + "']:checked");
      form.querySelectorAll("fieldset[data-choice]").forEach(function (set) {
        set.hidden = !chosen || set.getAttribute("data-choice") !== chosen.value;
      });
    }
    form.addEventListener("change", show);
    show();
  });
})();
