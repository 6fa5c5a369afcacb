// The strict reader of record.md §2: a file is accepted only if it is canonical JSON, byte for byte. Every
// refusal names the file and the item (the path inside the document) where the reader stopped.
// This is the verifier's own reader; it shares nothing with the booth code or with omov's Python.

export class RecordError extends Error {
  constructor(file, item, message) {
    super(item ? `${file}: ${item}: ${message}` : `${file}: ${message}`);
    this.file = file;
    this.item = item;
    this.detail = message;
  }
}

export const MAX_DEPTH = 32;

// Path of an item, as record.md's examples write it: `papers[2].position`.
export function itemPath(path) {
  let out = "";
  for (const part of path) {
    if (typeof part === "number") out += `[${part}]`;
    else out += out ? `.${part}` : part;
  }
  return out;
}

// Compare two strings by Unicode code points (not UTF-16 units), as record.md §2.3 requires.
export function compareCodePoints(a, b) {
  let i = 0;
  let j = 0;
  while (i < a.length && j < b.length) {
    const x = a.codePointAt(i);
    const y = b.codePointAt(j);
    if (x !== y) return x < y ? -1 : 1;
    i += x > 0xffff ? 2 : 1;
    j += y > 0xffff ? 2 : 1;
  }
  if (i < a.length) return 1;
  if (j < b.length) return -1;
  return 0;
}

const SHORT_ESCAPES = { '"': '"', "\\": "\\", b: "\b", f: "\f", n: "\n", r: "\r", t: "\t" };
const ESCAPE_OUT = { '"': '\\"', "\\": "\\\\", "\b": "\\b", "\f": "\\f", "\n": "\\n", "\r": "\\r", "\t": "\\t" };

function shown(ch) {
  return ch === undefined ? "the end of the file" : JSON.stringify(ch);
}

