// The group and hashing of docs/crypto.md §1–§2, written for the verifier from the document: ristretto255
// through @noble/curves, SHA-256/512 through @noble/hashes. Everything here handles public data only, so the
// faster variable-time multiplication is used throughout.
import { ristretto255, ristretto255_hasher } from "@noble/curves/ed25519.js";
import { mulAddUnsafe, pippenger } from "@noble/curves/abstract/curve.js";
import { sha256, sha512 } from "@noble/hashes/sha2.js";

export const Point = ristretto255.Point;
export const L = 2n ** 252n + 27742317777372353535851937790883648493n;
export const G = Point.BASE;
// G is multiplied several times a paper: a window-8 table (32 additions a multiplication, no doublings).
G.precompute(8, false);
export const ZERO = Point.ZERO;
export const G_HEX = "e2f2ae0a6abc4e71a884a961c500515f58e30b6aa582dd8db6a65945e08d2d76";
export { sha256, sha512 };

const utf8 = new TextEncoder();
export const text = (s) => utf8.encode(s);

const HEX = /^(?:[0-9a-f]{2})*$/;
export function isHex(s) {
  return typeof s === "string" && HEX.test(s);
}

export function hexToBytes(hex) {
  const out = new Uint8Array(hex.length / 2);
  for (let i = 0; i < out.length; i++) out[i] = parseInt(hex.substr(i * 2, 2), 16);
  return out;
}

const HEXES = Array.from({ length: 256 }, (_, i) => i.toString(16).padStart(2, "0"));
export function bytesToHex(bytes) {
  let s = "";
  for (let i = 0; i < bytes.length; i++) s += HEXES[bytes[i]];
  return s;
}

export function concat(...parts) {
  let n = 0;
  for (const p of parts) n += p.length;
  const out = new Uint8Array(n);
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

export function u32(n) {
  const out = new Uint8Array(4);
  new DataView(out.buffer).setUint32(0, n, false);
  return out;
}

export function u64(n) {
  const out = new Uint8Array(8);
  new DataView(out.buffer).setBigUint64(0, BigInt(n), false);
  return out;
}

// length_prefixed(x_1, ..., x_n): each byte string after its length as 8 bytes big-endian (crypto.md §2).
export function lengthPrefixed(...parts) {
  const pieces = [];
  for (const p of parts) {
    const b = typeof p === "string" ? text(p) : p;
    pieces.push(u64(b.length), b);
  }
  return concat(...pieces);
}

function intLE(bytes) {
  let n = 0n;
  for (let i = bytes.length - 1; i >= 0; i--) n = (n << 8n) | BigInt(bytes[i]);
  return n;
}

// hash_to_scalar(domain, p_1, ..., p_n) = int_le(SHA-512(length_prefixed(UTF8(domain), p_1, ...))) mod L.
export function hashToScalar(domain, ...parts) {
  return intLE(sha512(lengthPrefixed(text(domain), ...parts))) % L;
}

// A scalar: 32 bytes little-endian, refused when >= L. Returns null when not canonical.
export function scalarFromHex(hex) {
  if (typeof hex !== "string" || hex.length !== 64) return null;
  const n = intLE(hexToBytes(hex));
  return n < L ? n : null;
}

export function scalarToBytes(n) {
  const out = new Uint8Array(32);
  let v = n;
  for (let i = 0; i < 32; i++) {
    out[i] = Number(v & 0xffn);
    v >>= 8n;
  }
  return out;
}

// Decoded points are cached: the same point is met many times (a mix's outputs are the next one's inputs).
const cache = new Map();
const CACHE_LIMIT = 2_000_000;

// A point from its 32-byte canonical encoding (hex); null when it is not a canonical ristretto255 encoding.
// The identity (32 zero bytes) is a valid point.
export function pointFromHex(hex) {
  const hit = cache.get(hex);
  if (hit !== undefined) return hit;
  let p = null;
  if (typeof hex === "string" && hex.length === 64 && isHex(hex)) {
    try {
      p = Point.fromBytes(hexToBytes(hex));
    } catch {
      p = null;
    }
  }
  if (cache.size >= CACHE_LIMIT) cache.clear();
  cache.set(hex, p);
  return p;
}

export function clearPointCache() {
  cache.clear();
}

export function enc(p) {
  return p.toBytes();
}

// k*P for any scalar k (reduced mod L; 0 gives the identity).
export function mul(p, k) {
  const s = ((k % L) + L) % L;
  if (s === 0n || p.is0()) return ZERO;
  return p.multiplyUnsafe(s);
}

// sum_i k_i * P_i, by Pippenger's method when the list is long.
export function msm(points, scalars) {
  if (points.length === 0) return ZERO;
  if (points.length < 4) {
    let acc = ZERO;
    for (let i = 0; i < points.length; i++) acc = acc.add(mul(points[i], scalars[i]));
    return acc;
  }
  return pippenger(Point, points, scalars.map((k) => ((k % L) + L) % L));
}

// independent_generators(domain, n): from_hash(SHA-512(length_prefixed("omov/v1/generators", domain, u32(i)))),
// from_hash being RFC 9496's element derivation from 64 bytes (libsodium's crypto_core_ristretto255_from_hash).
export function independentGenerators(domain, n, from = 0) {
  const out = [];
  for (let i = from; i < n; i++) {
    out.push(ristretto255_hasher.deriveToCurve(sha512(lengthPrefixed(text("omov/v1/generators"), text(domain), u32(i)))));
  }
  return out;
}

export const mod = (x) => ((x % L) + L) % L;

// sum_i k_i * P_i for a few points in one pass (Straus–Shamir: the doublings are shared), for bases that have no
// precomputed table; twice as fast as two separate multiplications.
export function mulAdd(points, scalars) {
  const ps = [];
  const ks = [];
  for (let i = 0; i < points.length; i++) {
    const s = mod(scalars[i]);
    if (s === 0n || points[i].is0()) continue;
    ps.push(points[i]);
    ks.push(s);
  }
  if (ps.length === 0) return ZERO;
  return mulAddUnsafe(Point, ps, ks);
}

// An independent random 128-bit weight for batch verification (odd, so never 0): a false equation survives a
// random linear combination with probability 2^-128.
export function randomWeight() {
  const b = new Uint8Array(16);
  globalThis.crypto.getRandomValues(b);
  let n = 0n;
  for (const x of b) n = (n << 8n) | BigInt(x);
  return n | 1n;
}

export function equalBytes(a, b) {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}
