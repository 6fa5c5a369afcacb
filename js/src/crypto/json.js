// Canonical JSON (docs/record.md §2): keys sorted by Unicode code point, no whitespace, integers only, strings
// escaping exactly what Python's json.dumps(..., ensure_ascii=False) escapes. The text returned has no final
// newline: a file is this text followed by "\n"; hashes over "the canonical JSON" of an object (trustee
// `inputs`, a decryption input's `h`) are over this text alone, as omov/crypto/encoding.py's canonical_json.
import { hasLoneSurrogate } from "./bytes.js";

function compareCodePoints(x, y) {
  const a = Array.from(x, (ch) => ch.codePointAt(0));
  const b = Array.from(y, (ch) => ch.codePointAt(0));
  for (let i = 0; i < Math.min(a.length, b.length); i++) if (a[i] !== b[i]) return a[i] - b[i];
  return a.length - b.length;
}

function str(s, path) {
  if (hasLoneSurrogate(s)) throw new Error(`${path}: a string holds a lone surrogate`);
  // JSON.stringify escapes ", \, \b \f \n \r \t and other controls as \u00xx (lowercase), nothing else,
  // which is the rule of record.md §2 once lone surrogates are refused.
  return JSON.stringify(s);
}

function write(value, path, depth) {
  if (depth > 32) throw new Error(`${path}: nested deeper than 32 levels`);
  if (value === null || value === true || value === false) return String(value);
  if (typeof value === "number") {
    if (!Number.isSafeInteger(value)) throw new Error(`${path}: only integers are allowed in canonical JSON, not ${value}`);
    return String(value === 0 ? 0 : value);
  }
  if (typeof value === "string") return str(value, path);
  if (Array.isArray(value)) return `[${value.map((v, i) => write(v, `${path}[${i}]`, depth + 1)).join(",")}]`;
  if (typeof value === "object") {
    const keys = Object.keys(value).sort(compareCodePoints);
    return `{${keys.map((k) => `${str(k, path)}:${write(value[k], `${path}.${k}`, depth + 1)}`).join(",")}}`;
  }
  throw new Error(`${path}: a ${typeof value} has no JSON form`);
}

/** The canonical JSON text of a value (no final newline). */
export function canonicalJson(value) {
  return write(value, "$", 0);
}