// Read `bytes` (a Uint8Array) as canonical JSON; returns plain values: objects without a prototype (so a key
// "__proto__" is an ordinary key), arrays, strings, booleans, null, and integers as Numbers (BigInts beyond
// 2^53, which no shape accepts).
export function readCanonical(bytes, file) {
  if (bytes.length >= 3 && bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf) {
    throw new RecordError(file, "", "starts with a byte-order mark; canonical JSON has none");
  }
  let text;
  try {
    text = new TextDecoder("utf-8", { fatal: true, ignoreBOM: true }).decode(bytes);
  } catch {
    throw new RecordError(file, "", "is not valid UTF-8");
  }
  let pos = 0;
  const path = [];
  const fail = (message) => {
    throw new RecordError(file, itemPath(path), `${message} (character ${pos + 1})`);
  };

  function parseString() {
    // pos is at the opening quote
    pos++;
    let out = "";
    let start = pos;
    for (;;) {
      if (pos >= text.length) fail("a string is not closed");
      const c = text.charCodeAt(pos);
      if (c === 0x22) {
        out += text.slice(start, pos);
        pos++;
        return out;
      }
      if (c < 0x20) fail(`the control character U+${c.toString(16).padStart(4, "0")} must be escaped`);
      if (c === 0x5c) {
        out += text.slice(start, pos);
        const e = text[pos + 1];
        if (e in SHORT_ESCAPES) {
          out += SHORT_ESCAPES[e];
          pos += 2;
        } else if (e === "u") {
          const hex = text.slice(pos + 2, pos + 6);
          if (!/^00[01][0-9a-f]$/.test(hex)) {
            fail(`the escape \\u${hex} is not canonical: only control characters are written \\u00xx (lowercase), every other character as itself`);
          }
          const code = parseInt(hex, 16);
          if ([0x08, 0x09, 0x0a, 0x0c, 0x0d].includes(code)) fail(`the escape \\u${hex} is not canonical: write it as a short escape`);
          out += String.fromCharCode(code);
          pos += 6;
        } else {
          fail(`the escape \\${e ?? ""} is not canonical`);
        }
        start = pos;
        continue;
      }
      pos++;
    }
  }

  function parseNumber() {
    const m = /^-?(0|[1-9][0-9]*)/.exec(text.slice(pos, pos + 400));
    if (!m) fail("a number must be an integer written -?(0|[1-9][0-9]*)");
    const after = text[pos + m[0].length];
    if (after === "." || after === "e" || after === "E") fail("a number must be an integer, with no fraction or exponent");
    if (after !== undefined && /[0-9]/.test(after)) fail("a number is too long");
    if (m[0] === "-0") fail("-0 is not canonical");
    pos += m[0].length;
    const n = Number(m[0]);
    return Number.isSafeInteger(n) ? n : BigInt(m[0]);
  }

  function parseValue(depth) {
    const ch = text[pos];
    if (ch === "{" || ch === "[") {
      if (depth >= MAX_DEPTH) fail(`nested deeper than ${MAX_DEPTH} levels`);
    }
    if (ch === "{") {
      pos++;
      const obj = Object.create(null);
      if (text[pos] === "}") {
        pos++;
        return obj;
      }
      let previous = null;
      for (;;) {
        if (text[pos] !== '"') fail(`expected a key in quotes, found ${shown(text[pos])}`);
        const key = parseString();
        path.push(key);
        if (key in obj) fail(`the key ${JSON.stringify(key)} appears twice in one object`);
        if (previous !== null && compareCodePoints(previous, key) >= 0) {
          fail(`the key ${JSON.stringify(key)} comes after ${JSON.stringify(previous)}: keys must be in increasing order of code points`);
        }
        if (text[pos] !== ":") fail(`expected ':' after a key, found ${shown(text[pos])}`);
        pos++;
        obj[key] = parseValue(depth + 1);
        path.pop();
        previous = key;
        const next = text[pos];
        if (next === ",") {
          pos++;
          continue;
        }
        if (next === "}") {
          pos++;
          return obj;
        }
        fail(`expected ',' or '}' in an object, found ${shown(next)}`);
      }
    }
    if (ch === "[") {
      pos++;
      const arr = [];
      if (text[pos] === "]") {
        pos++;
        return arr;
      }
      for (;;) {
        path.push(arr.length);
        arr.push(parseValue(depth + 1));
        path.pop();
        const next = text[pos];
        if (next === ",") {
          pos++;
          continue;
        }
        if (next === "]") {
          pos++;
          return arr;
        }
        fail(`expected ',' or ']' in an array, found ${shown(next)}`);
      }
    }
    if (ch === '"') return parseString();
    if (ch === "-" || (ch >= "0" && ch <= "9")) return parseNumber();
    for (const [word, value] of [["true", true], ["false", false], ["null", null]]) {
      if (text.startsWith(word, pos)) {
        pos += word.length;
        return value;
      }
    }
    if (ch === " " || ch === "\t" || ch === "\n" || ch === "\r") fail("whitespace outside a string is not canonical");
    fail(`unexpected ${shown(ch)}`);
  }

  const value = parseValue(0);
  if (pos === text.length) fail("does not end with a newline");
  if (text[pos] !== "\n" || pos + 1 !== text.length) {
    if (text[pos] === "\n") pos++;
    fail("there is more after the document than one final newline");
  }
  return value;
}

function writeString(s) {
  let out = '"';
  for (const ch of s) {
    if (ch in ESCAPE_OUT) out += ESCAPE_OUT[ch];
    else if (ch.charCodeAt(0) < 0x20) out += `\\u${ch.charCodeAt(0).toString(16).padStart(4, "0")}`;
    else out += ch;
  }
  return out + '"';
}

// The canonical JSON text of a value (without the final newline): what Python's
// json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False) writes.
export function canonicalText(value) {
  if (value === null) return "null";
  if (value === true) return "true";
  if (value === false) return "false";
  if (typeof value === "number") {
    if (!Number.isInteger(value)) throw new Error("canonical JSON holds integers only");
    return Object.is(value, -0) ? "0" : String(value);
  }
  if (typeof value === "bigint") return value.toString();
  if (typeof value === "string") return writeString(value);
  if (Array.isArray(value)) return `[${value.map(canonicalText).join(",")}]`;
  const keys = Object.keys(value).sort(compareCodePoints);
  return `{${keys.map((k) => `${writeString(k)}:${canonicalText(value[k])}`).join(",")}}`;
}
