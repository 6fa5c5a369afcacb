/* omov ballot paper: progressive enhancement. The paper works fully without this file (numbers in boxes);
   with it: the credential is taken from the link's #fragment, errors get focus, and a ranked paper can be
   put in order by dragging (mouse, touch, pen) or with per-row buttons (keyboard, screen readers). The number
   boxes stay the single source of truth: whatever is shown is what is posted. */
(function () {
  "use strict";

  // The emailed link carries the credential in the fragment (never sent to the server or its logs).
  function credentialFromFragment() {
    var box = document.getElementById("credential");
    var m = /(?:^|[#&])credential=([A-Za-z0-9-]+)/.exec(window.location.hash || "");
    if (!box || !m) return;
    if (!box.value) box.value = m[1];
    if (window.history && history.replaceState) {
      history.replaceState(null, "", window.location.pathname + window.location.search);
    }
  }

  function focusErrors() {
    var summary = document.getElementById("error-summary");
    if (summary) summary.focus();
  }

  function enhanceRanking(list) {
    var max = parseInt(list.getAttribute("data-max"), 10) || 1e9;
    var fieldset = list.closest("fieldset");
    fieldset.classList.add("js-ranking");
    var hint = fieldset.querySelector(".js-only");
    if (hint) hint.hidden = false;

    var live = document.createElement("p");
    live.className = "visually-hidden";
    live.setAttribute("aria-live", "polite");
    live.id = "ranking-status";
    fieldset.appendChild(live);

    var divider = document.createElement("li");
    divider.className = "divider";
    divider.setAttribute("aria-hidden", "true");
    divider.textContent = "Not ranked";
    // The top of the list is where the ranking goes; empty, it is a drop zone big enough to aim at.
    var zone = document.createElement("li");
    zone.className = "divider dropzone";
    zone.setAttribute("aria-hidden", "true");

    var rows = Array.prototype.slice.call(list.querySelectorAll(".paper-row"));
    var active = rows.filter(function (r) { return !r.classList.contains("withdrawn"); });
    var withdrawn = rows.filter(function (r) { return r.classList.contains("withdrawn"); });

    function input(row) { return row.querySelector("input.rank"); }
    function name(row) { return row.getAttribute("data-name"); }
    function value(row) {
      var v = input(row).value.trim();
      return /^[0-9]+$/.test(v) && parseInt(v, 10) > 0 ? parseInt(v, 10) : null;
    }
    function say(text) { live.textContent = ""; window.setTimeout(function () { live.textContent = text; }, 30); }

    function button(label, text, onClick) {
      var b = document.createElement("button");
      b.type = "button";
      b.textContent = text;
      b.setAttribute("aria-label", label);
      b.addEventListener("click", onClick);
      return b;
    }

    // Ranked rows in preference order (by their numbers), then the unranked in paper order.
    function ranked() {
      return active.filter(function (r) { return value(r) !== null; }).sort(function (a, b) {
        return value(a) - value(b) || active.indexOf(a) - active.indexOf(b);
      });
    }

    // Moving a node drops its focus: put it back, so a keyboard user pressing "Move up" again and again stays on
    // the button. When that button became disabled (the row reached the top or the bottom), go to the row's
    // opposite move button, never to "Remove": a second Enter there would take the candidate off the ranking.
    function layout(order, renumber) {
      var focused = document.activeElement;
      arrange(order, renumber);
      if (focused && list.contains(focused) && (focused !== document.activeElement || focused.disabled)) {
        if (focused.disabled) focused = fallback(focused);
        focused.focus();
      }
    }

    // The control to focus instead of a move button that has just been disabled.
    function fallback(disabled) {
      var row = disabled.closest(".paper-row");
      var other = row.querySelector(disabled.classList.contains("up") ? ".down" : ".up");
      return other && !other.disabled ? other : row.querySelector(".toggle");
    }

    function arrange(order, renumber) {
      var rest = active.filter(function (r) { return order.indexOf(r) < 0; });
      list.appendChild(zone);
      zone.textContent = order.length ? "Your ranking" : "Your ranking: drag candidates here, or press Add";
      zone.classList.toggle("empty", order.length === 0);
      order.forEach(function (r, i) {
        if (renumber) input(r).value = String(i + 1);
        r.classList.remove("unranked");
        list.appendChild(r);
      });
      list.appendChild(divider);
      divider.hidden = rest.length === 0;
      rest.forEach(function (r) {
        if (renumber) input(r).value = "";
        r.classList.add("unranked");
        list.appendChild(r);
      });
      withdrawn.forEach(function (r) { list.appendChild(r); });
      buttons(order);
    }

    function buttons(order) {
      active.forEach(function (r) {
        var pos = order.indexOf(r);
        var b = r.querySelector(".row-buttons");
        b.querySelector(".up").disabled = pos <= 0;
        b.querySelector(".down").disabled = pos < 0 || pos === order.length - 1;
        var toggle = b.querySelector(".toggle");
        toggle.textContent = pos < 0 ? "Add" : "Remove";
        toggle.setAttribute("aria-label", (pos < 0 ? "Add " : "Remove ") + name(r) + (pos < 0 ? " to" : " from") + " your ranking");
      });
    }

    function place(row, newIndex) {
      var order = ranked().filter(function (r) { return r !== row; });
      if (newIndex === null) {
        layout(order, true);
        say(name(row) + " is not ranked.");
        return;
      }
      if (order.length >= max && value(row) === null) {
        say("You may rank at most " + max + " candidates.");
        return;
      }
      newIndex = Math.max(0, Math.min(newIndex, order.length));
      order.splice(newIndex, 0, row);
      layout(order, true);
      say(name(row) + " is now preference " + (newIndex + 1) + ".");
    }

    active.forEach(function (row) {
      var handle = document.createElement("span");
      handle.className = "handle";
      handle.setAttribute("aria-hidden", "true");
      handle.textContent = "\u2630";
      row.insertBefore(handle, row.firstChild);
      var box = document.createElement("span");
      box.className = "row-buttons";
      box.appendChild(button("Move " + name(row) + " up", "\u2191", function () {
        place(row, ranked().indexOf(row) - 1);
      })).classList.add("up");
      box.appendChild(button("Move " + name(row) + " down", "\u2193", function () {
        place(row, ranked().indexOf(row) + 1);
      })).classList.add("down");
      box.appendChild(button("Add " + name(row), "Add", function () {
        var pos = ranked().indexOf(row);
        place(row, pos < 0 ? ranked().length : null);
      })).classList.add("toggle");
      row.appendChild(box);
      // Typing a number re-sorts the rows on leaving the box; it never rewrites what was typed.
      // Typing a number never moves rows under the keyboard (Tab goes on to the next box as usual), nor
      // rewrites what was typed; the rows are sorted by their numbers once the focus leaves the list.
      input(row).addEventListener("change", function () { buttons(ranked()); });
      row.addEventListener("pointerdown", function (ev) { startDrag(ev, row); });
    });

    // Dragging: the row itself moves through the list as the pointer passes its neighbours' middles; dropped
    // above "Not ranked" it is ranked at that place, below it it is unranked.
    var drag = null;
    function startDrag(ev, row) {
      if (ev.button !== 0 || ev.target.closest("input, button")) return;
      drag = { row: row, y: ev.clientY, moved: false };
      document.addEventListener("pointermove", moveDrag);
      document.addEventListener("pointerup", endDrag);
      document.addEventListener("pointercancel", endDrag);
    }
    function moveDrag(ev) {
      if (!drag) return;
      if (!drag.moved && Math.abs(ev.clientY - drag.y) < 6) return;
      if (!drag.moved) {
        drag.moved = true;
        drag.row.classList.add("dragging");
        divider.hidden = false;
      }
      ev.preventDefault();
      var siblings = Array.prototype.filter.call(list.children, function (el) {
        return el !== drag.row && el !== zone && !el.classList.contains("withdrawn");
      });
      var before = null;
      for (var i = 0; i < siblings.length; i++) {
        var box = siblings[i].getBoundingClientRect();
        if (ev.clientY < box.top + box.height / 2) { before = siblings[i]; break; }
      }
      if (before === null) before = withdrawn.length ? withdrawn[0] : null;
      list.insertBefore(drag.row, before);
    }
    function endDrag() {
      document.removeEventListener("pointermove", moveDrag);
      document.removeEventListener("pointerup", endDrag);
      document.removeEventListener("pointercancel", endDrag);
      if (!drag) return;
      var row = drag.row, moved = drag.moved;
      drag = null;
      row.classList.remove("dragging");
      if (!moved) return;
      var children = Array.prototype.slice.call(list.children);
      var cut = children.indexOf(divider);
      var order = children.slice(0, cut).filter(function (el) { return active.indexOf(el) >= 0; });
      if (order.length > max) {
        order = order.filter(function (r) { return r !== row; });
        layout(order, true);
        say("You may rank at most " + max + " candidates.");
        return;
      }
      layout(order, true);
      var pos = order.indexOf(row);
      say(pos < 0 ? name(row) + " is not ranked." : name(row) + " is now preference " + (pos + 1) + ".");
    }

    list.addEventListener("focusout", function (ev) {
      if (!drag && !list.contains(ev.relatedTarget)) arrange(ranked(), false);
    });
    layout(ranked(), false);
    list.setAttribute("data-enhanced", "1");
  }

  function start() {
    credentialFromFragment();
    var list = document.getElementById("ranking");
    if (list) enhanceRanking(list);
    focusErrors();
  }
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
  else start();
})();
