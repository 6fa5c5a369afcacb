// The verifier's heavy per-item checks as tasks on chunks of a record: each task takes plain data (strings,
// numbers, arrays: what a worker's message can carry) and returns plain data, so that verifyRecord (index.js)
// can run the chunks in this thread or hand them to a pool of Web Workers / worker threads (pool.js). A task
// judges its items independently of each other; everything that depends on order (the chain, a paper or
// credential seen twice) stays in verifyRecord, which reads the chunks' answers in order. So the checks and
// their messages are the same however many workers there are.
//
//   runTask(name, ctx, payload) -> result
//     ctx: the election's constants for the task (with a `key` naming them, so a worker prepares them once)
//     payload: {offset, items}: the chunk, and the index of its first item in the whole list
import {
  G, ZERO, bytesToHex, enc, hexToBytes, lengthPrefixed, mul, mulAdd, pointFromHex, scalarFromHex, sha256,
  text, u32, u64,
} from "./group.js";
import { batchHolds, newBatch, verifyDleq, verifyDlog, verifyRandomness } from "./proofs.js";
import { checkMarkPaper } from "./marks.js";
import { shuffleChunk } from "./shuffle.js";

class Refused extends Error {}
const refuse = (msg) => {
  throw new Refused(msg);
};
const attempt = (f) => {
  try {
    return f();
  } catch (e) {
    if (e instanceof Refused) return e.message;
    throw e;
  }
};

// The election's constants, decoded once per worker (and precomputed tables for the fixed bases).
const prepared = new Map();
function prepare(ctx) {
  let p = prepared.get(ctx.key);
  if (p !== undefined) return p;
  p = { ...ctx };
  if (ctx.F) p.Fbytes = hexToBytes(ctx.F);
  if (ctx.pk) {
    p.PK = pointFromHex(ctx.pk).precompute(8, false);
    p.pkBytes = hexToBytes(ctx.pk);
  }
  if (ctx.keys) p.X = new Map(Object.entries(ctx.keys).map(([T, h]) => [Number(T), pointFromHex(h).precompute(8, false)]));
  if (ctx.present && ctx.C !== undefined) {
    // The Lagrange coefficients at 0 are fractions lambda_T = num_T / den_T of small integers. With D a common
    // multiple of the denominators, D*M = D*b - sum_T (D*lambda_T)*d_T has small integer coefficients, so it
    // costs a few doublings instead of full-size multiplications; and D*M = D*m*G exactly when M = m*G
    // (L is prime and does not divide D). The table holds D*m*G for every value a ranked position can
    // decrypt to (0..C), by encoding.
    const { D, coef } = smallLagrange(ctx.present);
    p.D = D;
    p.coef = coef;
    p.logs = new Map();
    const DG = mul(G, D);
    let M = ZERO;
    for (let m = 0; m <= ctx.C; m++) {
      p.logs.set(bytesToHex(enc(M)), m);
      M = M.add(DG);
    }
  }
  if (prepared.size >= 8) prepared.clear();
  prepared.set(ctx.key, p);
  return p;
}

// For the present trustees: D (> 0) and, for each, the integer D*lambda_T (lambda_T the Lagrange coefficient
// at 0, prod over U != T of U / (U - T)).
export function smallLagrange(present) {
  const abs = (x) => (x < 0n ? -x : x);
  const gcd = (a, b) => (b === 0n ? abs(a) : gcd(b, a % b));
  const parts = present.map((T) => {
    let num = 1n;
    let den = 1n;
    for (const U of present) {
      if (U === T) continue;
      num *= BigInt(U);
      den *= BigInt(U) - BigInt(T);
    }
    return [num, den];
  });
  let D = 1n;
  for (const [, den] of parts) D = (D / gcd(D, den)) * abs(den);
  return { D, coef: parts.map(([num, den]) => (num * D) / den) };
}

// ------------------------------------------------------------------ V2b: the credential keys are valid points
// -> the first key (index in the whole list) that is not a valid point or is the identity: {at, msg}, or null.
function credentials(ctx, { offset, items }) {
  for (let x = 0; x < items.length; x++) {
    const S = pointFromHex(items[x]);
    if (S === null) return { at: offset + x, msg: "is not a valid ristretto255 point" };
    if (S.is0()) return { at: offset + x, msg: "is the identity" };
  }
  return null;
}

