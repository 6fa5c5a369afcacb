/* The ballot set-up's live roll count: as the returning officer ticks units and statuses or changes the freeze
   date, ask the server how many members the rule would put on the roll (GET, reads only) and show it. Without
   script the page shows the saved rule's count and recounts on save. */
(function () {
  var form = document.getElementById("electorate-form");
  var out = document.getElementById("roll-count");
  if (!form || !out || !window.fetch) return;
  var words = document.getElementById("roll-count-words");
  var note = document.getElementById("roll-count-note");
  Array.prototype.forEach.call(form.querySelectorAll(".js-only"), function (el) { el.hidden = false; });
  Array.prototype.forEach.call(form.querySelectorAll(".no-js"), function (el) { el.hidden = true; });
  var pending = 0;
  function recount() {
    var data = new FormData(form);
    data.delete("csrfmiddlewaretoken");
    var query = new URLSearchParams(data).toString();
    var mine = ++pending;
    fetch(form.getAttribute("data-count-url") + "?" + query, { credentials: "same-origin" })
      .then(function (r) { return r.json(); })
      .then(function (body) {
        if (mine !== pending) return; // a later change has asked again
        if (typeof body.count === "number") {
          out.textContent = String(body.count);
          words.textContent = (body.count === 1 ? "member" : "members") + " would be on the roll";
          note.textContent = "(with what you have chosen; not saved yet)";
        } else {
          note.textContent = "(" + (body.error || "cannot count") + ")";
        }
      })
      .catch(function () { note.textContent = "(could not count just now)"; });
  }
  form.addEventListener("change", recount);
})();
