// Sigma proofs made non-interactive by strong Fiat–Shamir (docs/crypto.md §4): the challenge hashes the group
// name, the context, every public input of the statement and every commitment.
import { concat, toHex, fromHex, u32, u64 } from "./bytes.js";
import {
  G, GROUP_NAME, L, mod, mul, mulPublic, baseMul, hashToScalar,
  pointFromBytes, pointHex, pointFromHex, scalarBytes, scalarHex, scalarFromBytes, scalarFromHex,
} from "./group.js";
import { smallMultiple } from "./elgamal.js";

export const DOMAIN_DLOG = "omov/v1/proof/dlog";
export const DOMAIN_DLEQ = "omov/v1/proof/dleq";
export const DOMAIN_DISJUNCTIVE = "omov/v1/proof/disjunctive";

const pb = (P) => P.toBytes();

// ---------------------------------------------------------------- Schnorr (§4.1)

function dlogChallenge(context, B, X, R) {
  return hashToScalar(DOMAIN_DLOG, GROUP_NAME, context, pb(B), pb(X), pb(R));
}

/** Proof of knowledge of x with X = x*B (B = G by default). Draws one nonce w. */
export function proveDlog(x, context, rng, B = G) {
  const w = rng.scalar();
  const c = dlogChallenge(context, B, mul(B, x), mul(B, w));
  return { c, z: mod(w + c * x) };
}

export function verifyDlog(X, proof, context, B = G) {
  const R = mulPublic(B, proof.z).subtract(mulPublic(X, proof.c));
  return dlogChallenge(context, B, X, R) === proof.c;
}

export const pairJson = (p) => ({ c: scalarHex(p.c), z: scalarHex(p.z) });
export function pairFromJson(obj, what = "proof") {
  if (!obj || typeof obj !== "object") throw new Error(`${what}: expected {"c", "z"}`);
  return { c: scalarFromHex(obj.c, `${what}: c`), z: scalarFromHex(obj.z, `${what}: z`) };
}

// ---------------------------------------------------------------- Chaum–Pedersen (§4.2)

function dleqChallenge(context, B1, X1, B2, X2, R1, R2) {
  return hashToScalar(DOMAIN_DLEQ, GROUP_NAME, context, pb(B1), pb(X1), pb(B2), pb(X2), pb(R1), pb(R2));
}

/** Proof that log_B1(x*B1) = log_B2(x*B2) = x. Draws one nonce w. */
export function proveDleq(x, B1, B2, context, rng) {
  const w = rng.scalar();
  const c = dleqChallenge(context, B1, mul(B1, x), B2, mul(B2, x), mul(B1, w), mul(B2, w));
  return { c, z: mod(w + c * x) };
}

export function verifyDleq(B1, X1, B2, X2, proof, context) {
  const R1 = mulPublic(B1, proof.z).subtract(mulPublic(X1, proof.c));
  const R2 = mulPublic(B2, proof.z).subtract(mulPublic(X2, proof.c));
  return dleqChallenge(context, B1, X1, B2, X2, R1, R2) === proof.c;
}

// ---------------------------------------------------------------- disjunctive, CDS (§4.3)

function total(cts) {
  if (!cts.length) throw new Error("a disjunctive proof needs at least one ciphertext");
  let { a, b } = cts[0];
  for (const c of cts.slice(1)) {
    a = a.add(c.a);
    b = b.add(c.b);
  }
  return { a, b };
}

function disjunctiveChallenge(context, pk, cts, values, commitments) {
  const parts = [GROUP_NAME, context, pb(pk), u32(cts.length)];
  for (const c of cts) parts.push(pb(c.a), pb(c.b));
  parts.push(u32(values.length));
  for (const v of values) parts.push(u64(v));
  for (const P of commitments) parts.push(pb(P));
  return hashToScalar(DOMAIN_DISJUNCTIVE, ...parts);
}

/** Proof that the sum of `cts` encrypts m (one of `values`) with randomness r (the sum's). Nonces, in order:
 * w, then (c_j, z_j) for each simulated branch j in increasing j. */
