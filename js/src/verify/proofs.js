// The proofs of docs/crypto.md §4 and §11, checked from challenge/response form: the verifier recomputes the
// commitments from the responses and requires the challenge to be the hash of everything.
import { G, L, enc, mul, msm, mod, mulAdd, randomWeight, hashToScalar, text, u32, u64, pointFromHex } from "./group.js";

const GROUP = text("ristretto255");

// §4.1 Schnorr: X = x*B; R' = z*B - c*X; c == H("omov/v1/proof/dlog", group, context, B, X, R').
export function verifyDlog(context, B, X, c, z) {
  const R = mul(B, z).subtract(mul(X, c));
  return hashToScalar("omov/v1/proof/dlog", GROUP, context, enc(B), enc(X), enc(R)) === c;
}

// §4.2 Chaum–Pedersen: X1 = x*B1, X2 = x*B2. B1 and X1 are fixed bases (G and a trustee's key, with
// precomputed tables); B2 and X2 change from proof to proof, so R2 is one joint multiplication.
export function verifyDleq(context, B1, X1, B2, X2, c, z) {
  const R1 = mul(B1, z).subtract(mul(X1, c));
  const R2 = mulAdd([B2, X2], [z, L - c]);
  return hashToScalar("omov/v1/proof/dleq", GROUP, context, enc(B1), enc(X1), enc(B2), enc(X2), enc(R1), enc(R2)) === c;
}

// §4.3 disjunctive proof that the sum (a, b) of `cts` ([{a, b, aBytes, bBytes}]) encrypts one of `values`.
// proof = {commitments: [[A_j, B_j] points], pairs: [[c_j, z_j] bigints], commitmentBytes: [[Uint8Array]]}.
//
// The commitments are stored, so the branch equations A_j = z_j*G - c_j*a and B_j = z_j*PK - c_j*(b - v_j*G)
// need not be checked one by one: given `batch` ({points, scalars, g, pk, coef: Map(ct -> [ca, cb])}), each
// equation is added to it multiplied by an independent random 128-bit weight, and the caller checks that the
// whole combination is the identity (one multi-scalar multiplication for many papers). Without `batch` every
// equation is checked here. The challenge equation (a hash) is checked at once either way.
export function verifyDisjunctive(context, PK, pkBytes, cts, values, proof, batch = null) {
  const k = values.length;
  if (proof.commitments.length !== k || proof.pairs.length !== k) return false;
  let a = cts[0].a;
  let b = cts[0].b;
  for (let i = 1; i < cts.length; i++) {
    a = a.add(cts[i].a);
    b = b.add(cts[i].b);
  }
  const parts = [context, pkBytes, u32(cts.length)];
  for (const ct of cts) parts.push(ct.aBytes, ct.bBytes);
  parts.push(u32(k));
  for (const v of values) parts.push(u64(v));
  for (const [A, B] of proof.commitmentBytes) parts.push(A, B);
  const c = hashToScalar("omov/v1/proof/disjunctive", GROUP, ...parts);
  let sum = 0n;
  for (const [cj] of proof.pairs) sum += cj;
  if (sum % L !== c) return false;
  if (batch) {
    // w1*(A_j + c_j*a - z_j*G) + w2*(B_j + c_j*b - c_j*v_j*G - z_j*PK) = 0, with a = sum a_i, b = sum b_i.
    for (let j = 0; j < k; j++) {
      const [cj, zj] = proof.pairs[j];
      const [A, B] = proof.commitments[j];
      const w1 = randomWeight();
      const w2 = randomWeight();
      batch.points.push(A, B);
      batch.scalars.push(w1, w2);
      for (const ct of cts) {
        let co = batch.coef.get(ct);
        if (co === undefined) {
          co = [0n, 0n];
          batch.coef.set(ct, co);
        }
        co[0] = (co[0] + w1 * cj) % L;
        co[1] = (co[1] + w2 * cj) % L;
      }
      batch.g = (batch.g - w1 * zj - w2 * ((cj * BigInt(values[j])) % L)) % L;
      batch.pk = (batch.pk - w2 * zj) % L;
    }
    return true;
  }
  for (let j = 0; j < k; j++) {
    const [cj, zj] = proof.pairs[j];
    const [A, B] = proof.commitments[j];
    if (!mul(G, zj).subtract(mul(a, cj)).equals(A)) return false;
    const shifted = b.subtract(mul(G, BigInt(values[j])));
    if (!mul(PK, zj).subtract(mul(shifted, cj)).equals(B)) return false;
  }
  return true;
}

// §11 proof of knowledge of a ranked paper's randomness: R_j' = z_j*G - c*a_j;
// c == H("omov/v1/proof/randomness", group, RP, PK, u32(k), a_1, b_1, ..., a_k, b_k, R_1', ..., R_k').
export function verifyRandomness(RP, pkBytes, paperBytes, aPoints, c, zs) {
  const k = aPoints.length;
  const parts = [RP, pkBytes, u32(k)];
  for (let j = 0; j < k; j++) {
    parts.push(paperBytes.subarray(64 * j, 64 * j + 32), paperBytes.subarray(64 * j + 32, 64 * j + 64));
  }
  for (let j = 0; j < k; j++) parts.push(enc(mul(G, zs[j]).subtract(mul(aPoints[j], c))));
  return hashToScalar("omov/v1/proof/randomness", GROUP, ...parts) === c;
}

export function newBatch() {
  return { points: [], scalars: [], g: 0n, pk: 0n, coef: new Map() };
}

// Whether every equation added to `batch` holds (their random combination is the identity).
export function batchHolds(batch, PK) {
  const points = [...batch.points, G, PK];
  const scalars = [...batch.scalars, mod(batch.g), mod(batch.pk)];
  for (const [ct, [ca, cb]] of batch.coef) {
    points.push(ct.a, ct.b);
    scalars.push(ca, cb);
  }
  return msm(points, scalars).is0();
}

export { pointFromHex };
