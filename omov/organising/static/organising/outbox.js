/* The canvasser's outbox (walk list page). Each door's form is saved on the phone (localStorage) before it is
   sent, and sent again until the server answers, so a record made where there is no signal is not lost. Each
   record carries a client_id that the server stores once, however often it is sent. Without JavaScript the
   forms post normally. */
(function () {
  "use strict";
  var list = document.querySelector(".org-doors");
  if (!list || !window.fetch || !window.localStorage) return;
  var KEY = "omov-outbox-" + list.getAttribute("data-walk");
  var status = document.getElementById("outbox-status");
  var sending = false;

  function load() {
    try { return JSON.parse(localStorage.getItem(KEY) || "[]"); } catch (e) { return []; }
  }
  function save(items) { localStorage.setItem(KEY, JSON.stringify(items)); }
  function newId() {
    if (window.crypto && crypto.randomUUID) return crypto.randomUUID();
    var b = new Uint8Array(16); crypto.getRandomValues(b);
    b[6] = (b[6] & 15) | 64; b[8] = (b[8] & 63) | 128;
    var h = Array.prototype.map.call(b, function (x) { return (x + 256).toString(16).slice(1); }).join("");
    return h.slice(0, 8) + "-" + h.slice(8, 12) + "-" + h.slice(12, 16) + "-" + h.slice(16, 20) + "-" + h.slice(20);
  }
  function show() {
    var n = load().length;
    status.hidden = n === 0;
    status.textContent = n === 0 ? "" : n + (n === 1 ? " record" : " records") + " saved on this phone, not yet sent: retrying.";
  }
  function mark(item, text, failed) {
    var door = document.getElementById("door-" + item.fields.elector);
    if (!door) return;
    door.classList.add("recorded");
    door.classList.toggle("failed", !!failed);
    var last = door.querySelector(".org-last");
    if (!last) {
      last = document.createElement("span");
      last.className = "org-last";
      door.querySelector(".org-meta").appendChild(document.createTextNode(" · "));
      door.querySelector(".org-meta").appendChild(last);
    }
    last.textContent = text;
  }
  function flush() {
    if (sending) return;
    var items = load();
    if (!items.length) { show(); return; }
    sending = true;
    var item = items[0];
    var body = new URLSearchParams(item.fields);
    fetch(item.action, {
      method: "POST", body: body, credentials: "same-origin",
      headers: { "Accept": "application/json", "X-CSRFToken": item.fields.csrfmiddlewaretoken }
    }).then(function (r) {
      return r.json().then(function (data) { return { status: r.status, data: data }; });
    }).then(function (res) {
      var rest = load().filter(function (x) { return x.fields.client_id !== item.fields.client_id; });
      save(rest);
      if (res.data.ok) mark(item, "sent: " + item.label, false);
      else mark(item, "not saved: " + (res.data.error || "refused"), true);
      sending = false;
      show();
      flush();
    }).catch(function () {
      sending = false;  // no signal, or the server is down: keep it and try again later
      show();
      setTimeout(flush, 15000);
    });
  }
  Array.prototype.forEach.call(document.querySelectorAll(".org-door-form"), function (form) {
    form.addEventListener("submit", function (ev) {
      ev.preventDefault();
      var fields = {};
      new FormData(form).forEach(function (v, k) { fields[k] = String(v); });
      var chosen = form.querySelector("input[name=outcome]:checked");
      var label = chosen ? chosen.parentNode.textContent.trim() : "";
      var items = load();
      items.push({ action: form.action, fields: fields, label: label });
      save(items);
      mark({ fields: fields }, "saved on phone: " + label, false);
      form.reset();
      form.querySelector("input[name=client_id]").value = newId();  // the next record of this door is new
      var details = form.closest("details");
      if (details) details.open = false;
      var done = document.querySelectorAll(".org-door.recorded").length;
      document.getElementById("done-count").textContent = done;
      var next = form.closest(".org-door").nextElementSibling;
      if (next) { var d = next.querySelector("details"); if (d) d.open = true; next.scrollIntoView({ block: "start" }); }
      show();
      flush();
    });
  });
  window.addEventListener("online", flush);
  show();
  flush();
})();
