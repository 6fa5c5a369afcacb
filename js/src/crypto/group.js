// The group ristretto255 (docs/crypto.md §1–§2), on @noble/curves. Scalars are BigInts mod L; points are noble
// RistrettoPoint objects, written and read only as their 32-byte canonical encodings.
import { ristretto255, ristretto255_hasher } from "@noble/curves/ed25519.js";
import { lengthPrefixed, sha512, toHex, fromHex, u32, utf8 } from "./bytes.js";

export const Point = ristretto255.Point;
export const L = 2n ** 252n + 27742317777372353535851937790883648493n;
export const G = Point.BASE;
export const IDENTITY = Point.ZERO;
export const GROUP_NAME = utf8("ristretto255");

export const mod = (k) => ((k % L) + L) % L;

/** k*P for any k and P (the identity when k mod L is 0, as omov's Python does). Constant-time ladder, for
 * secrets; `mulPublic` is the faster variable-time one for public scalars (verification). */
export function mul(P, k) {
  const s = mod(k);
  return s === 0n || P.is0() ? IDENTITY : P.multiply(s);
}
export function mulPublic(P, k) {
  const s = mod(k);
  return s === 0n || P.is0() ? IDENTITY : P.multiplyUnsafe(s);
}
export const baseMul = (k) => mul(G, k);

export const pointBytes = (P) => P.toBytes();
export const pointHex = (P) => toHex(P.toBytes());

/** The point with this canonical encoding (32 zero bytes = the identity); refuses anything else. */
export function pointFromBytes(bytes, what = "point") {
  if (!(bytes instanceof Uint8Array) || bytes.length !== 32) throw new Error(`${what}: a point is 32 bytes`);
  let P;
  try {
    P = Point.fromBytes(bytes);
  } catch {
    throw new Error(`${what}: not a canonical ristretto255 point`);
  }
  return P;
}
export const pointFromHex = (hex, what = "point") => pointFromBytes(fromHex(hex, what, 32), what);

/** 32 bytes little-endian of k mod L. */
export function scalarBytes(k) {
  let x = mod(k);
  const out = new Uint8Array(32);
  for (let i = 0; i < 32; i++) {
    out[i] = Number(x & 0xffn);
    x >>= 8n;
  }
  return out;
}
export const scalarHex = (k) => toHex(scalarBytes(k));

export function intLE(bytes) {
  let x = 0n;
  for (let i = bytes.length - 1; i >= 0; i--) x = (x << 8n) | BigInt(bytes[i]);
  return x;
}

/** The scalar with this 32-byte encoding; refuses values >= L (no silent reduction). */
export function scalarFromBytes(bytes, what = "scalar") {
  if (bytes.length !== 32) throw new Error(`${what}: a scalar is 32 bytes`);
  const k = intLE(bytes);
  if (k >= L) throw new Error(`${what}: not a canonical scalar (not below the group order)`);
  return k;
}
export const scalarFromHex = (hex, what = "scalar") => scalarFromBytes(fromHex(hex, what, 32), what);

/** hash_to_scalar(domain, p_1..p_n) = int_le(SHA-512(length_prefixed(UTF8(domain), p_1..p_n))) mod L. */
export function hashToScalar(domain, ...parts) {
  return intLE(sha512(lengthPrefixed(utf8(domain), ...parts))) % L;
}

/** independent_generators(domain, n): from_hash(SHA-512(length_prefixed("omov/v1/generators", domain, u32 i))).
 * noble's deriveToCurve is RFC 9496's element derivation from 64 bytes, libsodium's from_hash. */
export function independentGenerators(domain, n) {
  const out = [];
  for (let i = 0; i < n; i++) {
    out.push(ristretto255_hasher.deriveToCurve(sha512(lengthPrefixed(utf8("omov/v1/generators"), utf8(domain), u32(i)))));
  }
  return out;
}
