/* Live updates without reload: fetch the board fragment every few seconds while the round is live.
   The board is replaced only when its figures change, and then a one-line summary goes to the small status
   region (#board-news): a screen reader hears "Ann now qualifies", never the whole table again. The board's own
   "as of" time changes on every fetch, so it is left out of the comparison and shown in #board-checked instead. */
(function () {
  var box = document.getElementById("board");
  if (!box) return;
  var news = document.getElementById("board-news"), checked = document.getElementById("board-checked");
  var url = box.getAttribute("data-board-url"), every = 1000 * (+box.getAttribute("data-poll") || 3);

  function parse(html) {
    var t = document.createElement("template");
    t.innerHTML = html;
    return t.content;
  }
  function text(el) { return el ? el.textContent.replace(/\s+/g, " ").trim() : ""; }
  // The board's figures as one string: its markup without the "as of" time.
  function figures(root) {
    var board = root.querySelector("[data-live]");
    if (!board) return null;
    var copy = board.cloneNode(true);
    Array.prototype.forEach.call(copy.querySelectorAll(".as-of"), function (s) { s.textContent = ""; });
    return copy.outerHTML;
  }
  // Each row of the table by its name: [what the row is, its first figure, whether it is qualified or reached].
  function rows(root) {
    var out = {};
    Array.prototype.forEach.call(root.querySelectorAll("table.board tbody tr"), function (tr) {
      var head = tr.querySelector("th");
      if (!head) return;
      var key = tr.getAttribute("data-candidate") || text(head).replace(/\s*\(.*\)$/, "");
      var num = tr.querySelector("td.num");
      out[key] = {nominations: !!tr.getAttribute("data-candidate"), count: num ? +text(num) : 0,
                  met: tr.classList.contains("qualified") || !!tr.querySelector("strong.met")};
    });
    return out;
  }
  // A short sentence saying what changed between the board shown and the one fetched.
  function summary(before, after) {
    var said = [], old = rows(before), now = rows(after);
    Object.keys(now).forEach(function (k) {
      var a = old[k], b = now[k], plural = b.count === 1 ? "" : "s";
      if (!a) { said.push(k + " added."); return; }
      if (b.met && !a.met) said.push(k + (b.nominations ? " now qualifies." : ": the share to open the selection is reached."));
      else if (a.met && !b.met) said.push(k + (b.nominations ? " no longer qualifies." : ": the share is no longer reached."));
      if (b.count !== a.count)
        said.push(k + ": " + b.count + (b.nominations ? " nomination" + plural : " voted") + " (was " + a.count + ").");
    });
    Object.keys(old).forEach(function (k) { if (!now[k]) said.push(k + " is no longer on the board."); });
    var live = after.querySelector("[data-live]");
    if (live && live.getAttribute("data-live") === "0") said.push("Closed: nothing more will change.");
    return said.length ? said.join(" ") : "The board has been updated.";
  }
  function asOf(root) { return text(root.querySelector(".as-of")); }

  function update(html) {
    var fresh = parse(html);
    var when = asOf(fresh);
    if (when) { checked.textContent = "Last checked " + when.replace(/^as of /, "") + "."; checked.hidden = false; }
    if (figures(fresh) === figures(box)) return;  // nothing changed: leave the board (and screen readers) alone
    var said = summary(box, fresh);
    // Keep a keyboard user's place: the focused scrolling box and how far it was scrolled.
    var scroller = box.querySelector(".board-scroll"), left = scroller ? scroller.scrollLeft : 0;
    var focused = scroller && document.activeElement === scroller;
    box.replaceChildren(fresh);
    scroller = box.querySelector(".board-scroll");
    if (scroller) { scroller.scrollLeft = left; if (focused) scroller.focus(); }
    if (when) checked.hidden = true;  // the board shows its own, fresh, "as of" again
    news.textContent = said;
  }

  function tick() {
    if (box.querySelector("[data-live='0']")) return;  // closed: nothing more will change
    fetch(url, {headers: {"Accept": "text/html"}, cache: "no-store"})
      .then(function (r) { return r.ok ? r.text() : null; })
      .then(function (html) { if (html !== null) update(html); })
      .catch(function () {})
      .then(function () { setTimeout(tick, every); });
  }
  setTimeout(tick, every);
})();
