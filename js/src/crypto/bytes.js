// Byte strings, hex, fixed-width integers, length_prefixed and the two hashes (docs/crypto.md §2).
// Every byte string inside a hash or a context goes through lengthPrefixed, never plain concatenation.
import { sha256 as nobleSha256, sha512 as nobleSha512 } from "@noble/hashes/sha2.js";

const encoder = new TextEncoder();
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

/** True if the string holds a surrogate that is not half of a pair (it has no UTF-8 form). */
export const hasLoneSurrogate = (s) => LONE_SURROGATE.test(s);

/** UTF-8 bytes of a string (refuses lone surrogates, which have no UTF-8 form). */
export function utf8(s) {
  if (typeof s !== "string") throw new Error(`expected a string, not ${typeof s}`);
  if (hasLoneSurrogate(s)) throw new Error("a string holds a lone surrogate: it has no UTF-8 encoding");
  return encoder.encode(s);
}

export function toHex(bytes) {
  let out = "";
  for (const b of bytes) out += b.toString(16).padStart(2, "0");
  return out;
}

/** Bytes from lowercase hex; `what` names the item in the error. `size` (bytes) is checked when given. */
export function fromHex(hex, what = "hex", size = undefined) {
  if (typeof hex !== "string" || !/^([0-9a-f]{2})*$/.test(hex)) {
    throw new Error(`${what}: expected lowercase hex digits, an even number of them`);
  }
  if (size !== undefined && hex.length !== 2 * size) throw new Error(`${what}: expected ${2 * size} hex digits`);
  const out = new Uint8Array(hex.length / 2);
  for (let i = 0; i < out.length; i++) out[i] = parseInt(hex.slice(2 * i, 2 * i + 2), 16);
  return out;
}

export function concat(...parts) {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

export function equalBytes(a, b) {
  if (a.length !== b.length) return false;
  let diff = 0;
  for (let i = 0; i < a.length; i++) diff |= a[i] ^ b[i];
  return diff === 0;
}

function bigEndian(n, size, what) {
  const v = BigInt(n);
  if (v < 0n || v >= 1n << BigInt(8 * size)) throw new Error(`${n} does not fit in an unsigned ${what}-bit integer`);
  const out = new Uint8Array(size);
  let x = v;
  for (let i = size - 1; i >= 0; i--) {
    out[i] = Number(x & 0xffn);
    x >>= 8n;
  }
  return out;
}

/** 4-byte big-endian unsigned integer. */
export const u32 = (n) => bigEndian(n, 4, 32);
/** 8-byte big-endian unsigned integer. */
export const u64 = (n) => bigEndian(n, 8, 64);

/** length_prefixed(x_1, ..., x_n): each part after its length as u64 (an injective encoding of a list). */
export function lengthPrefixed(...parts) {
  const pieces = [];
  for (const p of parts) {
    if (!(p instanceof Uint8Array)) throw new Error("lengthPrefixed takes byte strings (use utf8() for text)");
    pieces.push(u64(p.length), p);
  }
  return concat(...pieces);
}

export const sha256 = (bytes) => nobleSha256(bytes);
export const sha512 = (bytes) => nobleSha512(bytes);
export const sha256Hex = (bytes) => toHex(nobleSha256(bytes));
