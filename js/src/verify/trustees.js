// The trustees' key ceremony of docs/crypto.md §6, checked from its public files (record.md V3).
import { sha256 } from "./group.js";
import { G, ZERO, L, bytesToHex, enc, lengthPrefixed, mul, pointFromHex, scalarFromHex, text, u32 } from "./group.js";
import { canonicalText } from "./canonical.js";
import { verifyDlog } from "./proofs.js";

const FILE = "trustees.json";

// Returns {publicKey, keys: Map(id -> X_j)}; throws an Error naming the item.
export function checkCeremony(doc, election) {
  const n = doc.trustees;
  const t = doc.threshold;
  const fail = (item, msg) => {
    throw new Error(`${FILE}: ${item}: ${msg}`);
  };
  if (!(t >= 1 && t <= n)) fail("threshold", `need 1 <= threshold <= trustees, not ${t} of ${n}`);
  if (doc.inits.length !== n) fail("inits", `${doc.inits.length} init files for ${n} trustees`);
  if (doc.combines.length !== n) fail("combines", `${doc.combines.length} combine files for ${n} trustees`);
  if (doc.shares.length !== n) fail("shares", `${doc.shares.length} shares files for ${n} trustees`);
  const point = (hex, item) => pointFromHex(hex) ?? fail(item, "is not a valid ristretto255 point");
  const scalar = (hex, item) => {
    const s = scalarFromHex(hex);
    if (s === null) fail(item, "is not a canonical scalar (< L)");
    return s;
  };
  const commitments = new Map();
  doc.inits.forEach((init, x) => {
    const at = `inits[${x}]`;
    if (init.election !== election) fail(`${at}.election`, `is ${JSON.stringify(init.election)}, not ${JSON.stringify(election)}`);
    if (init.n !== n || init.t !== t) fail(at, `is for ${init.t} of ${init.n} trustees, not ${t} of ${n}`);
    if (init.id !== x + 1) fail(`${at}.id`, `is ${init.id}; the init files must be trustees 1..${n} in order`);
    if (init.commitments.length !== t) fail(`${at}.commitments`, `has ${init.commitments.length} commitments, not ${t}`);
    const C = init.commitments.map((h, k) => point(h, `${at}.commitments[${k}]`));
    const ctx = lengthPrefixed(text("omov/v1/trustee/commitment"), text(election), u32(init.id), u32(n), u32(t),
      ...init.commitments.map((h) => enc(pointFromHex(h))));
    if (!verifyDlog(ctx, G, C[0], scalar(init.commitment_proof.c, `${at}.commitment_proof.c`), scalar(init.commitment_proof.z, `${at}.commitment_proof.z`))) {
      fail(`${at}.commitment_proof`, "does not verify");
    }
    const E = point(init.transport_key, `${at}.transport_key`);
    const tctx = lengthPrefixed(text("omov/v1/trustee/transport"), text(election), u32(init.id));
    if (!verifyDlog(tctx, G, E, scalar(init.transport_proof.c, `${at}.transport_proof.c`), scalar(init.transport_proof.z, `${at}.transport_proof.z`))) {
      fail(`${at}.transport_proof`, "does not verify");
    }
    commitments.set(init.id, C);
  });
  doc.shares.forEach((s, x) => {
    const at = `shares[${x}]`;
    if (s.election !== election) fail(`${at}.election`, `is ${JSON.stringify(s.election)}, not ${JSON.stringify(election)}`);
    if (s.from !== x + 1) fail(`${at}.from`, `is ${s.from}; the shares files must be from trustees 1..${n} in order`);
    const to = s.shares.map((b) => b.to).join(",");
    const want = [];
    for (let j = 1; j <= n; j++) if (j !== s.from) want.push(j);
    if (to !== want.join(",")) fail(`${at}.shares`, `go to [${to}], not to every other trustee [${want.join(", ")}]`);
    s.shares.forEach((b, y) => point(b.ephemeral, `${at}.shares[${y}].ephemeral`));
  });
  let PK = ZERO;
  for (const C of commitments.values()) PK = PK.add(C[0]);
  const pkHex = bytesToHex(enc(PK));
  const inputs = doc.inits.map((init) => bytesToHex(sha256(text(canonicalText(init))))).sort();
  const keys = new Map();
  doc.combines.forEach((comb, x) => {
    const at = `combines[${x}]`;
    const j = comb.id;
    if (comb.election !== election) fail(`${at}.election`, `is ${JSON.stringify(comb.election)}, not ${JSON.stringify(election)}`);
    if (j !== x + 1) fail(`${at}.id`, `is ${j}; the combine files must be trustees 1..${n} in order`);
    if (comb.public_key !== pkHex) fail(`${at}.public_key`, "is not the sum of the trustees' first commitments");
    let X = ZERO;
    for (const C of commitments.values()) {
      let power = 1n;
      for (let k = 0; k < C.length; k++) {
        X = X.add(mul(C[k], power));
        power = (power * BigInt(j)) % L;
      }
    }
    if (comb.verification_key !== bytesToHex(enc(X))) fail(`${at}.verification_key`, `is not trustee ${j}'s key computed from the commitments`);
    const ctx = lengthPrefixed(text("omov/v1/trustee/verification-key"), text(election), u32(j), enc(PK));
    if (!verifyDlog(ctx, G, X, scalar(comb.proof.c, `${at}.proof.c`), scalar(comb.proof.z, `${at}.proof.z`))) {
      fail(`${at}.proof`, "does not verify");
    }
    if (comb.inputs.join(",") !== inputs.join(",")) fail(`${at}.inputs`, "are not the SHA-256 digests of the published init files");
    keys.set(j, X);
  });
  if (doc.public_key !== pkHex) fail("public_key", "is not the sum of the trustees' first commitments");
  if (PK.is0()) fail("public_key", "is the identity");
  return { publicKey: PK, pkHex, keys };
}