// ------------------------------------------------------------------ V4 (version 4): each cast paper alone
// items: papers.json entries. -> {errors: [message or null per paper], aLists (marks), sums (marks)}:
// for a mark paper the hex of its options' `a` components and, for the chunk, each option's sum (a, b) encoded.
function papers(ctx, { offset, items }) {
  const p = prepare(ctx);
  const marks = p.kind === "marks";
  let batch = marks ? newBatch() : null;
  const ctsOf = new Array(items.length).fill(null);
  const one = (x) => attempt(() => {
    ctsOf[x] = checkPaper(p, items[x], offset + x, batch);
    return null;
  });
  let errors = items.map((_, x) => one(x));
  // Mark papers' branch equations were only collected: if their random combination is not the identity, one
  // of them is false, and the chunk is checked again one equation at a time to name it.
  if (marks && !batchHolds(batch, p.PK)) {
    batch = null;
    errors = items.map((_, x) => one(x));
  }
  if (!marks) return { errors };
  const aLists = ctsOf.map((cts) => (cts === null ? null : cts.map((ct) => bytesToHex(ct.aBytes))));
  let sums = null;
  if (!errors.some((e) => e !== null)) {
    sums = [];
    for (let i = 0; i < p.k; i++) {
      let a = ZERO;
      let b = ZERO;
      for (const cts of ctsOf) {
        a = a.add(cts[i].a);
        b = b.add(cts[i].b);
      }
      sums.push([bytesToHex(enc(a)), bytesToHex(enc(b))]);
    }
  }
  return { errors, aLists, sums };
}

function checkPaper(p, e, i, batch) {
  const { E, Fbytes, k, kind, PK, pkBytes } = p;
  const where = (item, msg) => refuse(`papers.json: papers[${i}]${item ? `.${item}` : ""}: ${msg}`);
  const Phex = e.ciphertexts;
  const P = hexToBytes(Phex);
  const S = pointFromHex(e.credential);
  const Sb = hexToBytes(e.credential);
  const Q = hexToBytes(e.proof);
  const tracker = bytesToHex(sha256(lengthPrefixed(text("omov/record/v4/tracker"), Fbytes, Sb, P, Q)));
  if (e.tracker !== tracker) where("tracker", `is not the tracker of paper ${i + 1} (${tracker})`);
  const sc = scalarFromHex(e.signature.c);
  const sz = scalarFromHex(e.signature.z);
  if (sc === null || sz === null) where("signature", "holds a scalar that is not canonical (< L)");
  const sctx = lengthPrefixed(text("omov/v1/paper-signature"), text(E), Fbytes, hexToBytes(e.tracker));
  if (!verifyDlog(sctx, G, S, sc, sz)) where("signature", "does not verify under the paper's credential");
  if (kind === "ranked") {
    if (P.length !== 64 * k) where("ciphertexts", `is ${P.length} bytes, not 64·${k}`);
    if (Q.length !== 32 * (k + 1)) where("proof", `is ${Q.length} bytes, not 32·(${k}+1)`);
    const c = scalarFromHex(e.proof.slice(0, 64));
    const zs = [];
    for (let j = 0; j < k; j++) zs.push(scalarFromHex(e.proof.slice(64 * (j + 1), 64 * (j + 2))));
    if (c === null || zs.includes(null)) where("proof", "holds a scalar that is not canonical (< L)");
    const aPoints = [];
    for (let j = 0; j < k; j++) {
      const a = pointFromHex(Phex.slice(128 * j, 128 * j + 64));
      const b = pointFromHex(Phex.slice(128 * j + 64, 128 * j + 128));
      if (a === null || b === null) where("ciphertexts", `position ${j + 1} is not a pair of valid points`);
      aPoints.push(a);
    }
    const RP = lengthPrefixed(text("omov/v1/ranked-paper"), text(E), Fbytes, Sb);
    if (!verifyRandomness(RP, pkBytes, P, aPoints, c, zs)) where("proof", "the proof of knowledge of the paper's randomness does not verify");
    return null;
  }
  if (Q.length !== 0) where("proof", "must be empty for a mark paper");
  const binding = new Uint8Array(Fbytes.length + Sb.length);
  binding.set(Fbytes, 0);
  binding.set(Sb, Fbytes.length);
  try {
    return checkMarkPaper(P, p.question, E, binding, PK, pkBytes, batch);
  } catch (err) {
    if (err instanceof Refused) throw err;
    return where("ciphertexts", `is not a valid mark paper: ${err.message}`);
  }
}

