// signals review page: keyboard shortcuts and the blur toggle. Plain JavaScript, no build step.
// R show/hide the text · C confirm · D dismiss · E escalate · N next · P previous · 1-9 toggle a category.
(function () {
  "use strict";
  function item() { return document.querySelector("article.item"); }

  function toggleReveal() {
    var article = item();
    if (!article) { return; }
    var button = article.querySelector("button.reveal");
    var hidden = article.classList.toggle("blurred");
    button.setAttribute("aria-pressed", hidden ? "false" : "true");
    button.firstChild.nodeValue = (hidden ? button.dataset.show : button.dataset.hide) + " ";
  }

  function decide(kind) {
    var article = item();
    var button = article && article.querySelector("button." + kind);
    if (button) { button.click(); }
  }

  function follow(rel) {
    var link = document.querySelector('a[rel="' + rel + '"]');
    if (link) { window.location.assign(link.href); }
  }

  document.addEventListener("DOMContentLoaded", function () {
    var article = item();
    var reveal = article && article.querySelector("button.reveal");
    if (reveal) { reveal.addEventListener("click", toggleReveal); }
    var current = document.getElementById("current");
    if (current && !document.querySelector("[autofocus]")) { current.focus(); }
  });

  document.addEventListener("keydown", function (event) {
    if (event.ctrlKey || event.metaKey || event.altKey || event.isComposing) { return; }
    var target = event.target;
    var tag = target && target.tagName;
    if (tag === "TEXTAREA" || tag === "SELECT" || (tag === "INPUT" && target.type !== "checkbox")) { return; }
    var key = event.key.toLowerCase();
    var actions = {
      r: toggleReveal,
      c: function () { decide("confirm"); },
      d: function () { decide("dismiss"); },
      e: function () { decide("escalate"); },
      n: function () { follow("next"); },
      j: function () { follow("next"); },
      p: function () { follow("prev"); },
      k: function () { follow("prev"); }
    };
    if (actions[key]) {
      event.preventDefault();
      actions[key]();
      return;
    }
    if (/^[1-9]$/.test(key)) {
      var box = document.querySelector('input[type=checkbox][data-key="' + key + '"]');
      if (box) { event.preventDefault(); box.checked = !box.checked; box.focus(); }
    }
  });
}());
