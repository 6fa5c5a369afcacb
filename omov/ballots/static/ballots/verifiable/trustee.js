// A trustee's page (ballots/verifiable/trustee.html): each step of the key ceremony, and the decryption at the
// close, done in this page with omov-crypto.js. The trustee's secret file is made here and saved by the
// trustee; when a step needs it, the trustee picks it with a file input and it is read here, never uploaded.
// Only the public file each step makes is posted (the form's hidden `file` field).

const root = document.getElementById("trustee");
const data = JSON.parse(document.getElementById("trustee-data").textContent);
const $ = (id) => document.getElementById(id);
let crypto = null;

function problem(text) {
  const box = $("trustee-problem");
  box.textContent = text;
  box.hidden = !text;
  if (text) box.focus();
}

// Offer `text` as a file to save, through the link `id` (a blob: URL; nothing is sent anywhere).
function offer(id, name, text) {
  const link = $(id);
  link.href = URL.createObjectURL(new Blob([text + "\n"], { type: "application/json" }));
  link.download = name;
  link.hidden = false;
}

async function readSecret() {
  const input = $("secret-file");
  const file = input.files && input.files[0];
  if (!file) throw new Error("choose your secret file first (trustee-" + data.id + ".secret.json)");
  let secret;
  try {
    secret = JSON.parse(await file.text());
  } catch (err) {
    throw new Error(`${file.name} is not a JSON file: ${err.message}`);
  }
  if (!secret || secret.type !== "omov/trustee-secret/v1") throw new Error(`${file.name} is not a trustee's secret file`);
  if (secret.election !== data.election || secret.id !== data.id) {
    throw new Error(`${file.name} is the secret file of trustee ${secret.id} of ${secret.election}, not of trustee ${data.id} of this ballot`);
  }
  return secret;
}

function ready(publicFile) {
  $("public-file").value = crypto.canonicalJson(publicFile);
  const send = $("send");
  send.disabled = $("saved") ? !$("saved").checked : false;
  send.hidden = false;
  $("send-box").hidden = false;
}

const steps = {
  // 1. Keys: made here; the secret goes into a file the trustee saves; the init file is public.
  async init() {
    const { secret, init } = crypto.trusteeInit({ election: data.election, id: data.id, n: data.n, t: data.t });
    offer("secret-download", `trustee-${data.id}.secret.json`, crypto.canonicalJson(secret));
    $("secret-box").hidden = false;
    $("make").disabled = true;
    ready(init);
  },
  // 2. Shares for the other trustees, sealed to their transport keys.
  async share() {
    ready(crypto.trusteeShare(await readSecret(), data.inits));
  },
  // 3. Combine: the key share joins the secret file, which must be saved again.
  async combine() {
    const { secret, combine } = crypto.trusteeCombine(await readSecret(), data.inits, data.shares);
    offer("secret-download", `trustee-${data.id}.secret.json`, crypto.canonicalJson(secret));
    $("secret-box").hidden = false;
    ready(combine);
  },
  // At the close: this trustee's share of the decryption, with its proofs.
  async decrypt() {
    ready(crypto.trusteeDecryptRecord(await readSecret(), data.input));
  },
};

async function onMake() {
  problem("");
  const button = $("make");
  const words = button.textContent;
  button.disabled = true;
  button.textContent = "Working…";
  try {
    await new Promise((done) => setTimeout(done, 20));
    await steps[data.step]();
    $("done-note").hidden = false;
  } catch (err) {
    problem(`That did not work: ${err.message}`);
    button.disabled = false;
  } finally {
    button.textContent = words;
  }
}

async function start() {
  if (!steps[data.step]) return;
  try {
    crypto = await import(root.dataset.crypto);
  } catch (err) {
    problem("This browser could not load the trustee's code: use another browser, or the command line below.");
    return;
  }
  $("make").hidden = false;
  $("make").addEventListener("click", onMake);
  const saved = $("saved");
  if (saved) saved.addEventListener("change", () => { $("send").disabled = !saved.checked; });
  root.setAttribute("data-ready", "1");
}

start();
