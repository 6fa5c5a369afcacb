// Exponential ElGamal (docs/crypto.md §3): (a, b) = (r*G, m*G + r*PK); a ciphertext is 64 bytes a || b.
import { concat, toHex, fromHex } from "./bytes.js";
import { G, IDENTITY, baseMul, mul, mulPublic, pointFromBytes } from "./group.js";

/** Encrypt the small non-negative integer m under PK with randomness r. */
export function encrypt(pk, m, r) {
  return { a: baseMul(r), b: smallMultiple(m).add(mul(pk, r)) };
}

/** m*G for a small public m (the message, or a value of a disjunctive proof). */
export function smallMultiple(m) {
  const k = BigInt(m);
  return k === 0n ? IDENTITY : G.multiplyUnsafe(k);
}

export const ciphertextBytes = (c) => concat(c.a.toBytes(), c.b.toBytes());
export const ciphertextHex = (c) => toHex(ciphertextBytes(c));

export function ciphertextFromBytes(bytes, what = "ciphertext") {
  if (bytes.length !== 64) throw new Error(`${what}: a ciphertext is 64 bytes (a || b)`);
  return { a: pointFromBytes(bytes.subarray(0, 32), `${what}: a`), b: pointFromBytes(bytes.subarray(32), `${what}: b`) };
}
export const ciphertextFromHex = (hex, what = "ciphertext") => ciphertextFromBytes(fromHex(hex, what, 64), what);

export const addCiphertexts = (x, y) => ({ a: x.a.add(y.a), b: x.b.add(y.b) });

export function sameCiphertext(x, y) {
  return x.a.equals(y.a) && x.b.equals(y.b);
}

export { mulPublic };