// ------------------------------------------------------------------ V6 (ranked): each paper's decryption shares
// items: [{out: the last mix's output paper (hex), paper: decryption.json's papers[i]}].
// -> {errors: [message or null], values: [[m or null per position] or null], count}
function shares(ctx, { offset, items }) {
  const p = prepare(ctx);
  const errors = [];
  const values = [];
  let count = 0;
  items.forEach((item, x) => {
    let vals = null;
    const error = attempt(() => {
      vals = decryptPaper(p, item, offset + x);
      return null;
    });
    errors.push(error);
    values.push(vals);
    if (vals !== null) count += vals.length * p.present.length;
  });
  return { errors, values, count };
}

function decryptPaper(p, { out, paper }, i) {
  const { E, Fbytes, k, present } = p;
  if (paper.length < 1 || paper.length > k) refuse(`decryption.json: papers[${i}]: has ${paper.length} positions, not 1..${k}`);
  const pctx = lengthPrefixed(text("omov/record/v3/decryption"), Fbytes, u64(i));
  const vals = [];
  for (let j = 0; j < paper.length; j++) {
    const pos = paper[j];
    if (pos.length !== present.length) refuse(`decryption.json: papers[${i}][${j}]: has ${pos.length} shares, not one per present trustee (${present.length})`);
    const a = pointFromHex(out.slice(128 * j, 128 * j + 64));
    const b = pointFromHex(out.slice(128 * j + 64, 128 * j + 128));
    if (a === null || b === null) refuse(`${p.lastFile}: outputs[${i}]: position ${j + 1} is not a pair of valid points`);
    const ds = [b];
    const ls = [p.D];
    pos.forEach((share, x) => {
      const T = present[x];
      const at = `decryption.json: papers[${i}][${j}][${x}]`;
      ds.push(checkShare(p, share, at, a, T, lengthPrefixed(text("omov/v1/partial-decryption"), text(E), u32(T), pctx, u32(j))));
      ls.push(-p.coef[x]);
    });
    // D*M = D*b - sum over the present trustees of (D*lambda_T)*d_T, in one joint multiplication.
    const M = mulAddSmall(ds, ls);
    const m = p.logs.get(bytesToHex(enc(M)));
    vals.push(m === undefined ? null : m);
  }
  return vals;
}

// A share [d, c, z] of trustee T for the ciphertext component a; returns the point d.
export function checkShare(p, share, at, a, T, context) {
  if (share.length !== 3) refuse(`${at}: a share is [d, c, z], not ${share.length} items`);
  const d = pointFromHex(share[0]);
  if (d === null) refuse(`${at}[0]: d is not a valid ristretto255 point`);
  const c = scalarFromHex(share[1]);
  const z = scalarFromHex(share[2]);
  if (c === null || z === null) refuse(`${at}: c or z is not a canonical scalar (< L)`);
  if (!verifyDleq(context, G, p.X.get(T), a, d, c, z)) refuse(`${at}: trustee ${T}'s decryption proof does not verify`);
  return d;
}

// sum k_i*P_i for small signed integers k_i (the walk is as long as the largest |k_i| has bits).
function mulAddSmall(points, scalars) {
  const ps = [];
  const ks = [];
  points.forEach((P, i) => {
    const s = scalars[i];
    if (s === 0n) return;
    ps.push(s < 0n ? P.negate() : P);
    ks.push(s < 0n ? -s : s);
  });
  return mulAdd(ps, ks);
}

export const TASKS = { credentials, papers, shares, shuffle: shuffleChunk };

export function runTask(name, ctx, payload) {
  const task = TASKS[name];
  if (task === undefined) throw new Error(`no task ${JSON.stringify(name)}`);
  return task(ctx, payload);
}

export { Refused };
