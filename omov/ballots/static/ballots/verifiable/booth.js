// The booth of a verifiable ballot (ballots/verifiable/booth.html). The paper is filled in as on any ballot
// (omov/paper.js enhances it); then this module, on the voter's own device:
//   1. reads the paper and checks it (the same rules as the server's form, in the voter's words);
//   2. seals it: encrypts it under the trustees' key with omov-crypto.js, signed with the key derived from the
//      voter's code, and shows the tracker — the paper is NOT cast yet, and the page says so;
//   3. either casts it (the cast form posts the sealed paper — ciphertexts, proofs, signature, tracker — and the
//      one-time voting credential that lets this voter cast once), or opens it for checking (Benaloh): shows
//      what the sealed paper holds, offers the opening as a file for any other tool to check, and seals the
//      paper again afresh (the opened one is forgotten: it is never cast).
// The ranking never leaves the device (the paper is not in a <form>), nor does an offline-mode letter code.

const root = document.getElementById("booth");
const data = JSON.parse(document.getElementById("booth-data").textContent);
const $ = (id) => document.getElementById(id);

function show(step) {
  for (const id of ["step-paper", "step-sealed", "step-audit"]) $(id).hidden = id !== step;
  const heading = $(step).querySelector("h2");
  if (heading) heading.focus();
  window.scrollTo(0, 0);
}

function say(id, lines) {
  const box = $(id);
  const list = box.querySelector("ul");
  list.replaceChildren(...lines.map((text) => Object.assign(document.createElement("li"), { textContent: text })));
  box.hidden = lines.length === 0;
  if (lines.length) box.focus();
}

const active = data.candidates.filter((c) => !c.withdrawn);

// The paper as filled in: {ranking: [indices], names: [...]} or {marks: [0/1 per option], names}, or errors.
function readPaper() {
  const errors = [];
  if (data.kind === "ranked") {
    const n = data.candidates.length;
    const ranks = new Map(); // preference -> candidates
    for (const c of active) {
      const box = document.getElementById(`rank_${c.number}`);
      const text = box.value.trim();
      if (!text) continue;
      if (!/^[0-9]{1,6}$/.test(text) || +text < 1 || +text > n) {
        errors.push(`Write a whole number from 1 to ${n} beside ${c.name}, or leave it empty.`);
        continue;
      }
      if (!ranks.has(+text)) ranks.set(+text, []);
      ranks.get(+text).push(c);
    }
    for (const [rank, cs] of [...ranks].sort((a, b) => a[0] - b[0])) {
      if (cs.length > 1) errors.push(`You gave preference ${rank} to both ${cs.map((c) => c.name).join(" and ")}; give each number to one candidate only.`);
    }
    const used = [...ranks.keys()].sort((a, b) => a - b);
    if (!errors.length && used.length) {
      const missing = [];
      for (let r = 1; r <= used[used.length - 1]; r++) if (!ranks.has(r)) missing.push(r);
      if (missing.length) errors.push(`Your preferences skip ${missing.join(", ")}: number them 1, 2, 3 ... without gaps.`);
    }
    if (!errors.length && !used.length && !data.allow_empty) errors.push("Your paper is empty: write 1 beside your first choice (and 2, 3 ... if you wish).");
    if (!errors.length && used.length > data.max_choices) errors.push(`You may rank at most ${data.max_choices} candidates; you ranked ${used.length}.`);
    if (errors.length) return { errors };
    const order = used.map((r) => ranks.get(r)[0]);
    return { ranking: order.map((c) => c.index), names: order.map((c) => c.name), errors };
  }
  const marked = active.filter((c) => document.getElementById(`mark_${c.number}`).checked);
  if (!marked.length && !data.allow_empty) errors.push(data.max_choices === 1 ? "Your paper is empty: choose one option." : "Your paper is empty: tick a candidate.");
  if (marked.length > data.max_choices) errors.push(`Too many marks: you may choose at most ${data.max_choices}; you ticked ${marked.length}.`);
  if (errors.length) return { errors };
  const marks = data.candidates.map((c) => (marked.includes(c) ? 1 : 0));
  return { marks, names: marked.map((c) => c.name), errors };
}

let crypto = null; // the module, loaded once
let paper = null; // what the voter filled in
let sealed = null; // {cast, opening, tracker} of the paper on screen

function election() {
  return { election: data.election, fingerprint: data.fingerprint, publicKey: data.public_key };
}

function seal(code) {
  const base = { ...election(), code };
  if (data.kind === "ranked") return crypto.encryptRanked({ ...base, candidates: data.candidates.length, ranking: paper.ranking });
  return crypto.encryptMarks({ ...base, question: data.question, marks: paper.marks });
}