export function proveDisjunctive(pk, cts, m, r, values, context, rng) {
  const real = values.indexOf(m);
  if (real < 0) throw new Error("the plaintext is not one of the allowed values: no honest proof exists");
  if (new Set(values).size !== values.length || values.some((v) => v < 0)) {
    throw new Error("the allowed values must be distinct and non-negative");
  }
  const pairs = values.map(() => null);
  const commitments = [];
  const w = rng.scalar();
  values.forEach((v, j) => {
    if (j === real) {
      commitments.push(baseMul(w), mul(pk, w));
    } else {
      const cj = rng.scalar();
      const zj = rng.scalar();
      pairs[j] = { c: cj, z: zj };
      // Simulated: A = zj*G - cj*a, B = zj*PK - cj*(b - v*G), computed as u*G and u*PK - cj*(m - v)*G with
      // u = zj - cj*r (the same points, as the Python prover does).
      const u = mod(zj - cj * r);
      commitments.push(baseMul(u), mul(pk, u).subtract(baseMul(cj * BigInt(m - v))));
    }
  });
  const c = disjunctiveChallenge(context, pk, cts, values, commitments);
  const simulated = pairs.reduce((s, p) => (p ? s + p.c : s), 0n);
  const cReal = mod(c - simulated);
  pairs[real] = { c: cReal, z: mod(w + cReal * r) };
  return { commitments, pairs };
}

/** Exact check: the challenge equals the sum of the c_j, and each branch's two equations hold. */
export function verifyDisjunctive(pk, cts, values, proof, context) {
  if (proof.pairs.length !== values.length || proof.commitments.length !== 2 * values.length || !cts.length) return false;
  const c = disjunctiveChallenge(context, pk, cts, values, proof.commitments);
  if (c !== proof.pairs.reduce((s, p) => s + p.c, 0n) % L) return false;
  const sum = total(cts);
  return values.every((v, j) => {
    const { c: cj, z: zj } = proof.pairs[j];
    const A = mulPublic(G, zj).subtract(mulPublic(sum.a, cj));
    const B = mulPublic(pk, zj).subtract(mulPublic(sum.b.subtract(smallMultiple(v)), cj));
    return A.equals(proof.commitments[2 * j]) && B.equals(proof.commitments[2 * j + 1]);
  });
}

/** Bytes: u32(k) || A_0 || B_0 || ... || c_0 || z_0 || ... (4 + 128k). */
export function disjunctiveBytes(proof) {
  return concat(
    u32(proof.pairs.length),
    ...proof.commitments.map(pb),
    ...proof.pairs.flatMap((p) => [scalarBytes(p.c), scalarBytes(p.z)]),
  );
}

export function disjunctiveFromBytes(bytes, what = "disjunctive proof") {
  if (bytes.length < 4) throw new Error(`${what}: truncated`);
  const k = new DataView(bytes.buffer, bytes.byteOffset, 4).getUint32(0);
  if (bytes.length !== 4 + 128 * k) throw new Error(`${what}: wrong length for ${k} branches`);
  const commitments = [];
  for (let i = 0; i < 2 * k; i++) commitments.push(pointFromBytes(bytes.subarray(4 + 32 * i, 36 + 32 * i), `${what}: commitment ${i}`));
  const base = 4 + 64 * k;
  const pairs = [];
  for (let i = 0; i < k; i++) {
    const at = base + 64 * i;
    pairs.push({
      c: scalarFromBytes(bytes.subarray(at, at + 32), `${what}: c_${i}`),
      z: scalarFromBytes(bytes.subarray(at + 32, at + 64), `${what}: z_${i}`),
    });
  }
  return { commitments, pairs };
}

export function disjunctiveJson(proof) {
  return { commitments: proof.commitments.map(pointHex), pairs: proof.pairs.map((p) => [scalarHex(p.c), scalarHex(p.z)]) };
}

export function disjunctiveFromJson(obj, what = "disjunctive proof") {
  if (!obj || !Array.isArray(obj.commitments) || !Array.isArray(obj.pairs)) throw new Error(`${what}: malformed`);
  const commitments = obj.commitments.map((h, i) => pointFromHex(h, `${what}: commitment ${i}`));
  const pairs = obj.pairs.map((p, i) => {
    if (!Array.isArray(p) || p.length !== 2) throw new Error(`${what}: pair ${i} is not [c, z]`);
    return { c: scalarFromHex(p[0], `${what}: c_${i}`), z: scalarFromHex(p[1], `${what}: z_${i}`) };
  });
  if (commitments.length !== 2 * pairs.length) throw new Error(`${what}: two commitments per allowed value`);
  return { commitments, pairs };
}

export { toHex, fromHex };
