/* What every page needs from script, kept out of the HTML (the Content-Security-Policy runs no inline script):
   - [data-focus-on-load]: the element to focus once the page is read (a heading with tabindex="-1": a screen
     reader starts there, e.g. on the vote's confirmation and the receipt);
   - [data-width-percent]: a bar's width from its number (a style attribute would be refused by the policy). */
(function () {
  var first = document.querySelector("[data-focus-on-load]");
  if (first) first.focus();
  Array.prototype.forEach.call(document.querySelectorAll("[data-width-percent]"), function (el) {
    var n = Math.max(0, Math.min(100, +el.getAttribute("data-width-percent") || 0));
    el.style.width = n + "%";
  });
})();
