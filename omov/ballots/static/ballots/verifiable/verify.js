// "Verify this election on your device" (the results page of a verifiable ballot, and /verify/ pages): runs
// the JavaScript verifier in a Web Worker over the record's files (fetched from this site, or a folder chosen
// on the device), shows its progress and then each check with ✓ or ✗.

const root = document.getElementById("verify");
const $ = (id) => document.getElementById(id);

function checksOf(result) {
  // The verifier's result: {ok, checks: [{id, name, ok, message}]} (a plain list of checks is read the same way).
  const checks = Array.isArray(result) ? result : (result && (result.checks || result.results)) || [];
  return checks.map((c) => ({
    name: c.name || c.title || c.id || c.check || "check",
    id: c.id || c.check || "",
    ok: c.ok === true || c.passed === true || c.status === "ok" || c.status === "pass",
    detail: c.message || c.detail || c.error || (Array.isArray(c.errors) ? c.errors.join("; ") : "") || "",
  }));
}

function progressText(p) {
  if (p == null) return "";
  if (typeof p === "string") return p;
  const what = p.check || p.step || p.name || p.stage || p.message || "";
  if (typeof p.done === "number" && typeof p.total === "number" && p.total > 0) return `${what} ${p.done} of ${p.total}`.trim();
  return String(what);
}

function percentOf(p) {
  if (p && typeof p.done === "number" && typeof p.total === "number" && p.total > 0) return Math.round((100 * p.done) / p.total);
  if (p && typeof p.percent === "number") return p.percent;
  return null;
}

function run(message) {
  const list = $("verify-checks");
  const status = $("verify-status");
  const bar = $("verify-progress");
  list.replaceChildren();
  $("verify-outcome").hidden = true;
  bar.hidden = false;
  bar.removeAttribute("value");
  status.textContent = "Checking… (this runs on your device; a large election takes a few minutes)";
  for (const b of root.querySelectorAll("button")) b.disabled = true;
  const worker = new Worker(root.dataset.worker, { type: "module" });
  worker.onmessage = ({ data }) => {
    if (data.progress !== undefined) {
      status.textContent = `Checking: ${progressText(data.progress)}`;
      const pc = percentOf(data.progress);
      if (pc === null) bar.removeAttribute("value");
      else bar.value = pc;
      return;
    }
    worker.terminate();
    for (const b of root.querySelectorAll("button")) b.disabled = false;
    bar.hidden = true;
    const outcome = $("verify-outcome");
    if (data.error) {
      outcome.className = "not-found";
      outcome.textContent = `✗ The verifier stopped: ${data.error}`;
      status.textContent = "";
      outcome.hidden = false;
      root.setAttribute("data-outcome", "fail");
      return;
    }
    const checks = checksOf(data.result);
    for (const c of checks) {
      const li = document.createElement("li");
      li.className = c.ok ? "check-ok" : "check-failed";
      const mark = Object.assign(document.createElement("span"), { className: "mark", textContent: c.ok ? "✓" : "✗" });
      mark.setAttribute("aria-label", c.ok ? "passed" : "failed");
      li.append(mark, ` ${c.name}${c.id && c.id !== c.name ? ` (${c.id})` : ""}`);
      if (c.detail && !c.ok) li.append(Object.assign(document.createElement("span"), { className: "field-error", textContent: c.detail }));
      list.append(li);
    }
    const passed = data.result && data.result.ok !== undefined ? data.result.ok === true : checks.length > 0 && checks.every((c) => c.ok);
    outcome.className = passed ? "found" : "not-found";
    outcome.textContent = passed
      ? `✓ Every check passed (${checks.length}). The result follows from the papers cast, and no paper was added, dropped or changed.`
      : `✗ ${checks.filter((c) => !c.ok).length || "A"} check${checks.filter((c) => !c.ok).length === 1 ? "" : "s"} failed: this record does not prove this result. See below.`;
    outcome.hidden = false;
    status.textContent = "";
    root.setAttribute("data-outcome", passed ? "pass" : "fail");
    outcome.focus();
  };
  worker.onerror = (ev) => {
    worker.postMessage && worker.terminate();
    worker.onmessage({ data: { error: ev.message || "the verifier could not run in this browser" } });
  };
  worker.postMessage({ verifier: root.dataset.verifier, options: JSON.parse(root.dataset.options || "{}"), ...message });
}

$("verify-here") && $("verify-here").addEventListener("click", () => run({ base: new URL(root.dataset.base, location.href).href }));
const folder = $("verify-folder");
if (folder) {
  folder.addEventListener("change", () => {
    const files = {};
    for (const f of folder.files) {
      // "record/parameters.json" -> "parameters.json": paths under the chosen folder.
      const path = (f.webkitRelativePath || f.name).split("/").slice(1).join("/") || f.name;
      files[path] = f;
    }
    if (Object.keys(files).length) run({ files });
  });
}
root.hidden = false;
root.setAttribute("data-ready", "1");
