// Check an opened (audited) paper on this device: read the file, check it with omov-crypto.js, show the choices.
const root = document.getElementById("opening");
const data = JSON.parse(document.getElementById("opening-data").textContent);
const out = document.getElementById("opening-result");
const list = document.getElementById("opening-choices");

function tell(ok, text) {
  out.className = ok ? "found" : "not-found";
  out.textContent = text;
}

const crypto = await import(root.dataset.crypto);
document.getElementById("opening-file").addEventListener("change", async (ev) => {
  list.replaceChildren();
  const file = ev.target.files[0];
  if (!file) return;
  let opening;
  try {
    opening = JSON.parse(await file.text());
  } catch (err) {
    return tell(false, `✗ ${file.name} is not a JSON file: ${err.message}`);
  }
  const params = { election: data.election, fingerprint: data.fingerprint, publicKey: data.public_key,
    ...(data.kind === "ranked" ? { candidates: data.candidates.length } : { question: data.question }) };
  let values;
  try {
    values = crypto.checkOpening(params, opening);
  } catch (err) {
    return tell(false, `✗ This opened paper does not check: ${err.message}`);
  }
  const name = new Map(data.candidates.map((c) => [c.index, c.name]));
  const rows = data.kind === "ranked"
    ? values.filter((v) => v > 0).map((v, i) => `${i + 1}. ${name.get(v - 1)}`)
    : values.map((v, i) => (v ? name.get(i) : null)).filter(Boolean);
  list.replaceChildren(...(rows.length ? rows : ["(no choice)"]).map((t) => Object.assign(document.createElement("li"), { textContent: t })));
  tell(true, `✓ The paper with tracker ${opening.tracker} was sealed honestly: it holds exactly these choices.`);
});
root.setAttribute("data-ready", "1");