function showSealed() {
  const list = $("sealed-summary");
  list.replaceChildren(...(paper.names.length ? paper.names : ["(no choice: an abstention)"]).map((name, i) =>
    Object.assign(document.createElement("li"), { textContent: data.kind === "ranked" && paper.names.length ? `${i + 1}. ${name}` : name })));
  $("sealed-tracker").textContent = sealed.tracker;
  $("cast-json").value = crypto.canonicalJson(sealed.cast);
  $("cast-credential").value = $("credential").value.trim();
  show("step-sealed");
}

// The code that derives the signing key: the voting credential itself (server mode), or the code in the
// voter's letter (offline mode: that field has no name, so it is never sent).
function code() {
  return ($("letter-code") || $("credential")).value.trim();
}

async function onContinue() {
  say("booth-errors", []);
  const read = readPaper();
  const problems = [...read.errors];
  let normalised = "";
  try {
    normalised = crypto.normaliseCode(code());
  } catch (err) {
    problems.push(code() ? `Your code cannot be read: ${err.message}` : "Enter your voting code (from your email or letter).");
  }
  if (problems.length) return say("booth-errors", problems);
  if (!$("credential").value.trim()) return say("booth-errors", ["Enter the voting credential from your email or letter."]);
  paper = read;
  $("continue").disabled = true;
  $("continue").textContent = "Sealing your vote…";
  try {
    await new Promise((done) => setTimeout(done, 20)); // let the button's new words show before the work
    sealed = seal(normalised);
    showSealed();
  } catch (err) {
    say("booth-errors", [`Your vote could not be sealed on this device: ${err.message}`]);
  } finally {
    $("continue").disabled = false;
    $("continue").textContent = "Continue";
  }
}

function download(name, text) {
  const url = URL.createObjectURL(new Blob([text], { type: "application/json" }));
  const link = $("audit-file");
  link.href = url;
  link.download = name;
}

async function onAudit() {
  const opened = sealed;
  sealed = null;
  $("cast-json").value = "";
  // What the sealed paper really holds, read back from its opening (the same check any other device makes).
  const params = { ...election(), ...(data.kind === "ranked" ? { candidates: data.candidates.length } : { question: data.question }) };
  let values;
  try {
    values = crypto.checkOpening(params, opened.opening);
  } catch (err) {
    $("audit-result").textContent = `The opened paper does NOT match its tracker: ${err.message}. Do not vote on this device; tell the returning officer.`;
    $("audit-result").className = "not-found";
    show("step-audit");
    return;
  }
  const byIndex = new Map(data.candidates.map((c) => [c.index, c.name]));
  const names = data.kind === "ranked"
    ? values.filter((v) => v > 0).map((v, i) => `${i + 1}. ${byIndex.get(v - 1)}`)
    : values.map((v, i) => (v ? byIndex.get(i) : null)).filter(Boolean);
  $("audit-opened").replaceChildren(...(names.length ? names : ["(no choice)"]).map((t) => Object.assign(document.createElement("li"), { textContent: t })));
  $("audit-tracker").textContent = opened.tracker;
  $("audit-result").textContent = "The sealed paper holds exactly what you chose: this device encrypted your vote honestly.";
  $("audit-result").className = "found";
  download(`opened-paper-${opened.tracker.slice(0, 8)}.json`, crypto.canonicalJson(opened.opening));
  show("step-audit");
  spoil(opened.tracker);
}

// Tell the ballot box this tracker was opened, so that paper can never be cast. Only the tracker is sent (the
// opening, which holds the choices, stays here). Retried a few times; the booth never casts it anyway.
async function spoil(tracker, attempt = 0) {
  const token = document.querySelector("#cast-form input[name=csrfmiddlewaretoken]");
  const body = new URLSearchParams({ tracker });
  try {
    const response = await fetch(data.spoil_url, {
      method: "POST", body, credentials: "same-origin", headers: token ? { "X-CSRFToken": token.value } : {},
    });
    if (response.ok || response.status === 400) return;
  } catch (err) { /* offline: try again below */ }
  if (attempt < 4) setTimeout(() => spoil(tracker, attempt + 1), 2000 * (attempt + 1));
}

async function onSealAgain() {
  try {
    sealed = seal(crypto.normaliseCode(code()));
    showSealed();
  } catch (err) {
    show("step-paper");
    say("booth-errors", [`Your vote could not be sealed on this device: ${err.message}`]);
  }
}

function onChange() {
  sealed = null;
  $("cast-json").value = "";
  show("step-paper");
}

async function start() {
  try {
    crypto = await import(root.dataset.crypto);
  } catch (err) {
    $("booth-broken").hidden = false;
    return;
  }
  $("continue").hidden = false;
  $("continue").addEventListener("click", () => onContinue().catch((err) => say("booth-errors", [`Something went wrong on this page: ${err.message}`])));
  $("audit").addEventListener("click", onAudit);
  $("change").addEventListener("click", onChange);
  $("seal-again").addEventListener("click", onSealAgain);
  $("cast-form").addEventListener("submit", (ev) => {
    if (!$("cast-json").value) ev.preventDefault();
    else $("cast").disabled = true;
  });
  root.setAttribute("data-ready", "1");
}

start();
